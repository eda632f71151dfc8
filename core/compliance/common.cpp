#include "core/common/ids.hpp"
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"

namespace janua::compliance {
namespace detail {

namespace {

audit::Event event_of(const identity::Actor& actor, const std::string& action, const std::string& target_type,
                      const std::optional<std::string>& target_id, nlohmann::json details) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target_type = target_type;
    e.target_id = target_id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = std::move(details);
    return e;
}

constexpr db::Statement k_find_org{"compliance_find_org",
                                   "SELECT id FROM organizations WHERE id::text = $1 OR slug = lower($1)"};

}  // namespace

void record(db::Transaction& tx, const identity::Actor& actor, const std::string& action,
            const std::string& target_type, const std::optional<std::string>& target_id, nlohmann::json details,
            const std::string& user_agent) {
    auto e = event_of(actor, action, target_type, target_id, std::move(details));
    e.user_agent = user_agent;
    audit::record(tx, e);
}

void record_in_org(db::Transaction& tx, const identity::Actor& actor, const std::string& organization_id,
                   const std::string& action, const std::string& target_type, const std::optional<std::string>& target_id,
                   nlohmann::json details) {
    auto e = event_of(actor, action, target_type, target_id, std::move(details));
    e.organization_id = organization_id;
    audit::record(tx, e);
}

Result<std::string> find_org(db::Transaction& tx, const std::string& ref) {
    if (ref.empty() || ref.size() > 200) return make_error(ErrorCode::not_found, "organization not found");
    auto rows = tx.exec(k_find_org, ref);
    if (rows.empty()) return make_error(ErrorCode::not_found, "cannot find organization '" + ref + "'");
    return rows[0][0].as<std::string>();
}

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

namespace {
constexpr db::Statement k_user_by_id{"compliance_user_by_id", "SELECT id FROM users WHERE id = $1"};
constexpr db::Statement k_user_by_email{"compliance_user_by_email", "SELECT id FROM users WHERE lower(email) = lower($1)"};
}  // namespace

std::optional<std::string> find_user(db::Transaction& tx, const std::string& key) {
    pqxx::result rows;
    if (key.find('@') != std::string::npos && key.size() <= 320) rows = tx.exec(k_user_by_email, key);
    else if (is_uuid(key)) rows = tx.exec(k_user_by_id, key);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
}

Error user_not_found(const std::string& key) {
    return make_error(ErrorCode::not_found, "cannot find user '" + key.substr(0, 320) + "'");
}

std::optional<std::string> optional_text(const pqxx::field& field) { return db::optional_field<std::string>(field); }

}  // namespace detail

ComplianceSettings settings_from(const config::Config& c) {
    ComplianceSettings s;
    s.gdpr = c.compliance_gdpr_enabled;
    s.ccpa = c.compliance_ccpa_enabled;
    s.soc2 = c.compliance_soc2_enabled;
    s.hipaa = c.compliance_hipaa_enabled;
    s.default_retention_days = c.default_retention_period_days;
    s.retention_interval_minutes = c.compliance_retention_interval_minutes;
    return s;
}

int deadline_days(const std::string& regulation) { return regulation == "ccpa" ? 45 : 30; }

nlohmann::json ComplianceService::status() const {
    return {{"frameworks",
             {{"gdpr", m_settings.gdpr}, {"ccpa", m_settings.ccpa}, {"soc2", m_settings.soc2}, {"hipaa", m_settings.hipaa}}},
            {"request_deadline_days", {{"gdpr", deadline_days("gdpr")}, {"ccpa", deadline_days("ccpa")}}},
            {"default_retention_period_days", m_settings.default_retention_days},
            {"retention_interval_minutes", m_settings.retention_interval_minutes}};
}

Result<std::string> ComplianceService::resolve_user(const std::string& key) {
    auto id = m_pool.transact([&](db::Transaction& tx) { return detail::find_user(tx, key); });
    if (!id) return detail::user_not_found(key);
    return *id;
}

}  // namespace janua::compliance
