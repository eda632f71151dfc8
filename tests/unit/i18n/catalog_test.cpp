// The shipped message catalogs and the choice of language (core/i18n), without a database.
#include "core/i18n/locale.hpp"
#include "core/i18n/text.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace janua;

TEST_CASE("every catalog key has English and Spanish text with the same placeholders", "[i18n]") {
    const auto english = i18n::catalog_json("en");
    const auto spanish = i18n::catalog_json("es");
    REQUIRE(english.size() == i18n::catalog_keys().size());
    REQUIRE(spanish.size() == english.size());
    std::set<std::string> keys;
    int identical = 0;
    for (const auto& key : i18n::catalog_keys()) {
        INFO(key);
        CHECK(keys.insert(key).second);  // no key twice
        const auto en = english[key].get<std::string>();
        const auto es = spanish[key].get<std::string>();
        CHECK_FALSE(en.empty());
        CHECK_FALSE(es.empty());
        CHECK(i18n::placeholders_of(en) == i18n::placeholders_of(es));
        if (en == es) ++identical;
    }
    // A few words are the same in both ("Error", "no"); a catalog copied untranslated is not.
    CHECK(identical < 5);
}

TEST_CASE("text fills placeholders once and falls back to the key when it is missing", "[i18n]") {
    const i18n::Text es("es");
    CHECK(es("login.heading", {{"name", "Acme {app}"}}) == "Inicia sesión en Acme {app}");
    CHECK(es("no.such.key") == "no.such.key");
    CHECK(i18n::Text("fr").locale() == "en");  // an unshipped language is never selected
    CHECK(es.duration_minutes(60) == "1 hora");
    CHECK(es.duration_minutes(90) == "90 minutos");
    CHECK(i18n::Text("en").duration_minutes(2880) == "2 days");
}

TEST_CASE("an organization's wording overrides the shipped text", "[i18n]") {
    auto overrides = std::make_shared<const i18n::Overrides>(i18n::Overrides{{"login.submit", "Entrar a {x}"}});
    const i18n::Text es("es", overrides);
    CHECK(es("login.submit") == "Entrar a {x}");
    CHECK(es("login.password") == "Contraseña");
    const auto json = i18n::catalog_json("es", overrides.get());
    CHECK(json["login.submit"] == "Entrar a {x}");
}

TEST_CASE("errors are shown as written in English and by their code otherwise", "[i18n]") {
    const auto e = make_error(ErrorCode::authentication, "invalid email or password");
    CHECK(i18n::Text("en").error(e) == "invalid email or password");
    CHECK(i18n::Text("es").error(e) == "El correo, el nombre de usuario o la contraseña no son correctos.");
}

TEST_CASE("the language follows ui_locales, the profile, Accept-Language, then the fallback", "[i18n]") {
    using H = i18n::LocaleHints;
    CHECK(i18n::negotiate(H{"fr-CA es-MX", "en", std::nullopt}) == "es");
    CHECK(i18n::negotiate(H{"", "en", std::string("es-ES")}) == "es");
    CHECK(i18n::negotiate(H{"", "fr;q=1, es;q=0.8, en;q=0.5", std::nullopt}) == "es");
    CHECK(i18n::negotiate(H{"", "en;q=0.2, es", std::nullopt}) == "es");
    CHECK(i18n::negotiate(H{"", "es;q=0, en", std::nullopt}) == "en");  // q=0 means "not this"
    CHECK(i18n::negotiate(H{"", "de, fr", std::nullopt}) == "en");
    H org_default{"", "de", std::nullopt};
    org_default.fallback = "es";
    CHECK(i18n::negotiate(org_default) == "es");
    CHECK(i18n::negotiate(H{"", std::string(5000, 'e'), std::nullopt}) == "en");  // oversized hints are ignored
    CHECK(i18n::supported_language_of("ES_mx") == std::optional<std::string>("es"));
    CHECK_FALSE(i18n::supported_language_of("e1"));
}
