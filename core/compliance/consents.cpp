// Consent records: give, withdraw, list. A consent is never deleted by these calls; closing it
// keeps the proof of what was agreed, when, and through which channel.
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"

#include <regex>

namespace janua::compliance {
namespace {

#define CONSENT_COLUMNS "id, purpose, version, status, source, given_at, withdrawn_at, withdrawn_source"

constexpr db::Statement k_list{"consents_list", "SELECT " CONSENT_COLUMNS " FROM consent_records WHERE user_id = $1 "
                                                "ORDER BY given_at DESC, id"};
constexpr db::Statement k_current{"consents_current", "SELECT " CONSENT_COLUMNS " FROM consent_records WHERE user_id = $1 "
                                                      "AND purpose = $2 AND status = 'given' FOR UPDATE"};
constexpr db::Statement k_insert{"consents_insert",
                                 "INSERT INTO consent_records (user_id, purpose, version, source, ip_address, user_agent) "
                                 "VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, '')) RETURNING " CONSENT_COLUMNS};
constexpr db::Statement k_close{"consents_close",
                                "UPDATE consent_records SET status = $2, withdrawn_at = now(), withdrawn_source = $3 "
                                "WHERE id = $1 RETURNING " CONSENT_COLUMNS};
constexpr db::Statement k_lock_user{"consents_lock_user", "SELECT 1 FROM users WHERE id = $1 FOR UPDATE"};

Consent consent_of(const pqxx::row& r) {
    Consent c;
    c.id = r[0].as<std::string>();
    c.purpose = r[1].as<std::string>();
    c.version = r[2].as<std::string>();
    c.status = r[3].as<std::string>();
    c.source = r[4].as<std::string>();
    c.given_at = db::timestamp(r[5]);
    if (!r[6].is_null()) c.withdrawn_at = db::timestamp(r[6]);
    c.withdrawn_source = detail::optional_text(r[7]);
    return c;
}

bool is_slug(const std::string& text) {
    static const std::regex shape("[a-z0-9][a-z0-9_.:-]{0,63}");
    return std::regex_match(text, shape);
}

bool is_version(const std::string& text) {
    static const std::regex shape("[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}");
    return std::regex_match(text, shape);
}

Status privacy_enabled(const ComplianceSettings& s) {
    if (s.gdpr || s.ccpa) return Ok{};
    return make_error(ErrorCode::not_found,
                      "privacy features are disabled: set COMPLIANCE_GDPR_ENABLED or COMPLIANCE_CCPA_ENABLED to true");
}

}  // namespace

nlohmann::json to_json(const Consent& c) {
    return {{"id", c.id},
            {"purpose", c.purpose},
            {"version", c.version},
            {"status", c.status},
            {"source", c.source},
            {"given_at", c.given_at},
            {"withdrawn_at", c.withdrawn_at ? nlohmann::json(*c.withdrawn_at) : nlohmann::json(nullptr)},
            {"withdrawn_source", c.withdrawn_source ? nlohmann::json(*c.withdrawn_source) : nlohmann::json(nullptr)}};
}

Result<std::vector<Consent>> ComplianceService::consents(const std::string& user_id) {
    if (auto on = privacy_enabled(m_settings); !on) return on.error();
    return m_pool.transact([&](db::Transaction& tx) {
        std::vector<Consent> out;
        for (const auto& r : tx.exec(k_list, user_id)) out.push_back(consent_of(r));
        return out;
    });
}

Result<Consent> ComplianceService::give_consent(const std::string& user_id, const ConsentInput& in,
                                                const identity::Actor& actor, const std::string& user_agent) {
    if (auto on = privacy_enabled(m_settings); !on) return on.error();
    if (!is_slug(in.purpose))
        return detail::invalid("purpose", "must be 1-64 characters of a-z, 0-9, '_', '.', ':' or '-' (e.g. marketing_emails)");
    if (!is_version(in.version))
        return detail::invalid("version", "must be 1-64 characters of letters, digits, '_', '.', ':', '+' or '-' (e.g. 2026-01)");
    if (!is_slug(in.source)) return detail::invalid("source", "must be 1-64 characters of a-z, 0-9, '_', '.', ':' or '-' (e.g. web)");
    return db::atomically<Consent>(m_pool, [&](db::Transaction& tx) -> Result<Consent> {
        // Serializes two concurrent grants for one person (the partial unique index would
        // otherwise turn the loser into a 500).
        if (tx.exec(k_lock_user, user_id).empty()) return detail::user_not_found(user_id);
        auto current = tx.exec(k_current, user_id, in.purpose);
        if (!current.empty()) {
            Consent existing = consent_of(current[0]);
            if (existing.version == in.version) return existing;  // nothing new was agreed to
            tx.exec(k_close, existing.id, "superseded", in.source);
        }
        Consent given = consent_of(tx.exec(k_insert, user_id, in.purpose, in.version, in.source, actor.ip, user_agent)[0]);
        detail::record(tx, actor, "compliance.consent_given", "user", user_id,
                       {{"consent_id", given.id}, {"purpose", given.purpose}, {"version", given.version},
                        {"source", given.source}});
        return given;
    });
}

Result<Consent> ComplianceService::withdraw_consent(const std::string& user_id, const std::string& purpose,
                                                    const std::string& source, const identity::Actor& actor) {
    if (auto on = privacy_enabled(m_settings); !on) return on.error();
    if (!is_slug(purpose)) return detail::invalid("purpose", "is not a valid purpose");
    if (!is_slug(source)) return detail::invalid("source", "must be 1-64 characters of a-z, 0-9, '_', '.', ':' or '-'");
    return db::atomically<Consent>(m_pool, [&](db::Transaction& tx) -> Result<Consent> {
        auto current = tx.exec(k_current, user_id, purpose);
        if (current.empty()) return make_error(ErrorCode::not_found, "no consent to '" + purpose + "' is in force");
        Consent closed = consent_of(tx.exec(k_close, current[0][0].as<std::string>(), "withdrawn", source)[0]);
        detail::record(tx, actor, "compliance.consent_withdrawn", "user", user_id,
                       {{"consent_id", closed.id}, {"purpose", closed.purpose}, {"version", closed.version},
                        {"source", source}});
        return closed;
    });
}

}  // namespace janua::compliance
