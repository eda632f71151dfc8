// Per-person privacy settings. No row means the defaults: everything optional off (GDPR art. 25).
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"

namespace janua::compliance {
namespace {

constexpr db::Statement k_get{"privacy_get",
                              "SELECT marketing_emails, analytics, third_party_sharing, profile_visibility, updated_at "
                              "FROM privacy_settings WHERE user_id = $1"};
constexpr db::Statement k_upsert{
    "privacy_upsert",
    "INSERT INTO privacy_settings (user_id, marketing_emails, analytics, third_party_sharing, profile_visibility) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET marketing_emails = EXCLUDED.marketing_emails, "
    "analytics = EXCLUDED.analytics, third_party_sharing = EXCLUDED.third_party_sharing, "
    "profile_visibility = EXCLUDED.profile_visibility, updated_at = now() "
    "RETURNING marketing_emails, analytics, third_party_sharing, profile_visibility, updated_at"};
constexpr db::Statement k_user_exists{"privacy_user_exists", "SELECT 1 FROM users WHERE id = $1 FOR UPDATE"};

PrivacySettings settings_of(const pqxx::row& r) {
    PrivacySettings s;
    s.marketing_emails = r[0].as<bool>();
    s.analytics = r[1].as<bool>();
    s.third_party_sharing = r[2].as<bool>();
    s.profile_visibility = r[3].as<std::string>();
    s.updated_at = db::timestamp(r[4]);
    return s;
}

PrivacySettings read(db::Transaction& tx, const std::string& user_id) {
    auto rows = tx.exec(k_get, user_id);
    return rows.empty() ? PrivacySettings{} : settings_of(rows[0]);
}

}  // namespace

nlohmann::json to_json(const PrivacySettings& s) {
    return {{"marketing_emails", s.marketing_emails},
            {"analytics", s.analytics},
            {"third_party_sharing", s.third_party_sharing},
            {"profile_visibility", s.profile_visibility},
            {"updated_at", s.updated_at ? nlohmann::json(*s.updated_at) : nlohmann::json(nullptr)}};
}

Result<PrivacySettings> ComplianceService::privacy_settings(const std::string& user_id) {
    return m_pool.transact([&](db::Transaction& tx) { return read(tx, user_id); });
}

Result<PrivacySettings> ComplianceService::update_privacy_settings(const std::string& user_id, const nlohmann::json& patch,
                                                                   const identity::Actor& actor) {
    if (!patch.is_object() || patch.empty())
        return make_error(ErrorCode::validation,
                          "send at least one of marketing_emails, analytics, third_party_sharing, profile_visibility");
    return db::atomically<PrivacySettings>(m_pool, [&](db::Transaction& tx) -> Result<PrivacySettings> {
        if (tx.exec(k_user_exists, user_id).empty()) return detail::user_not_found(user_id);
        PrivacySettings next = read(tx, user_id);
        nlohmann::json changed = nlohmann::json::object();
        for (const auto& [key, value] : patch.items()) {
            bool* flag = key == "marketing_emails"      ? &next.marketing_emails
                         : key == "analytics"           ? &next.analytics
                         : key == "third_party_sharing" ? &next.third_party_sharing
                                                        : nullptr;
            if (flag) {
                if (!value.is_boolean()) return detail::invalid(key, "must be true or false");
                *flag = value.get<bool>();
            } else if (key == "profile_visibility") {
                if (!value.is_string() || (value != "private" && value != "organization" && value != "public"))
                    return detail::invalid(key, "must be private, organization or public");
                next.profile_visibility = value.get<std::string>();
            } else {
                return detail::invalid(key, "is not a privacy setting (marketing_emails, analytics, "
                                            "third_party_sharing, profile_visibility)");
            }
            changed[key] = value;
        }
        auto saved = settings_of(tx.exec(k_upsert, user_id, next.marketing_emails, next.analytics,
                                         next.third_party_sharing, next.profile_visibility)[0]);
        detail::record(tx, actor, "compliance.privacy_settings_updated", "user", user_id, {{"changed", changed}});
        return saved;
    });
}

}  // namespace janua::compliance
