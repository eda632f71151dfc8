#include "core/rbac/api_keys.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/common/page_cursor.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/org_service.hpp"
#include "core/rbac/permissions.hpp"

#include <algorithm>

namespace janua::rbac {
namespace {

using db::Statement;

#define JANUA_KEY_COLUMNS                                                                                        \
    "k.id, k.name, k.prefix, k.user_id, k.organization_id, array_to_json(k.permissions)::text, "                  \
    "k.is_platform_admin, k.expires_at, k.last_used_at, k.revoked_at, "                                           \
    "CASE WHEN k.previous_key_expires_at > now() THEN k.previous_key_expires_at END, k.created_at, k.updated_at"
#define JANUA_TEXT_ARRAY(n) \
    "ARRAY(SELECT v FROM jsonb_array_elements_text(" n "::jsonb) WITH ORDINALITY AS t(v, i) ORDER BY i)"

constexpr Statement k_insert{
    "api_keys_insert",
    "INSERT INTO api_keys AS k (name, prefix, key_hash, user_id, organization_id, permissions, is_platform_admin, "
    "expires_at) VALUES ($1, $2, $3, $4::uuid, $5::uuid, " JANUA_TEXT_ARRAY("$6") ", $7, CASE WHEN $8::integer IS "
    "NULL THEN NULL ELSE now() + make_interval(days => $8::integer) END) RETURNING " JANUA_KEY_COLUMNS};
constexpr Statement k_find{"api_keys_find", "SELECT " JANUA_KEY_COLUMNS " FROM api_keys k WHERE k.id = $1"};
constexpr Statement k_list_mine{"api_keys_list_mine",
                                "SELECT " JANUA_KEY_COLUMNS " FROM api_keys k WHERE k.user_id = $1 "
                                "ORDER BY k.created_at, k.id LIMIT 1000"};
constexpr Statement k_list_all{"api_keys_list_all",
                               "SELECT " JANUA_KEY_COLUMNS " FROM api_keys k ORDER BY k.created_at, k.id LIMIT 1000"};
constexpr Statement k_list_page{
    "api_keys_list_page",
    "SELECT " JANUA_KEY_COLUMNS " FROM api_keys k WHERE ($1::uuid IS NULL OR k.user_id = $1::uuid) AND ($2::timestamptz "
    "IS NULL OR (k.created_at, k.id) > ($2::timestamptz, $3::uuid)) ORDER BY k.created_at, k.id LIMIT $4"};
constexpr Statement k_rename{"api_keys_rename", "UPDATE api_keys AS k SET name = $2, updated_at = now() WHERE k.id = $1 "
                                                "RETURNING " JANUA_KEY_COLUMNS};
constexpr Statement k_revoke{"api_keys_revoke",
                             "UPDATE api_keys SET revoked_at = now(), previous_key_hash = NULL, "
                             "previous_key_expires_at = NULL, updated_at = now() WHERE id = $1 AND revoked_at IS NULL"};
// The right-hand sides see the row as it was: the current secret becomes the previous one.
constexpr Statement k_rotate{
    "api_keys_rotate",
    "UPDATE api_keys AS k SET previous_key_hash = CASE WHEN $4::integer > 0 THEN k.key_hash END, "
    "previous_key_expires_at = CASE WHEN $4::integer > 0 THEN now() + make_interval(secs => $4::integer) END, "
    "key_hash = $2, prefix = $3, updated_at = now() WHERE k.id = $1 RETURNING " JANUA_KEY_COLUMNS};
constexpr Statement k_lookup{
    "api_keys_lookup",
    "SELECT k.id, k.key_hash, k.previous_key_hash, coalesce(k.previous_key_expires_at > now(), false), "
    "k.revoked_at IS NOT NULL, coalesce(k.expires_at <= now(), false), k.user_id, k.organization_id, "
    "array_to_json(k.permissions)::text, k.is_platform_admin, coalesce(u.status = 'ACTIVE', k.user_id IS NULL), "
    "coalesce(k.last_used_at < now() - interval '1 minute', true) "
    "FROM api_keys k LEFT JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1 OR k.previous_key_hash = $1 LIMIT 1"};
constexpr Statement k_touch{"api_keys_touch", "UPDATE api_keys SET last_used_at = now() WHERE id = $1"};

ApiKey from_row(const pqxx::row& r) {
    ApiKey k;
    k.id = r[0].as<std::string>();
    k.name = r[1].as<std::string>();
    k.prefix = r[2].as<std::string>();
    k.user_id = db::optional_field<std::string>(r[3]);
    k.organization_id = db::optional_field<std::string>(r[4]);
    k.permissions = nlohmann::json::parse(r[5].as<std::string>()).get<std::vector<std::string>>();
    k.is_platform_admin = r[6].as<bool>();
    k.expires_at = db::timestamp(r[7]);
    k.last_used_at = db::timestamp(r[8]);
    k.revoked_at = db::timestamp(r[9]);
    k.previous_key_expires_at = db::timestamp(r[10]);
    k.created_at = db::timestamp(r[11]);
    k.updated_at = db::timestamp(r[12]);
    return k;
}

Error invalid(const std::string& field, const std::string& rule, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"rule", rule}, {"message", message}}});
    return e;
}

Error key_not_found() { return make_error(ErrorCode::not_found, "API key not found"); }

Error rejected(std::string detail) {
    return make_error(ErrorCode::token, "invalid, expired or revoked API key", std::move(detail));
}

void record(db::Transaction& tx, const Caller& caller, const std::string& action, const ApiKey& key,
            nlohmann::json details = nlohmann::json::object(), const std::string& outcome = "success") {
    audit::Event e;
    e.action = action;
    e.outcome = outcome;
    e.actor_type = caller.actor.type;
    e.actor_id = caller.actor.id;
    e.organization_id = key.organization_id;
    e.target_type = "api_key";
    e.target_id = key.id;
    e.ip_address = caller.actor.ip;
    e.request_id = caller.actor.request_id;
    details["name"] = key.name;
    details["prefix"] = key.prefix;
    e.details = std::move(details);
    audit::record(tx, e);
}

std::string new_secret() { return std::string(k_api_key_prefix) + crypto::random_token(32); }
std::string prefix_of(const std::string& secret) { return secret.substr(0, 11); }

bool is_direct_operator(const Caller& caller) {
    return caller.platform_admin && !caller.user_id && !caller.api_key_id && caller.actor.type == "system";
}

}  // namespace

bool looks_like_api_key(const std::string& token) { return token.rfind(k_api_key_prefix, 0) == 0; }

nlohmann::json to_json(const ApiKey& k) {
    auto opt = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    auto time = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
    return {{"id", k.id},
            {"name", k.name},
            {"prefix", k.prefix},
            {"user_id", opt(k.user_id)},
            {"organization_id", opt(k.organization_id)},
            {"permissions", k.permissions},
            {"is_platform_admin", k.is_platform_admin},
            {"status", !k.revoked_at.empty() ? "revoked" : "active"},
            {"expires_at", time(k.expires_at)},
            {"last_used_at", time(k.last_used_at)},
            {"revoked_at", time(k.revoked_at)},
            {"previous_key_expires_at", time(k.previous_key_expires_at)},
            {"created_at", k.created_at},
            {"updated_at", k.updated_at}};
}

nlohmann::json to_json(const IssuedKey& issued) {
    auto out = to_json(issued.key);
    out["key"] = issued.secret;
    return out;
}

Result<NewApiKey> new_api_key_from_json(const nlohmann::json& body) {
    NewApiKey spec;
    for (const auto& [key, value] : body.items())
        if (key != "name" && key != "permissions" && key != "organization_id" && key != "expires_in_days" && key != "user_id")
            return invalid(key, "unknown", "is not a member of an API key");
    if (!body.contains("name") || !body["name"].is_string()) return invalid("name", "required", "is required (a string)");
    spec.name = body["name"].get<std::string>();
    if (body.contains("permissions")) {
        const auto& p = body["permissions"];
        if (!p.is_array() || !std::all_of(p.begin(), p.end(), [](const auto& v) { return v.is_string(); }))
            return invalid("permissions", "type", "must be an array of strings");
        spec.permissions = p.get<std::vector<std::string>>();
    }
    for (const char* field : {"organization_id", "user_id"}) {
        if (!body.contains(field) || body[field].is_null()) continue;
        if (!body[field].is_string()) return invalid(field, "type", "must be a string");
        (std::string(field) == "user_id" ? spec.user : spec.organization) = body[field].get<std::string>();
    }
    if (body.contains("expires_in_days") && !body["expires_in_days"].is_null()) {
        if (!body["expires_in_days"].is_number_integer()) return invalid("expires_in_days", "type", "must be a whole number");
        const auto days = body["expires_in_days"].get<long long>();
        if (days < 1 || days > 3650) return invalid("expires_in_days", "range", "must be from 1 to 3650");
        spec.expires_in_days = static_cast<int>(days);
    }
    return spec;
}

Result<IssuedKey> ApiKeyService::create(const Caller& caller, const NewApiKey& spec) {
    if (spec.name.empty() || spec.name.size() > 200) return invalid("name", "length", "must be 1-200 characters");
    if (spec.expires_in_days && (*spec.expires_in_days < 1 || *spec.expires_in_days > 3650))
        return invalid("expires_in_days", "range", "must be from 1 to 3650");
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot create API keys; sign in as a user");
    if (spec.platform_admin && !is_direct_operator(caller))
        return make_error(ErrorCode::authorization,
                          "platform-admin keys are minted only with `janua apikey create --platform-admin` in direct mode");
    if (spec.user && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "only platform administrators create keys for other users");
    if (!spec.platform_admin && spec.permissions.empty())
        return invalid("permissions", "required", "must name at least one permission (e.g. \"members:read\")");
    if (spec.permissions.size() > 100) return invalid("permissions", "size", "may hold at most 100 permissions");
    for (std::size_t i = 0; i < spec.permissions.size(); ++i)
        if (!is_valid_permission(spec.permissions[i]))
            return invalid("permissions[" + std::to_string(i) + "]", "format",
                           "must look like 'resource:action', 'resource:*' or '*'");
    return m_pool.transact([&](db::Transaction& tx) -> Result<IssuedKey> {
        std::optional<std::string> owner = spec.platform_admin ? std::nullopt : caller.user_id;
        if (spec.user) {
            owner = orgs::resolve_user_id(tx, *spec.user);
            if (!owner) return make_error(ErrorCode::not_found, "cannot find user '" + *spec.user + "'");
        }
        if (!spec.platform_admin && !owner)
            return invalid("user_id", "required", "is required when no user is signed in (a user id or email)");
        std::optional<std::string> org_id;
        if (spec.organization) {
            auto org = orgs::repo::find(tx, *spec.organization);
            if (!org) return orgs::organization_not_found();
            org_id = org->id;
            if (!spec.platform_admin) {
                // The key may not hold more than its creator does in that organization.
                Caller creator;
                creator.user_id = owner;
                auto grant = grant_in(tx, creator, org->id);
                if (!grant) return orgs::organization_not_found();
                if (auto e = orgs::refuse_escalation(*grant, spec.permissions)) return *e;
            }
        }
        const std::vector<std::string> permissions = spec.platform_admin ? std::vector<std::string>{"*"} : spec.permissions;
        IssuedKey issued;
        issued.secret = new_secret();
        issued.key = from_row(tx.exec(k_insert, spec.name, prefix_of(issued.secret),
                                      pqxx::binarystring(crypto::sha256(issued.secret)), owner, org_id,
                                      nlohmann::json(permissions).dump(), spec.platform_admin, spec.expires_in_days)[0]);
        record(tx, caller, "api_key.created", issued.key,
               {{"permissions", permissions}, {"is_platform_admin", spec.platform_admin}});
        return issued;
    });
}

Result<ApiKey> ApiKeyService::owned(db::Transaction& tx, const Caller& caller, const std::string& id) {
    if (!is_uuid(id)) return key_not_found();
    auto rows = tx.exec(k_find, id);
    if (rows.empty()) return key_not_found();
    auto key = from_row(rows[0]);
    // Someone else's key does not exist, as far as the caller can tell.
    if (!caller.platform_admin && (!caller.user_id || key.user_id != caller.user_id)) return key_not_found();
    return key;
}

Result<ApiKeyService::Page> ApiKeyService::list_page(const Caller& caller, bool all, int limit,
                                                    const std::optional<std::string>& cursor) {
    if (all && !caller.platform_admin) return make_error(ErrorCode::authorization, "listing every key needs a platform administrator");
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot manage API keys; sign in as a user");
    auto after = paging::decode_cursor(cursor);
    if (!after) return after.error();
    limit = std::clamp(limit, 1, 200);
    Page page;
    if (!all && !caller.user_id) return page;
    const std::optional<std::string> owner = all ? std::nullopt : caller.user_id;
    return m_pool.transact([&](db::Transaction& tx) -> Result<Page> {
        for (const auto& row : tx.exec(k_list_page, owner, after->created_at, after->id, limit + 1)) {
            if (static_cast<int>(page.items.size()) == limit) {
                page.next_cursor = paging::encode_cursor(page.items.back().created_at, page.items.back().id);
                break;
            }
            page.items.push_back(from_row(row));
        }
        return page;
    });
}

Result<std::vector<ApiKey>> ApiKeyService::list(const Caller& caller, bool all) {
    if (all && !caller.platform_admin) return make_error(ErrorCode::authorization, "listing every key needs a platform administrator");
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot manage API keys; sign in as a user");
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<ApiKey>> {
        std::vector<ApiKey> out;
        if (!all && !caller.user_id) return out;
        auto rows = all ? tx.exec(k_list_all) : tx.exec(k_list_mine, *caller.user_id);
        for (const auto& row : rows) out.push_back(from_row(row));
        return out;
    });
}

Result<ApiKey> ApiKeyService::get(const Caller& caller, const std::string& id) {
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot manage API keys; sign in as a user");
    return m_pool.transact([&](db::Transaction& tx) { return owned(tx, caller, id); });
}

Result<ApiKey> ApiKeyService::rename(const Caller& caller, const std::string& id, const nlohmann::json& patch) {
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot manage API keys; sign in as a user");
    for (const auto& [key, value] : patch.items())
        if (key != "name") return invalid(key, "unknown", "cannot be changed (only name can; rotate or create a new key)");
    if (!patch.contains("name") || !patch["name"].is_string() || patch["name"].get<std::string>().empty() ||
        patch["name"].get<std::string>().size() > 200)
        return invalid("name", "length", "must be 1-200 characters");
    return m_pool.transact([&](db::Transaction& tx) -> Result<ApiKey> {
        auto key = owned(tx, caller, id);
        if (!key) return key.error();
        auto updated = from_row(tx.exec(k_rename, id, patch["name"].get<std::string>())[0]);
        record(tx, caller, "api_key.updated", updated, {{"fields", {"name"}}});
        return updated;
    });
}

Status ApiKeyService::revoke(const Caller& caller, const std::string& id) {
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot manage API keys; sign in as a user");
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto key = owned(tx, caller, id);
        if (!key) return key.error();
        if (tx.exec(k_revoke, id).affected_rows() == 0)
            return make_error(ErrorCode::conflict, "this API key is already revoked");
        record(tx, caller, "api_key.revoked", *key);
        return Ok{};
    });
}

Result<IssuedKey> ApiKeyService::rotate(const Caller& caller, const std::string& id, std::optional<int> grace_seconds) {
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot manage API keys; sign in as a user");
    const int grace = grace_seconds.value_or(m_settings.default_grace_seconds);
    if (grace < 0 || grace > m_settings.max_grace_seconds)
        return invalid("grace_seconds", "range", "must be from 0 to " + std::to_string(m_settings.max_grace_seconds));
    return m_pool.transact([&](db::Transaction& tx) -> Result<IssuedKey> {
        auto key = owned(tx, caller, id);
        if (!key) return key.error();
        if (!key->revoked_at.empty()) return make_error(ErrorCode::conflict, "a revoked API key cannot be rotated");
        IssuedKey issued;
        issued.secret = new_secret();
        issued.key = from_row(tx.exec(k_rotate, id, pqxx::binarystring(crypto::sha256(issued.secret)),
                                      prefix_of(issued.secret), grace)[0]);
        record(tx, caller, "api_key.rotated", issued.key, {{"grace_seconds", grace}, {"previous_prefix", key->prefix}});
        return issued;
    });
}

Result<identity::Principal> ApiKeyService::authenticate(const std::string& token, const identity::RequestMeta& meta) {
    if (!looks_like_api_key(token) || token.size() > 128) return rejected("malformed");
    const std::string digest = crypto::sha256(token);
    return m_pool.transact([&](db::Transaction& tx) -> Result<identity::Principal> {
        auto rows = tx.exec(k_lookup, pqxx::binarystring(digest));
        if (rows.empty()) return rejected("unknown key");
        const auto& r = rows[0];
        const std::string current = pqxx::binarystring(r[1]).str();
        const std::string previous = r[2].is_null() ? std::string() : pqxx::binarystring(r[2]).str();
        const bool is_current = crypto::constant_time_equals(current, digest);
        const bool is_previous = !previous.empty() && crypto::constant_time_equals(previous, digest);
        std::string reason;
        if (r[4].as<bool>()) reason = "revoked";
        else if (r[5].as<bool>()) reason = "expired";
        else if (!is_current && !(is_previous && r[3].as<bool>())) reason = is_previous ? "rotated" : "unknown";
        else if (!r[10].as<bool>()) reason = "creator_inactive";
        const std::string key_id = r[0].as<std::string>();
        if (!reason.empty()) {
            audit::Event e;
            e.action = "api_key.rejected";
            e.outcome = "failure";
            e.actor_type = "api_key";
            e.actor_id = key_id;
            e.organization_id = db::optional_field<std::string>(r[7]);
            e.target_type = "api_key";
            e.target_id = key_id;
            e.ip_address = meta.ip;
            e.user_agent = meta.user_agent;
            e.request_id = meta.request_id;
            e.details = {{"reason", reason}};
            audit::record(tx, e);
            return rejected(reason);
        }
        // At most one write a minute per key: last_used_at is a hint, not a log.
        if (r[11].as<bool>()) tx.exec(k_touch, key_id);
        identity::Principal principal;
        principal.user_id = db::optional_field<std::string>(r[6]).value_or("");
        principal.client_id = identity::k_first_party_client_id;
        principal.organization_id = db::optional_field<std::string>(r[7]);
        principal.is_platform_admin = r[9].as<bool>();
        principal.api_key_id = key_id;
        principal.api_key_permissions = nlohmann::json::parse(r[8].as<std::string>()).get<std::vector<std::string>>();
        return principal;
    });
}

}  // namespace janua::rbac
