#pragma once
// The words of the hosted pages, the account console and the emails, in every shipped language.
// A Text is one language's view of the catalog (core/i18n/catalog.cpp), with an organization's
// own wording laid over it (PUT /api/v1/localization/organizations/{id}/translations/{locale}).
// Values are plain text: callers escape them for HTML. `{name}` placeholders are filled in one
// pass, so a value containing "{...}" is never expanded again.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace janua::i18n {

using Vars = std::initializer_list<std::pair<std::string_view, std::string>>;
using Overrides = std::map<std::string, std::string>;  // key -> text

class Text {
public:
    explicit Text(std::string locale = "en", std::shared_ptr<const Overrides> overrides = nullptr);

    const std::string& locale() const { return m_locale; }
    std::string operator()(std::string_view key) const;
    std::string operator()(std::string_view key, Vars vars) const;
    // An error shown on a page: the message as written (English) for English readers; otherwise
    // the translation of its code ("error.<CODE>"), since service messages are written in English.
    std::string error(const Error& e) const;
    // "15 minutes", "1 hour", "2 days" in this language.
    std::string duration_minutes(int minutes) const;

private:
    std::string m_locale;
    std::shared_ptr<const Overrides> m_overrides;
};

// `text` with each "{name}" of `vars` replaced, in one pass; unknown placeholders stay as written.
std::string fill(std::string_view text, Vars vars);

// Every key of the catalog, in catalog order.
const std::vector<std::string>& catalog_keys();
// The catalog of a shipped locale as {key: text} (GET /api/v1/localization/translations/{locale}).
nlohmann::json catalog_json(const std::string& locale, const Overrides* overrides = nullptr);
// The placeholders ("{name}") a key's English text uses; an override must use the same ones.
std::vector<std::string> placeholders_of(std::string_view text);

}  // namespace janua::i18n
