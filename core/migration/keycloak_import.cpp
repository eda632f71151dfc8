// A Keycloak realm export (kc.sh export / the admin console's partial export) to import items:
// the realm becomes an organization (or goes into --org), realm and client roles become its
// roles, top-level groups become organizations of their own with their subgroups as roles,
// users keep their pbkdf2 and argon2 credentials, and OIDC clients keep their redirect URIs.
// The users array is streamed element by element; other members are read whole, bounded.
#include "core/audit/audit.hpp"
#include "core/identity/legacy_password.hpp"
#include "core/mfa/totp.hpp"
#include "core/migration/importer.hpp"
#include "core/migration/json_stream.hpp"
#include "core/oidc/client_repository.hpp"
#include "core/oidc/client_rules.hpp"
#include "core/oidc/client_service.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>

namespace janua::migration {
namespace {

using nlohmann::json;

constexpr std::size_t k_member_limit = 64u << 20;  // roles, groups, clients: read whole, up to this

// The credential's JSON fields are strings holding JSON in current exports (secretData,
// credentialData); exports before Keycloak 7 put the values on the credential itself.
json embedded(const json& credential, const char* key) {
    if (!credential.contains(key)) return json::object();
    const json& v = credential[key];
    if (v.is_string()) {
        auto parsed = json::parse(v.get<std::string>(), nullptr, false);
        return parsed.is_object() ? parsed : json::object();
    }
    return v.is_object() ? v : json::object();
}

std::string first_param(const json& params, const char* key, const std::string& fallback) {
    if (!params.is_object() || !params.contains(key)) return fallback;
    const json& v = params[key];
    if (v.is_array() && !v.empty() && v[0].is_string()) return v[0].get<std::string>();
    if (v.is_string()) return v.get<std::string>();
    return fallback;
}

std::string unpadded(std::string b64) {
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    return b64;
}

// A Keycloak password credential as a description the legacy verifier checks (bounded).
std::optional<std::string> password_of(const json& credential, Problem& problem) {
    const json secret = embedded(credential, "secretData");
    const json data = embedded(credential, "credentialData");
    const std::string algorithm = data.value("algorithm", credential.value("algorithm", "pbkdf2-sha256"));
    const std::string value = secret.value("value", credential.value("hashedSaltedValue", ""));
    const std::string salt = secret.value("salt", credential.value("salt", ""));
    const long iterations = data.value("hashIterations", credential.value("hashIterations", 0L));
    if (value.empty() || salt.empty()) {
        problem = Problem{"OBJECT_REQUIRED", "credentials.secretData", "the password credential has no value or salt"};
        return std::nullopt;
    }
    json spec;
    if (algorithm == "pbkdf2" || algorithm == "pbkdf2-sha256" || algorithm == "pbkdf2-sha512") {
        const std::string digest = algorithm == "pbkdf2" ? "sha1" : algorithm.substr(7);
        // The key length is the stored value's: Keycloak's default is 512 bits, older realms 256.
        const std::size_t decoded = unpadded(value).size() * 3 / 4;
        spec = {{"algorithm", "pbkdf2"},
                {"hash", {{"value", "$pbkdf2-" + digest + "$i=" + std::to_string(iterations) + ",l=" + std::to_string(decoded) + "$" +
                                        unpadded(salt) + "$" + unpadded(value)},
                          {"encoding", "utf8"}}}};
    } else if (algorithm == "argon2") {
        const json params = data.value("additionalParameters", json::object());
        const std::string type = first_param(params, "type", "id");
        const std::string version = first_param(params, "version", "1.3") == "1.0" ? "16" : "19";
        spec = {{"algorithm", "argon2"},
                {"hash", {{"value", "$argon2" + type + "$v=" + version + "$m=" + first_param(params, "memory", "7168") +
                                        ",t=" + std::to_string(iterations) + ",p=" + first_param(params, "parallelism", "1") + "$" +
                                        unpadded(salt) + "$" + unpadded(value)},
                          {"encoding", "utf8"}}}};
    } else {
        problem = Problem{"ENUM_MISMATCH", "credentials.credentialData.algorithm", "unsupported Keycloak hash algorithm " + algorithm};
        return std::nullopt;
    }
    auto checked = identity::legacy::check_custom_password_hash(spec);
    if (!checked.spec) {
        problem = Problem{checked.problem.code, "credentials", checked.problem.message};
        return std::nullopt;
    }
    return checked.spec->dump();
}

// A Keycloak OTP credential as the unpadded Base32 secret Janua's TOTP factor keeps, or the
// reason it cannot be carried over. Janua verifies TOTP with HMAC-SHA1, 6 digits and 30-second
// steps (what authenticator apps default to and Keycloak's default policy); other variants and
// counter-based HOTP are refused, so the caller reports them for the user instead of dropping them.
std::optional<std::string> totp_secret_of(const json& credential, Problem& problem) {
    const json secret = embedded(credential, "secretData");
    const json data = embedded(credential, "credentialData");
    auto refuse = [&](std::string code, std::string field, std::string reason) -> std::optional<std::string> {
        problem = Problem{std::move(code), "credentials.otp" + (field.empty() ? "" : "." + field), std::move(reason)};
        return std::nullopt;
    };
    // Before Keycloak 7 the type said totp/hotp and the parameters sat on the credential itself.
    const std::string type = credential.value("type", "otp");
    const std::string sub_type = data.value("subType", type == "otp" ? "totp" : type);
    if (sub_type != "totp")
        return refuse("MFA_FACTORS_FAILED", "subType", "counter-based HOTP credentials are not supported (Janua has TOTP only); the user enrols again");
    auto number = [&](const char* key, long fallback) {
        const json& v = data.contains(key) ? data[key] : credential.contains(key) ? credential[key] : json(fallback);
        if (v.is_number_integer()) return v.get<long>();
        if (v.is_string()) return std::strtol(v.get<std::string>().c_str(), nullptr, 10);
        return -1L;
    };
    const std::string algorithm = data.value("algorithm", credential.value("algorithm", "HmacSHA1"));
    if (algorithm != "HmacSHA1")
        return refuse("MFA_FACTORS_FAILED", "algorithm", algorithm + " TOTP is not supported (Janua verifies HmacSHA1); the user enrols again");
    if (const long digits = number("digits", mfa::k_totp_digits); digits != mfa::k_totp_digits)
        return refuse("MFA_FACTORS_FAILED", "digits", std::to_string(digits) + "-digit codes are not supported (Janua uses 6); the user enrols again");
    if (const long period = number("period", mfa::k_totp_period); period != mfa::k_totp_period)
        return refuse("MFA_FACTORS_FAILED", "period", std::to_string(period) + "-second steps are not supported (Janua uses 30); the user enrols again");
    const json& value = secret.contains("value") ? secret["value"] : credential.contains("value") ? credential["value"] : json();
    if (!value.is_string() || value.get<std::string>().empty() || value.get<std::string>().size() > 1024)
        return refuse("OBJECT_REQUIRED", "secretData", "the OTP credential has no secret");
    // Keycloak keys the HMAC with the secret's UTF-8 bytes unless secretEncoding says BASE32
    // (Keycloak 24+, for secrets imported from elsewhere).
    const std::string encoding = data.value("secretEncoding", "UTF8");
    std::string key;
    if (encoding == "BASE32") {
        auto decoded = mfa::base32_decode(value.get<std::string>());
        if (!decoded || decoded->empty()) return refuse("PATTERN", "secretData", "the OTP secret is not valid Base32");
        key = *decoded;
    } else if (encoding == "UTF8") {
        key = value.get<std::string>();
    } else {
        return refuse("ENUM_MISMATCH", "secretEncoding", "unknown OTP secret encoding " + encoding);
    }
    return mfa::base32_encode(key);
}

struct Realm {
    std::string name = "keycloak";
    std::set<std::string> ignored_roles = {"offline_access", "uma_authorization"};
};

Mapped map_user(const json& u, const Realm& realm) {
    auto refuse = [](std::string code, std::string field, std::string reason) {
        return Mapped{std::nullopt, Problem{std::move(code), std::move(field), std::move(reason)}};
    };
    if (!u.is_object()) return refuse("INVALID_TYPE", "", "a user must be a JSON object");
    if (u.contains("serviceAccountClientId")) return refuse("NOT_PASSED", "serviceAccountClientId", "service-account users are not imported (the client is)");
    ImportUser user;
    user.external_id = u.value("id", "");
    if (user.external_id.empty()) return refuse("OBJECT_REQUIRED", "id", "the user has no id");
    std::string email = u.contains("email") && u["email"].is_string() ? u["email"].get<std::string>() : "";
    if (email.empty() || email.find('@') == std::string::npos || email.size() > 254)
        return refuse("OBJECT_REQUIRED", "email", "Janua needs an email address for every user");
    std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
    user.email = email;
    user.email_verified = u.value("emailVerified", false);
    if (u.contains("username") && u["username"].is_string() && u["username"].get<std::string>() != email) {
        const std::string username = u["username"];
        if (!username.empty() && username.size() <= 64) user.username = username;
    }
    if (u.contains("firstName") && u["firstName"].is_string()) user.first_name = u["firstName"].get<std::string>();
    if (u.contains("lastName") && u["lastName"].is_string()) user.last_name = u["lastName"].get<std::string>();
    user.blocked = !u.value("enabled", true);
    json keycloak = {{"id", user.external_id}, {"realm", realm.name}};
    if (u.contains("attributes") && u["attributes"].is_object()) keycloak["attributes"] = u["attributes"];
    if (u.contains("createdTimestamp")) keycloak["created_timestamp"] = u["createdTimestamp"];
    user.metadata["keycloak"] = keycloak;
    for (const auto& credential : u.value("credentials", json::array())) {
        if (!credential.is_object()) continue;
        const std::string type = credential.value("type", "");
        if (type == "password" && !user.password_hash) {
            Problem problem;
            auto hash = password_of(credential, problem);
            if (!hash) return Mapped{std::nullopt, problem};
            user.password_hash = *hash;
            user.password_algorithm = "legacy";
        } else if (type == "otp" || type == "totp" || type == "hotp") {
            Problem problem;
            auto secret = totp_secret_of(credential, problem);
            if (!secret) user.warnings.push_back(problem);
            else if (user.totp_secret)
                user.warnings.push_back({"ARRAY_LENGTH_LONG", "credentials.otp",
                                         "several OTP credentials; Janua keeps one TOTP factor, the first ('" +
                                             credential.value("userLabel", std::string("unnamed")) + "' was not imported)"});
            else user.totp_secret = *secret;
        }
    }
    for (const auto& role : u.value("realmRoles", json::array()))
        if (role.is_string() && !realm.ignored_roles.count(role) && role.get<std::string>().rfind("default-roles-", 0) != 0)
            user.roles.push_back(role.get<std::string>());
    if (u.contains("clientRoles") && u["clientRoles"].is_object())
        for (const auto& [client, roles] : u["clientRoles"].items())
            for (const auto& role : roles)
                if (role.is_string()) user.roles.push_back(client + "." + role.get<std::string>());
    for (const auto& fed : u.value("federatedIdentities", json::array())) {
        if (!fed.is_object() || !fed.contains("identityProvider") || !fed.contains("userId")) continue;
        LinkedIdentity linked;
        linked.provider = fed["identityProvider"].get<std::string>();
        linked.connection = linked.provider;
        linked.subject = fed["userId"].is_string() ? fed["userId"].get<std::string>() : fed["userId"].dump();
        linked.is_social = true;
        if (fed.contains("userName")) linked.profile = {{"username", fed["userName"]}};
        user.identities.push_back(std::move(linked));
    }
    return Mapped{std::move(user), {}};
}

// The membership role for a user's Keycloak roles: admin/owner when granted, else the first
// other role, else member. Janua keeps one role per membership; the others are reported.
std::string membership_role(const std::vector<std::string>& roles, std::vector<Problem>& warnings) {
    if (roles.empty()) return "member";
    for (const char* system : {"owner", "admin"})
        if (std::find(roles.begin(), roles.end(), system) != roles.end()) return system;
    if (roles.size() > 1)
        warnings.push_back({"ARRAY_LENGTH_LONG", "realmRoles", "several roles; the membership keeps '" + slugify(roles.front()) + "'"});
    return slugify(roles.front());
}

std::string realm_org(db::Transaction& tx, const WriteContext& ctx, const Realm& realm) {
    if (ctx.organization_id) return *ctx.organization_id;
    return ensure_organization(tx, slugify(realm.name), realm.name, {{"keycloak", {{"realm", realm.name}}}});
}

Item user_item(const RawRecord& raw, Mapped mapped, std::shared_ptr<Realm> realm) {
    Item item;
    item.line = raw.line;
    item.record = raw.index;
    if (!mapped.user) {
        item.refused = true;
        item.problem = mapped.problem;
        return item;
    }
    item.external_id = mapped.user->external_id;
    auto groups = std::make_shared<json>(json::parse(raw.text, nullptr, false).value("groups", json::array()));
    auto user = std::make_shared<ImportUser>(std::move(*mapped.user));
    item.action = [user, groups, realm](db::Transaction& tx, const WriteContext& ctx, const std::string& key) {
        WriteContext plain = ctx;
        plain.organization_id.reset();  // memberships are made below, with roles
        WriteResult result = write_user(tx, plain, *user, key);
        for (const auto& w : user->warnings) result.warnings.push_back(w);
        if (result.outcome == Outcome::refused || result.outcome == Outcome::unchanged) return result;
        auto id = user_for_external_id(tx, ctx.source, user->external_id);
        if (!id) return result;
        const std::string org = realm_org(tx, ctx, *realm);
        put_membership(tx, org, *id, ensure_role(tx, org, membership_role(user->roles, result.warnings), "", {}), false);
        for (const auto& path : *groups) {
            if (!path.is_string()) continue;
            std::string p = path.get<std::string>();
            if (p.empty() || p[0] != '/') continue;
            const auto slash = p.find('/', 1);
            const std::string top = p.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
            const std::string sub = slash == std::string::npos ? "" : p.substr(p.rfind('/') + 1);
            const std::string group_org = ensure_organization(tx, slugify(top), top, {{"keycloak", {{"group", top}}}});
            put_membership(tx, group_org, *id, ensure_role(tx, group_org, sub.empty() ? "member" : slugify(sub), "", {}), !sub.empty());
        }
        return result;
    };
    return item;
}

// Realm and client roles become roles of the realm's organization.
Item roles_item(std::uint64_t line, std::uint64_t record, json roles, std::shared_ptr<Realm> realm) {
    Item item;
    item.line = line;
    item.record = record;
    item.action = [roles = std::move(roles), realm](db::Transaction& tx, const WriteContext& ctx, const std::string&) {
        WriteResult result;
        result.outcome = Outcome::updated;
        const std::string org = realm_org(tx, ctx, *realm);
        for (const auto& role : roles.value("realm", json::array())) {
            const std::string name = role.value("name", "");
            if (name.empty() || realm->ignored_roles.count(name) || name.rfind("default-roles-", 0) == 0) continue;
            ensure_role(tx, org, slugify(name), role.value("description", ""), {});
        }
        if (roles.contains("client") && roles["client"].is_object())
            for (const auto& [client, list] : roles["client"].items()) {
                if (client == "realm-management" || client == "broker" || client == "account" || client == "security-admin-console" ||
                    client == "admin-cli")
                    continue;  // Keycloak's own clients
                for (const auto& role : list)
                    if (role.contains("name")) ensure_role(tx, org, slugify(client + "." + role["name"].get<std::string>()), role.value("description", ""), {});
            }
        return result;
    };
    return item;
}

// Top-level groups become organizations, their subgroups roles there.
Item groups_item(std::uint64_t line, std::uint64_t record, json groups) {
    Item item;
    item.line = line;
    item.record = record;
    item.action = [groups = std::move(groups)](db::Transaction& tx, const WriteContext&, const std::string&) {
        WriteResult result;
        result.outcome = Outcome::updated;
        for (const auto& group : groups) {
            if (!group.is_object() || !group.contains("name")) continue;
            const std::string name = group["name"];
            const std::string org = ensure_organization(tx, slugify(name), name, {{"keycloak", {{"group", name}}}});
            for (const auto& sub : group.value("subGroups", json::array()))
                if (sub.contains("name")) ensure_role(tx, org, slugify(sub["name"].get<std::string>()), "Keycloak group " + sub.value("path", ""), {});
        }
        return result;
    };
    return item;
}

// An OIDC client with its redirect URIs; Keycloak's built-in clients are left out. A
// confidential client keeps its secret when the export has it (stored hashed, like any other).
Item client_item(std::uint64_t line, std::uint64_t record, const json& c) {
    Item item;
    item.line = line;
    item.record = record;
    item.external_id = c.value("clientId", "");
    item.action = [c](db::Transaction& tx, const WriteContext&, const std::string&) {
        WriteResult result;
        oidc::ClientSpec spec;
        spec.client_id = c.value("clientId", "");
        spec.name = c.value("name", "");
        if (spec.name.empty() || spec.name.rfind("${", 0) == 0) spec.name = *spec.client_id;
        spec.is_public = c.value("publicClient", false);
        spec.enabled = c.value("enabled", true);
        for (const auto& uri : c.value("redirectUris", json::array()))
            if (uri.is_string() && uri.get<std::string>().find('*') == std::string::npos) spec.redirect_uris.push_back(uri);
        spec.grant_types.clear();
        if (c.value("standardFlowEnabled", true)) spec.grant_types.push_back(oidc::k_grant_authorization_code);
        if (c.value("serviceAccountsEnabled", false) && !spec.is_public) spec.grant_types.push_back("client_credentials");
        if (!spec.grant_types.empty() && spec.grant_types[0] == oidc::k_grant_authorization_code) spec.grant_types.push_back("refresh_token");
        if (spec.grant_types.empty()) {
            result.problem = Problem{"NOT_PASSED", "clients", "the client has no flow Janua supports (bearer-only or implicit)"};
            return result;
        }
        if (c.contains("attributes") && c["attributes"].is_object() && c["attributes"].contains("post.logout.redirect.uris")) {
            std::string uris = c["attributes"]["post.logout.redirect.uris"].get<std::string>();
            for (std::size_t start = 0; start < uris.size();) {
                const auto end = uris.find("##", start);
                const std::string uri = uris.substr(start, end == std::string::npos ? std::string::npos : end - start);
                if (!uri.empty() && uri != "+" && uri.find('*') == std::string::npos) spec.post_logout_redirect_uris.push_back(uri);
                if (end == std::string::npos) break;
                start = end + 2;
            }
        }
        const std::string secret = c.value("secret", "");
        if (!spec.is_public && !secret.empty() && secret.find("*") == std::string::npos) spec.secret = secret;
        if (oidc::clients::find(tx, *spec.client_id)) {
            result.outcome = Outcome::unchanged;
            return result;
        }
        auto valid = oidc::validate_client_spec(spec);
        if (!valid) {
            result.problem = Problem{"FORMAT", "clients." + *spec.client_id, valid.error().message};
            return result;
        }
        std::optional<std::string> secret_hash;
        if (!valid->is_public) {
            if (!valid->secret) {
                result.problem = Problem{"OBJECT_REQUIRED", "clients.secret",
                                         "the export has no secret for this confidential client (export with secrets, or create it with janua client create)"};
                return result;
            }
            secret_hash = oidc::hash_client_secret(*valid->secret);
        }
        auto inserted = oidc::clients::insert(tx, *valid, secret_hash, std::nullopt);  // no creating user: an import
        if (!inserted) {
            result.problem = Problem{"CONFLICT", "clients", inserted.error().message};
            return result;
        }
        audit::Event event;  // as oidc::ClientService records a new client
        event.action = "client.created";
        event.actor_type = "system";
        event.actor_id = "keycloak-import";
        event.target_type = "client";
        event.target_id = *spec.client_id;
        event.details = {{"source", "keycloak"}, {"redirect_uris", valid->redirect_uris}, {"is_public", valid->is_public}};
        audit::record(tx, event);
        result.outcome = Outcome::inserted;
        return result;
    };
    return item;
}

}  // namespace

std::string produce_keycloak(const InputFile&, ByteSource& source, std::uint64_t skip_before, std::size_t max_record_bytes,
                             const std::function<void(Item&&)>& sink) {
    JsonScanner scanner(source);
    auto realm = std::make_shared<Realm>();
    std::uint64_t record = 0;
    auto emit = [&](Item&& item) {
        if (item.record >= skip_before) sink(std::move(item));
    };
    auto whole = [&](JsonScanner& s, json& out) -> std::string {
        std::string text, why;
        if (!s.read_value(text, k_member_limit, why)) return why;
        out = json::parse(text, nullptr, false);
        return out.is_discarded() ? "a member of the realm is not valid JSON" : "";
    };
    return walk_object(scanner, [&](const std::string& key, JsonScanner& s) -> std::string {
        const std::uint64_t line = s.line();
        if (key == "users") {
            return stream_array(s, max_record_bytes, [&](RawRecord& raw) {
                raw.index = record++;
                if (raw.index < skip_before) return;
                auto parsed = json::parse(raw.text, nullptr, false);
                if (parsed.is_discarded()) {
                    Item bad;
                    bad.line = raw.line;
                    bad.record = raw.index;
                    bad.refused = true;
                    bad.problem = Problem{"INVALID_TYPE", "", "the user is not valid JSON"};
                    emit(std::move(bad));
                    return;
                }
                Mapped mapped;
                try {
                    mapped = map_user(parsed, *realm);
                } catch (const json::exception&) {
                    mapped = Mapped{std::nullopt, Problem{"INVALID_TYPE", "", "a member of the user has an unexpected type"}};
                }
                emit(user_item(raw, std::move(mapped), realm));
            });
        }
        json value;
        if (auto why = whole(s, value); !why.empty()) return why;
        if (key == "realm" && value.is_string()) realm->name = value.get<std::string>();
        else if (key == "roles" && value.is_object()) emit(roles_item(line, record++, std::move(value), realm));
        else if (key == "groups" && value.is_array()) emit(groups_item(line, record++, std::move(value)));
        else if (key == "clients" && value.is_array()) {
            for (const auto& c : value) {
                const std::string id = c.value("clientId", "");
                static const std::set<std::string> builtin = {"account", "account-console", "admin-cli", "broker", "realm-management",
                                                              "security-admin-console"};
                if (id.empty() || builtin.count(id) || c.value("protocol", "openid-connect") != "openid-connect" || c.value("bearerOnly", false))
                    continue;
                emit(client_item(line, record++, c));
            }
        }
        return "";
    });
}

}  // namespace janua::migration
