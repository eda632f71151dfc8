#pragma once
// Branding, custom domains and translation overrides of organizations (/api/v1/white-label,
// /api/v1/localization), and the look a request or an email gets from them. Every change is
// audited in the organization's log.

#include "core/branding/branding.hpp"
#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/i18n/text.hpp"
#include "core/identity/user_admin.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace janua::branding {

using Actor = identity::Actor;

struct Domain {
    std::string domain;
    std::string organization_id;
    std::string created_at;
};
nlohmann::json to_json(const Domain& d);

// What a page or an email shows for one organization: its branding and its wording per locale.
struct Look {
    Branding branding;
    std::map<std::string, std::shared_ptr<const i18n::Overrides>> overrides;  // locale -> texts
    std::shared_ptr<const i18n::Overrides> overrides_for(const std::string& locale) const;
};

class BrandingService {
public:
    explicit BrandingService(db::Pool& pool) : m_pool(pool) {}

    // The organization's branding; defaults when it has none (updated_at empty).
    Result<Branding> get(const std::string& organization_id);
    Result<Branding> put(const std::string& organization_id, Branding branding, const Actor& actor);
    Status reset(const std::string& organization_id, const Actor& actor);

    Result<std::vector<Domain>> domains(const std::string& organization_id);
    Result<Domain> add_domain(const std::string& organization_id, const std::string& domain, const Actor& actor);
    Status remove_domain(const std::string& domain, const Actor& actor);

    // An organization's own wording for one locale ({key: text}); validated against the catalog.
    Result<i18n::Overrides> translations(const std::string& organization_id, const std::string& locale);
    Result<i18n::Overrides> put_translations(const std::string& organization_id, const std::string& locale,
                                             const nlohmann::json& texts, const Actor& actor);
    Status remove_translations(const std::string& organization_id, const std::string& locale, const Actor& actor);

    // The look of a custom domain (Host header), cached for a few seconds; nothing for other hosts.
    std::shared_ptr<const Look> look_for_host(const std::string& host);
    // The look of an organization's emails (invitations), read in the caller's transaction.
    static std::optional<Look> look_of(db::Transaction& tx, const std::string& organization_id);
    // The stored locale of the user with this email, if any.
    static std::optional<std::string> locale_of_user(db::Transaction& tx, const std::string& email);

private:
    void forget_cached();

    db::Pool& m_pool;
    struct Cached {
        std::chrono::steady_clock::time_point expires;
        std::shared_ptr<const Look> look;
    };
    std::mutex m_mutex;
    // Every mapped domain, read whole (few rows: at most 20 per organization) so that a Host
    // header nobody mapped never reaches the database, however many different ones arrive.
    std::unordered_set<std::string> m_domains;
    std::chrono::steady_clock::time_point m_domains_expire{};
    std::unordered_map<std::string, Cached> m_by_host;  // looks of mapped domains only
};

}  // namespace janua::branding
