#include "core/branding/service.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/i18n/locale.hpp"

#include <algorithm>

namespace janua::branding {
namespace {

using db::Statement;

constexpr auto k_host_cache_ttl = std::chrono::seconds(30);
constexpr std::size_t k_max_domains = 20;
constexpr std::size_t k_max_text = 1000;

#define JANUA_BRANDING_COLUMNS                                                                              \
    "organization_id::text, product_name, logo_url, preset, primary_color, background_color, text_color, " \
    "custom_css, default_locale, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

constexpr Statement k_org_exists{"branding_org_exists", "SELECT 1 FROM organizations WHERE id = $1 FOR SHARE"};
constexpr Statement k_get{"branding_get", "SELECT " JANUA_BRANDING_COLUMNS " FROM organization_branding WHERE organization_id = $1"};
constexpr Statement k_upsert{
    "branding_upsert",
    "INSERT INTO organization_branding (organization_id, product_name, logo_url, preset, primary_color, "
    "background_color, text_color, custom_css, default_locale) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "ON CONFLICT (organization_id) DO UPDATE SET product_name = $2, logo_url = $3, preset = $4, primary_color = $5, "
    "background_color = $6, text_color = $7, custom_css = $8, default_locale = $9, updated_at = now() "
    "RETURNING " JANUA_BRANDING_COLUMNS};
constexpr Statement k_delete{"branding_delete", "DELETE FROM organization_branding WHERE organization_id = $1"};
constexpr Statement k_domains{
    "branding_domains",
    "SELECT domain, organization_id::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM organization_domains WHERE organization_id = $1 ORDER BY domain"};
constexpr Statement k_domain{
    "branding_domain",
    "SELECT domain, organization_id::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM organization_domains WHERE domain = $1"};
constexpr Statement k_add_domain{
    "branding_add_domain",
    "INSERT INTO organization_domains (domain, organization_id) VALUES ($1, $2) ON CONFLICT (domain) DO NOTHING "
    "RETURNING domain, organization_id::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"};
constexpr Statement k_remove_domain{"branding_remove_domain",
                                    "DELETE FROM organization_domains WHERE domain = $1 RETURNING organization_id::text"};
constexpr Statement k_translations{"branding_translations",
                                   "SELECT texts::text FROM organization_translations WHERE organization_id = $1 AND locale = $2"};
constexpr Statement k_all_translations{"branding_all_translations",
                                       "SELECT locale, texts::text FROM organization_translations WHERE organization_id = $1"};
constexpr Statement k_put_translations{
    "branding_put_translations",
    "INSERT INTO organization_translations (organization_id, locale, texts) VALUES ($1, $2, $3::jsonb) "
    "ON CONFLICT (organization_id, locale) DO UPDATE SET texts = $3::jsonb, updated_at = now()"};
constexpr Statement k_remove_translations{"branding_remove_translations",
                                          "DELETE FROM organization_translations WHERE organization_id = $1 AND locale = $2"};
constexpr Statement k_all_domains{"branding_all_domains", "SELECT domain FROM organization_domains"};
constexpr Statement k_org_of_host{
    "branding_org_of_host",
    "SELECT d.organization_id::text FROM organization_domains d JOIN organizations o ON o.id = d.organization_id "
    "WHERE d.domain = $1"};
constexpr Statement k_user_locale{"branding_user_locale", "SELECT locale FROM users WHERE lower(email) = lower($1)"};

Error not_found(const std::string& what) { return make_error(ErrorCode::not_found, "cannot find " + what); }

Error invalid(const std::string& field, const std::string& why) {
    auto e = make_error(ErrorCode::validation, field + ": " + why);
    e.details = {{"field", field}, {"reason", why}};
    return e;
}

std::optional<std::string> text_or_null(const pqxx::field& f) {
    return f.is_null() ? std::nullopt : std::optional<std::string>(f.as<std::string>());
}

Branding branding_of(const pqxx::row& r) {
    Branding b;
    b.organization_id = r[0].as<std::string>();
    b.product_name = text_or_null(r[1]);
    b.logo_url = text_or_null(r[2]);
    b.preset = r[3].as<std::string>();
    b.primary_color = text_or_null(r[4]);
    b.background_color = text_or_null(r[5]);
    b.text_color = text_or_null(r[6]);
    b.custom_css = r[7].as<std::string>();
    b.default_locale = r[8].as<std::string>();
    b.updated_at = r[9].as<std::string>();
    return b;
}

Domain domain_of(const pqxx::row& r) { return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()}; }

Error domain_taken(const std::string& host) {
    return make_error(ErrorCode::conflict, "the domain " + host + " is already mapped to another organization");
}

void audit_change(db::Transaction& tx, const Actor& actor, const std::string& action, const std::string& organization_id,
                  nlohmann::json details) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.organization_id = organization_id;
    e.target_type = "organization";
    e.target_id = organization_id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = std::move(details);
    audit::append(tx, e);
}

Status check_org(db::Transaction& tx, const std::string& organization_id) {
    if (!is_uuid(organization_id) || tx.exec(k_org_exists, organization_id).empty())
        return not_found("organization '" + organization_id + "'");
    return Ok{};
}

Status check_locale(const std::string& locale) {
    if (!i18n::is_supported(locale)) return not_found("locale '" + locale + "' (shipped: en, es)");
    return Ok{};
}

// Overrides: known catalog keys, the same placeholders as the shipped text, bounded plain text.
Result<i18n::Overrides> overrides_from_json(const nlohmann::json& texts) {
    if (!texts.is_object()) return invalid("texts", "must be an object of {\"catalog key\": \"text\"}");
    const auto& keys = i18n::catalog_keys();
    const auto english = i18n::catalog_json("en");
    i18n::Overrides out;
    for (const auto& [key, value] : texts.items()) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            return invalid(key, "is not a catalog key (GET /api/v1/localization/translations/en lists them)");
        // Mail goes out under the platform's sender: an organization must not be able to reword a
        // password reset or a sign-in warning (or an invitation to anyone's address).
        if (key.rfind("mail.", 0) == 0)
            return invalid(key, "mail wording cannot be changed; an organization's branding (name, logo, colours) "
                                "applies to its invitation mails, and the hosted pages take every other key");
        if (!value.is_string() || value.get<std::string>().empty() || value.get<std::string>().size() > k_max_text)
            return invalid(key, "must be a string of 1-" + std::to_string(k_max_text) + " bytes");
        const auto text = value.get<std::string>();
        if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
            return invalid(key, "must not contain control characters");
        if (i18n::placeholders_of(text) != i18n::placeholders_of(english[key].get<std::string>()))
            return invalid(key, "must use the same {placeholders} as the shipped text: " + english[key].get<std::string>());
        out[key] = text;
    }
    return out;
}

i18n::Overrides parse_overrides(const std::string& stored) {
    i18n::Overrides out;
    const auto texts = nlohmann::json::parse(stored);
    for (const auto& [key, value] : texts.items())
        if (value.is_string()) out[key] = value.get<std::string>();
    return out;
}

}  // namespace

nlohmann::json to_json(const Domain& d) {
    return {{"domain", d.domain}, {"organization_id", d.organization_id}, {"created_at", d.created_at}};
}

std::shared_ptr<const i18n::Overrides> Look::overrides_for(const std::string& locale) const {
    auto it = overrides.find(locale);
    return it == overrides.end() ? nullptr : it->second;
}

Result<Branding> BrandingService::get(const std::string& organization_id) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Branding> {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        auto rows = tx.exec(k_get, organization_id);
        if (rows.empty()) {
            Branding defaults;
            defaults.organization_id = organization_id;
            return defaults;
        }
        return branding_of(rows[0]);
    });
}

Result<Branding> BrandingService::put(const std::string& organization_id, Branding b, const Actor& actor) {
    auto saved = m_pool.transact([&](db::Transaction& tx) -> Result<Branding> {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        auto row = tx.exec(k_upsert, organization_id, b.product_name, b.logo_url, b.preset, b.primary_color,
                           b.background_color, b.text_color, b.custom_css, b.default_locale)[0];
        Branding stored = branding_of(row);
        auto details = to_json(stored);
        details.erase("effective_colors");
        details.erase("updated_at");
        audit_change(tx, actor, "branding.updated", organization_id, std::move(details));
        return stored;
    });
    if (saved) forget_cached();
    return saved;
}

Status BrandingService::reset(const std::string& organization_id, const Actor& actor) {
    auto done = m_pool.transact([&](db::Transaction& tx) -> Status {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        if (tx.exec(k_delete, organization_id).affected_rows() > 0)
            audit_change(tx, actor, "branding.reset", organization_id, nlohmann::json::object());
        return Ok{};
    });
    if (done) forget_cached();
    return done;
}

Result<std::vector<Domain>> BrandingService::domains(const std::string& organization_id) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<Domain>> {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        std::vector<Domain> out;
        for (const auto& r : tx.exec(k_domains, organization_id)) out.push_back(domain_of(r));
        return out;
    });
}

Result<Domain> BrandingService::add_domain(const std::string& organization_id, const std::string& domain,
                                           const Actor& actor) {
    const auto host = normalize_host(domain);
    if (!host || *host != domain)
        return invalid("domain", "must be a lower-case DNS name without port or scheme, e.g. login.example.com");
    auto added = m_pool.transact([&](db::Transaction& tx) -> Result<Domain> {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        // Adding a domain the organization already has answers with it (idempotent, even at the limit).
        if (const auto existing = tx.exec(k_domain, *host); !existing.empty()) {
            if (existing[0][1].as<std::string>() == organization_id) return domain_of(existing[0]);
            return domain_taken(*host);
        }
        if (tx.exec(k_domains, organization_id).size() >= k_max_domains)
            return make_error(ErrorCode::conflict, "an organization can have at most " + std::to_string(k_max_domains) +
                                                       " custom domains; remove one first");
        auto rows = tx.exec(k_add_domain, *host, organization_id);
        if (rows.empty()) return domain_taken(*host);  // another request mapped it just now
        audit_change(tx, actor, "branding.domain_added", organization_id, {{"domain", *host}});
        return domain_of(rows[0]);
    });
    if (added) forget_cached();
    return added;
}

Status BrandingService::remove_domain(const std::string& domain, const Actor& actor) {
    auto done = m_pool.transact([&](db::Transaction& tx) -> Status {
        const auto removed = tx.exec(k_remove_domain, domain);
        if (removed.empty()) return not_found("domain '" + domain + "'");
        audit_change(tx, actor, "branding.domain_removed", removed[0][0].as<std::string>(), {{"domain", domain}});
        return Ok{};
    });
    if (done) forget_cached();
    return done;
}

Result<i18n::Overrides> BrandingService::translations(const std::string& organization_id, const std::string& locale) {
    if (auto ok = check_locale(locale); !ok) return ok.error();
    return m_pool.transact([&](db::Transaction& tx) -> Result<i18n::Overrides> {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        auto rows = tx.exec(k_translations, organization_id, locale);
        return rows.empty() ? i18n::Overrides{} : parse_overrides(rows[0][0].as<std::string>());
    });
}

Result<i18n::Overrides> BrandingService::put_translations(const std::string& organization_id, const std::string& locale,
                                                          const nlohmann::json& texts, const Actor& actor) {
    if (auto ok = check_locale(locale); !ok) return ok.error();
    auto overrides = overrides_from_json(texts);
    if (!overrides) return overrides.error();
    auto saved = m_pool.transact([&](db::Transaction& tx) -> Result<i18n::Overrides> {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        tx.exec(k_put_translations, organization_id, locale, nlohmann::json(*overrides).dump());
        nlohmann::json keys = nlohmann::json::array();
        for (const auto& [key, text] : *overrides) keys.push_back(key);
        audit_change(tx, actor, "branding.translations_updated", organization_id, {{"locale", locale}, {"keys", keys}});
        return *overrides;
    });
    if (saved) forget_cached();
    return saved;
}

Status BrandingService::remove_translations(const std::string& organization_id, const std::string& locale,
                                            const Actor& actor) {
    if (auto ok = check_locale(locale); !ok) return ok.error();
    auto done = m_pool.transact([&](db::Transaction& tx) -> Status {
        if (auto ok = check_org(tx, organization_id); !ok) return ok.error();
        if (tx.exec(k_remove_translations, organization_id, locale).affected_rows() > 0)
            audit_change(tx, actor, "branding.translations_removed", organization_id, {{"locale", locale}});
        return Ok{};
    });
    if (done) forget_cached();
    return done;
}

std::optional<Look> BrandingService::look_of(db::Transaction& tx, const std::string& organization_id) {
    Look look;
    auto rows = tx.exec(k_get, organization_id);
    if (rows.empty()) look.branding.organization_id = organization_id;
    else look.branding = branding_of(rows[0]);
    for (const auto& r : tx.exec(k_all_translations, organization_id))
        look.overrides[r[0].as<std::string>()] =
            std::make_shared<const i18n::Overrides>(parse_overrides(r[1].as<std::string>()));
    return look;
}

std::optional<std::string> BrandingService::locale_of_user(db::Transaction& tx, const std::string& email) {
    auto rows = tx.exec(k_user_locale, email);
    if (rows.empty() || rows[0][0].is_null()) return std::nullopt;
    return rows[0][0].as<std::string>();
}

std::shared_ptr<const Look> BrandingService::look_for_host(const std::string& host_header) {
    const auto host = normalize_host(host_header);
    if (!host) return nullptr;
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(m_mutex);
        if (m_domains_expire <= now) {
            std::unordered_set<std::string> domains;
            m_pool.read([&](db::Transaction& tx) {
                for (const auto& r : tx.exec(k_all_domains)) domains.insert(r[0].as<std::string>());
                return 0;
            });
            m_domains = std::move(domains);
            m_domains_expire = now + k_host_cache_ttl;
            m_by_host.clear();
        }
        if (!m_domains.count(*host)) return nullptr;
        auto hit = m_by_host.find(*host);
        if (hit != m_by_host.end() && hit->second.expires > now) return hit->second.look;
    }
    std::shared_ptr<const Look> look = m_pool.read([&](db::Transaction& tx) -> std::shared_ptr<const Look> {
        auto owner = tx.exec(k_org_of_host, *host);
        if (owner.empty()) return nullptr;
        auto found = look_of(tx, owner[0][0].as<std::string>());
        return found ? std::make_shared<const Look>(std::move(*found)) : nullptr;
    });
    std::lock_guard lock(m_mutex);
    m_by_host[*host] = {now + k_host_cache_ttl, look};
    return look;
}

void BrandingService::forget_cached() {
    std::lock_guard lock(m_mutex);
    m_domains_expire = {};
    m_by_host.clear();
}

}  // namespace janua::branding
