#include "core/migration/auth0_records.hpp"

#include "core/crypto/password_hash.hpp"
#include "core/identity/legacy_password.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace janua::migration::auth0 {
namespace {

using nlohmann::json;

Mapped refuse(std::string code, std::string field, std::string reason) {
    return Mapped{std::nullopt, Problem{std::move(code), std::move(field), std::move(reason)}};
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// The key of `record` equal to `name` ignoring case ("_id" / "_ID"), or nullptr.
const json* member_ci(const json& record, const std::string& name) {
    for (auto it = record.begin(); it != record.end(); ++it)
        if (lower(it.key()) == name) return &it.value();
    return nullptr;
}

// Auth0's email rule: one @, local part up to 64, total up to 254, no blanks.
bool valid_email(const std::string& email) {
    const auto at = email.find('@');
    return at != std::string::npos && at > 0 && at <= 64 && email.size() <= 254 && at + 1 < email.size() &&
           email.find('@', at + 1) == std::string::npos && email.find_first_of(" \t\r\n<>") == std::string::npos &&
           email.find('.', at) != std::string::npos;
}

struct Reader {
    const json& record;
    std::optional<Problem> problem;

    std::optional<std::string> text(const char* key, std::size_t min_len = 0, std::size_t max_len = 2048) {
        if (problem || !record.contains(key) || record[key].is_null()) return std::nullopt;
        if (!record[key].is_string()) {
            problem = Problem{"INVALID_TYPE", key, std::string(key) + " must be a string"};
            return std::nullopt;
        }
        auto value = record[key].get<std::string>();
        if (value.size() < min_len) problem = Problem{"MIN_LENGTH", key, std::string(key) + " is too short"};
        else if (value.size() > max_len) problem = Problem{"MAX_LENGTH", key, std::string(key) + " is longer than " + std::to_string(max_len)};
        return value;
    }
    bool flag(const char* key) {
        if (problem || !record.contains(key) || record[key].is_null()) return false;
        if (!record[key].is_boolean()) {
            problem = Problem{"INVALID_TYPE", key, std::string(key) + " must be a boolean"};
            return false;
        }
        return record[key].get<bool>();
    }
    std::optional<json> object(const char* key) {
        if (problem || !record.contains(key) || record[key].is_null()) return std::nullopt;
        if (!record[key].is_object()) {
            problem = Problem{"INVALID_TYPE", key, std::string(key) + " must be an object"};
            return std::nullopt;
        }
        return record[key];
    }
};

std::optional<Problem> check_bcrypt(const std::string& hash, const char* field) {
    const bool prefix_ok = hash.rfind("$2a$", 0) == 0 || hash.rfind("$2b$", 0) == 0 || hash.rfind("$2y$", 0) == 0;
    const int cost = crypto::bcrypt_cost(hash);
    if (!prefix_ok || cost < 0) return Problem{"FORMAT", field, "not a $2a$, $2b$ or $2y$ bcrypt hash"};
    if (cost > identity::legacy::k_limits.bcrypt_max_cost) return Problem{"MAXIMUM", field, "bcrypt cost above the supported maximum"};
    return std::nullopt;
}

// The old schema: hash as a string with top-level encoding and salt_prefix/salt_suffix.
json upgrade_legacy_schema(const json& custom) {
    json out = {{"algorithm", custom.value("algorithm", "")}};
    const std::string algorithm = out["algorithm"];
    const bool text_hash = algorithm == "bcrypt" || algorithm == "argon2" || algorithm == "pbkdf2" || algorithm == "ldap";
    out["hash"] = {{"value", custom["hash"]}, {"encoding", custom.value("encoding", text_hash ? "utf8" : "hex")}};
    if (custom.contains("salt_prefix")) out["salt"] = {{"value", custom["salt_prefix"]}, {"position", "prefix"}};
    if (custom.contains("salt_suffix")) out["salt"] = {{"value", custom["salt_suffix"]}, {"position", "suffix"}};
    for (const char* key : {"password", "keylen", "cost", "blockSize", "parallelization"})
        if (custom.contains(key)) out[key] = custom[key];
    return out;
}

std::optional<Problem> read_password(const json& record, ImportUser& user) {
    const bool plain = record.contains("password_hash") && !record["password_hash"].is_null();
    const bool custom = record.contains("custom_password_hash") && !record["custom_password_hash"].is_null();
    if (plain && custom) return Problem{"NOT_PASSED", "password_hash", "password_hash and custom_password_hash are mutually exclusive"};
    if (plain) {
        if (!record["password_hash"].is_string()) return Problem{"INVALID_TYPE", "password_hash", "password_hash must be a string"};
        const auto hash = record["password_hash"].get<std::string>();
        if (auto bad = check_bcrypt(hash, "password_hash")) return bad;
        user.password_hash = hash;
        user.password_algorithm = "bcrypt";
    }
    if (custom) {
        json spec = record["custom_password_hash"];
        if (spec.is_object() && spec.contains("hash") && spec["hash"].is_string()) spec = upgrade_legacy_schema(spec);
        auto checked = identity::legacy::check_custom_password_hash(spec);
        if (!checked.spec) return Problem{checked.problem.code, checked.problem.field, checked.problem.message};
        const json& s = *checked.spec;
        if (s["algorithm"] == "bcrypt" && !s.contains("salt") && s.value("password", json::object()).value("encoding", "utf8") == "utf8") {
            user.password_hash = s["hash"]["value"].get<std::string>();  // plain bcrypt: verified natively
            user.password_algorithm = "bcrypt";
        } else {
            user.password_hash = s.dump();
            user.password_algorithm = "legacy";
        }
    }
    return std::nullopt;
}

std::optional<Problem> read_mfa(const json& record, ImportUser& user) {
    if (!record.contains("mfa_factors")) return std::nullopt;
    const json& factors = record["mfa_factors"];
    if (!factors.is_array()) return Problem{"INVALID_TYPE", "mfa_factors", "mfa_factors must be an array"};
    if (factors.empty()) return Problem{"ARRAY_LENGTH_SHORT", "mfa_factors", "mfa_factors needs at least one factor"};
    if (factors.size() > 10) return Problem{"ARRAY_LENGTH_LONG", "mfa_factors", "mfa_factors has more than 10 factors"};
    static const std::regex base32("^[A-Z2-7]+$"), e164(R"(^\+[0-9]{1,15}$)");
    for (const auto& factor : factors) {
        if (!factor.is_object() || factor.size() != 1)
            return Problem{"INVALID_TYPE", "mfa_factors", "each factor is an object with exactly one of totp, phone, email"};
        // Not a structured binding of *items().begin(): that binds to a temporary proxy that
        // dies at the end of the statement (AddressSanitizer: stack-use-after-scope).
        const auto entry = factor.begin();
        const std::string kind = entry.key();
        const json& body = entry.value();
        if (!body.is_object()) return Problem{"INVALID_TYPE", "mfa_factors." + kind, kind + " must be an object"};
        if (kind == "totp") {
            if (!body.contains("secret") || !body["secret"].is_string() || body.size() != 1)
                return Problem{"OBJECT_REQUIRED", "mfa_factors.totp.secret", "totp needs exactly a secret"};
            const auto secret = body["secret"].get<std::string>();
            if (secret.size() > 256 || !std::regex_match(secret, base32))
                return Problem{"PATTERN", "mfa_factors.totp.secret", "the TOTP secret must be unpadded base32 (A-Z, 2-7)"};
            if (user.totp_secret) user.warnings.push_back({"MFA_FACTORS_FAILED", "mfa_factors.totp", "only the first TOTP factor is kept"});
            else user.totp_secret = secret;
        } else if (kind == "phone" || kind == "email") {
            if (!body.contains("value") || !body["value"].is_string() || body.size() != 1)
                return Problem{"OBJECT_REQUIRED", "mfa_factors." + kind + ".value", kind + " needs exactly a value"};
            const auto value = body["value"].get<std::string>();
            if (kind == "phone" && !std::regex_match(value, e164)) return Problem{"PATTERN", "mfa_factors.phone.value", "not an E.164 number"};
            if (kind == "email" && !valid_email(value)) return Problem{"FORMAT", "mfa_factors.email.value", "not an email address"};
            user.warnings.push_back({"MFA_FACTORS_FAILED", "mfa_factors." + kind,
                                     "Janua has no " + kind + " second factor; the user keeps any TOTP factor and can enrol again"});
        } else {
            return Problem{"OBJECT_ADDITIONAL_PROPERTIES", "mfa_factors." + kind, "unknown factor " + kind};
        }
    }
    return std::nullopt;
}

std::optional<Problem> read_profile(Reader& r, ImportUser& user, bool strict_lengths) {
    auto email = r.text("email");
    if (r.problem) return r.problem;
    if (!email) return Problem{"OBJECT_REQUIRED", "email", "email is required"};
    if (!valid_email(*email)) return Problem{"FORMAT", "email", "not a valid email address"};
    user.email = lower(*email);
    user.email_verified = r.flag("email_verified");
    user.username = r.text("username", 1, strict_lengths ? 64 : 128);
    user.first_name = r.text("given_name", 1, 150);
    user.last_name = r.text("family_name", 1, 150);
    user.display_name = r.text("name", 1, 150);
    auto nickname = r.text("nickname", 1, 350);
    user.avatar_url = r.text("picture", 1, 2048);
    user.phone = r.text("phone_number", 1, 16);
    (void)r.flag("phone_verified");
    user.blocked = r.flag("blocked");
    auto app = r.object("app_metadata");
    auto meta = r.object("user_metadata");
    if (r.problem) return r.problem;
    if (user.username && user.username->size() > 64)
        return Problem{"MAX_LENGTH", "username", "usernames longer than 64 characters are not supported"};
    static const std::regex e164(R"(^\+[0-9]{1,15}$)");
    if (user.phone && !std::regex_match(*user.phone, e164)) return Problem{"PATTERN", "phone_number", "not an E.164 number"};
    if (app) {
        static const std::set<std::string> forbidden = {"__tenant", "_id", "blocked", "clientID", "created_at", "email_verified",
                                                        "email", "globalClientID", "global_client_id", "identities", "lastIP",
                                                        "lastLogin", "loginsCount", "metadata", "multifactor_last_modified",
                                                        "multifactor", "updated_at", "user_id"};
        for (const auto& [key, _] : app->items())
            if (forbidden.count(key)) return Problem{"NOT_PASSED", "app_metadata." + key, "app_metadata must not contain " + key};
        user.metadata["app_metadata"] = *app;
    }
    if (meta) user.metadata["user_metadata"] = *meta;
    if (nickname) user.metadata["nickname"] = *nickname;
    return std::nullopt;
}

Mapped map_bulk_import(const json& record) {
    static const std::set<std::string> allowed = {"email",        "email_verified", "phone_number", "phone_verified",
                                                  "user_id",      "username",       "given_name",   "family_name",
                                                  "name",         "nickname",       "picture",      "blocked",
                                                  "password_hash", "custom_password_hash", "app_metadata", "user_metadata",
                                                  "mfa_factors"};
    for (const auto& [key, _] : record.items())
        if (!allowed.count(key)) return refuse("OBJECT_ADDITIONAL_PROPERTIES", key, "unknown property " + key);
    ImportUser user;
    Reader r{record, std::nullopt};
    if (auto bad = read_profile(r, user, true)) return refuse(bad->code, bad->field, bad->reason);
    auto id = r.text("user_id", 1, 255);
    if (r.problem) return refuse(r.problem->code, r.problem->field, r.problem->reason);
    user.external_id = id ? external_id(*id, true) : "email:" + user.email;
    if (auto bad = read_password(record, user)) return refuse(bad->code, bad->field, bad->reason);
    if (auto bad = read_mfa(record, user)) return refuse(bad->code, bad->field, bad->reason);
    return Mapped{std::move(user), {}};
}

Mapped map_user_export(const json& record) {
    ImportUser user;
    Reader r{record, std::nullopt};
    auto id = r.text("user_id", 1, 255);
    if (r.problem) return refuse(r.problem->code, r.problem->field, r.problem->reason);
    if (!id) return refuse("OBJECT_REQUIRED", "user_id", "an exported user needs its user_id");
    if (auto bad = read_profile(r, user, false)) return refuse(bad->code, bad->field, bad->reason);
    user.external_id = external_id(*id, id->rfind("auth0|", 0) == 0);
    json auth0 = {{"user_id", *id}};
    for (const char* key : {"created_at", "updated_at", "last_login", "logins_count", "last_ip", "last_password_reset"})
        if (record.contains(key)) auth0[key] = record[key];
    user.metadata["auth0"] = auth0;
    if (record.contains("identities")) {
        if (!record["identities"].is_array()) return refuse("INVALID_TYPE", "identities", "identities must be an array");
        for (const auto& identity : record["identities"]) {
            if (!identity.is_object()) return refuse("INVALID_TYPE", "identities", "each identity must be an object");
            const std::string provider = identity.value("provider", "");
            if (provider.empty() || provider == "auth0") continue;  // the database account itself
            LinkedIdentity linked;
            linked.provider = provider;
            linked.connection = identity.value("connection", provider);
            const auto& subject = identity.contains("user_id") ? identity["user_id"] : json();
            linked.subject = subject.is_string() ? subject.get<std::string>() : subject.is_number() ? subject.dump() : "";
            if (linked.subject.empty()) return refuse("OBJECT_REQUIRED", "identities.user_id", "a linked identity needs its user_id");
            linked.is_social = identity.value("isSocial", false);
            if (identity.contains("profileData") && identity["profileData"].is_object()) linked.profile = identity["profileData"];
            // Provider access tokens sometimes ride along in exports: never stored.
            user.identities.push_back(std::move(linked));
        }
    }
    return Mapped{std::move(user), {}};
}

Mapped map_password_export(const json& record) {
    ImportUser user;
    user.password_only = true;
    std::string id;
    if (const json* alt = member_ci(record, "alt_id"); alt && alt->is_string() && !alt->get<std::string>().empty()) {
        id = alt->get<std::string>();
    } else if (const json* oid = member_ci(record, "_id")) {
        if (oid->is_object() && oid->contains("$oid") && (*oid)["$oid"].is_string()) id = (*oid)["$oid"].get<std::string>();
        else if (oid->is_string()) id = oid->get<std::string>();
    }
    if (id.empty() || id.size() > 255) return refuse("OBJECT_REQUIRED", "_id", "the record needs _id.$oid or alt_id");
    user.external_id = external_id(id, true);
    const json* hash = member_ci(record, "passwordhash");
    if (!hash || !hash->is_string() || hash->get<std::string>().empty())
        return refuse("OBJECT_REQUIRED", "passwordHash", "the record has no passwordHash");
    std::string value = hash->get<std::string>();
    // Some exports prefix the bcrypt hash with an identifier: keep what starts at "$2".
    if (value.rfind("$2", 0) != 0) {
        const auto at = value.find("$2");
        if (at != std::string::npos) value = value.substr(at);
    }
    if (auto bad = check_bcrypt(value, "passwordHash")) return refuse(bad->code, bad->field, bad->reason);
    user.password_hash = value;
    user.password_algorithm = "bcrypt";
    // The root email can be missing: fall back to identifiers[].
    std::string email;
    bool verified = false;
    if (record.contains("email") && record["email"].is_string()) {
        email = record["email"].get<std::string>();
        verified = record.value("email_verified", false);
    } else if (record.contains("identifiers") && record["identifiers"].is_array()) {
        for (const auto& identifier : record["identifiers"])
            if (identifier.is_object() && identifier.value("type", "") == "email" && identifier.contains("value") &&
                identifier["value"].is_string()) {
                email = identifier["value"].get<std::string>();
                verified = identifier.value("verified", false);
                break;
            }
    }
    if (!email.empty()) {
        if (!valid_email(email)) return refuse("FORMAT", "email", "not a valid email address");
        user.email = lower(email);
        user.email_verified = verified;
    }
    user.metadata["auth0"] = {{"user_id", user.external_id}, {"connection", record.value("connection", "")}};
    return Mapped{std::move(user), {}};
}

}  // namespace

std::string external_id(const std::string& user_id, bool database_connection) {
    if (!database_connection) return user_id;
    std::string id = user_id;
    while (id.rfind("auth0|", 0) == 0) id = id.substr(6);
    return "auth0|" + id;
}

Shape classify(const json& record) {
    if (member_ci(record, "_id") || member_ci(record, "passwordhash")) return Shape::password_export;
    for (const char* key : {"identities", "created_at", "updated_at", "last_login", "logins_count", "last_ip", "multifactor",
                            "multifactor_last_modified", "last_password_reset", "locale"})
        if (record.contains(key)) return Shape::user_export;
    return Shape::bulk_import;
}

Mapped map_export_record(const json& record) {
    if (!record.is_object()) return refuse("INVALID_TYPE", "", "a user record must be a JSON object");
    return map_user_export(record);
}

Mapped map_record(const json& record) {
    if (!record.is_object()) return refuse("INVALID_TYPE", "", "a user record must be a JSON object");
    switch (classify(record)) {
        case Shape::password_export: return map_password_export(record);
        case Shape::user_export: return map_user_export(record);
        case Shape::bulk_import: break;
    }
    return map_bulk_import(record);
}

}  // namespace janua::migration::auth0
