#include "core/oidc/client_service.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/oidc/client_rules.hpp"

namespace janua::oidc {
namespace {

void record(db::Transaction& tx, const Actor& actor, const std::string& action, const OAuthClient& client,
            nlohmann::json details = nlohmann::json::object()) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.organization_id = client.organization_id;
    e.target_type = "oauth_client";
    e.target_id = client.id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    details["client_id"] = client.client_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

Error client_not_found(const std::string& client_id) {
    return make_error(ErrorCode::not_found, "cannot find client '" + client_id + "'");
}

Error authentication_failed(std::string detail) {
    return make_error(ErrorCode::authentication, "client authentication failed", std::move(detail));
}

std::optional<std::string> creator_of(const Actor& actor) {
    if (actor.type == "user" && actor.id && is_uuid(*actor.id)) return actor.id;
    return std::nullopt;
}

}  // namespace

nlohmann::json to_json(const CreatedClient& created) {
    auto out = to_json(created.client);
    if (created.client_secret) out["client_secret"] = *created.client_secret;
    return out;
}

nlohmann::json to_json(const RotatedSecret& rotated) {
    nlohmann::json out = {{"client_id", rotated.client_id}};
    if (rotated.client_secret) out["client_secret"] = *rotated.client_secret;
    out["previous_secret_expires_at"] = rotated.previous_secret_expires_at.empty()
                                            ? nlohmann::json(nullptr)
                                            : nlohmann::json(rotated.previous_secret_expires_at);
    return out;
}

std::string generate_client_secret() { return crypto::random_token(32); }

std::string hash_client_secret(const std::string& secret) { return crypto::sha256_hex(secret); }

Result<CreatedClient> ClientService::create(ClientSpec spec, const Actor& actor) {
    return create(std::move(spec), actor, {});
}

Result<CreatedClient> ClientService::create(ClientSpec spec, const Actor& actor,
                                            const std::function<void(db::Transaction&, const OAuthClient&)>& also) {
    auto valid = validate_client_spec(std::move(spec));
    if (!valid) return valid.error();
    ClientSpec s = std::move(valid).value();
    // 128 random bits in [A-Za-z0-9_-]: unguessable, and no two registrations collide.
    if (!s.client_id) s.client_id = crypto::random_token(16);

    CreatedClient created;
    std::optional<std::string> secret_hash;
    if (!s.is_public && s.token_endpoint_auth_method != k_auth_private_key_jwt) {
        if (!s.secret) created.client_secret = generate_client_secret();
        secret_hash = hash_client_secret(s.secret ? *s.secret : *created.client_secret);
    }
    return m_pool.transact([&](db::Transaction& tx) -> Result<CreatedClient> {
        auto client = clients::insert(tx, s, secret_hash, creator_of(actor));
        if (!client) return client.error();
        record(tx, actor, "client.created", *client,
               {{"is_public", client->is_public},
                {"token_endpoint_auth_method", client->token_endpoint_auth_method},
                {"grant_types", client->grant_types},
                {"redirect_uris", client->redirect_uris}});
        if (also) also(tx, *client);
        created.client = std::move(client).value();
        return created;
    });
}

Result<OAuthClient> ClientService::get(const std::string& client_id) {
    if (!is_valid_client_id(client_id)) return client_not_found(client_id);
    return m_pool.transact([&](db::Transaction& tx) -> Result<OAuthClient> {
        auto client = clients::find(tx, client_id);
        if (!client) return client_not_found(client_id);
        return *client;
    });
}

Result<clients::ClientPage> ClientService::list(const clients::ListFilter& filter) {
    if (filter.limit < 1 || filter.limit > 200) return make_error(ErrorCode::validation, "limit must be from 1 to 200");
    return m_pool.transact([&](db::Transaction& tx) { return clients::list(tx, filter); });
}

Result<OAuthClient> ClientService::update(const std::string& client_id, const nlohmann::json& patch, const Actor& actor) {
    if (!is_valid_client_id(client_id)) return client_not_found(client_id);
    return m_pool.transact([&](db::Transaction& tx) -> Result<OAuthClient> {
        auto current = clients::lock(tx, client_id);
        if (!current) return client_not_found(client_id);
        auto patched = apply_client_patch(spec_of(*current), patch);
        if (!patched) return patched.error();
        auto valid = validate_client_spec(std::move(patched).value());
        if (!valid) return valid.error();
        auto updated = clients::update(tx, client_id, *valid);
        if (!updated) return client_not_found(client_id);
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& [key, value] : patch.items()) fields.push_back(key);
        record(tx, actor, "client.updated", *updated, {{"fields", fields}});
        return *updated;
    });
}

Status ClientService::remove(const std::string& client_id, const Actor& actor) {
    if (!is_valid_client_id(client_id)) return client_not_found(client_id);
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto client = clients::lock(tx, client_id);
        if (!client) return client_not_found(client_id);
        record(tx, actor, "client.deleted", *client);
        clients::remove(tx, client_id);
        return Ok{};
    });
}

Result<RotatedSecret> ClientService::rotate_secret(const std::string& client_id, std::optional<int> grace_seconds,
                                                   const Actor& actor, std::optional<std::string> supplied) {
    const int grace = grace_seconds.value_or(m_settings.default_grace_seconds);
    if (grace < 0 || grace > m_settings.max_grace_seconds)
        return client_validation_error(nlohmann::json::array(
            {{{"field", "grace_seconds"},
              {"rule", "range"},
              {"message", "must be from 0 to " + std::to_string(m_settings.max_grace_seconds)}}}));
    if (supplied)
        if (auto p = client_secret_problem(*supplied))
            return client_validation_error(
                nlohmann::json::array({{{"field", "client_secret"}, {"rule", p->rule}, {"message", p->message}}}));
    if (!is_valid_client_id(client_id)) return client_not_found(client_id);

    RotatedSecret rotated;
    rotated.client_id = client_id;
    if (!supplied) rotated.client_secret = generate_client_secret();
    const std::string hash = hash_client_secret(supplied ? *supplied : *rotated.client_secret);
    return m_pool.transact([&](db::Transaction& tx) -> Result<RotatedSecret> {
        auto client = clients::lock(tx, client_id);
        if (!client) return client_not_found(client_id);
        if (client->is_public)
            return make_error(ErrorCode::validation, "client '" + client_id + "' is public and has no secret");
        if (!client->uses_secret())
            return make_error(ErrorCode::validation, "client '" + client_id + "' authenticates with " +
                                                         client->token_endpoint_auth_method + ", not a secret");
        auto updated = clients::replace_secret(tx, client_id, hash, grace);
        if (!updated) return client_not_found(client_id);
        record(tx, actor, "client.secret_rotated", *updated,
               {{"grace_seconds", grace},
                {"previous_secret_expires_at", updated->previous_secret_expires_at.empty()
                                                   ? nlohmann::json(nullptr)
                                                   : nlohmann::json(updated->previous_secret_expires_at)}});
        rotated.previous_secret_expires_at = updated->previous_secret_expires_at;
        return rotated;
    });
}

Result<OAuthClient> ClientService::authenticate_secret(const std::string& client_id, const std::string& secret) {
    // Hash first, so an unknown client costs the same as a known one.
    const std::string presented = hash_client_secret(secret);
    if (!is_valid_client_id(client_id)) return authentication_failed("malformed client_id");
    auto state = m_pool.read([&](db::Transaction& tx) { return clients::find_secret_state(tx, client_id); });
    if (!state) return authentication_failed("unknown client '" + client_id + "'");
    const auto& client = state->client;
    // Both comparisons always run, so timing does not tell which secret matched.
    const bool current = crypto::constant_time_equals(presented, client.secret_hash.value_or(""));
    const bool previous = crypto::constant_time_equals(presented, client.previous_secret_hash.value_or("")) &&
                          state->previous_secret_valid;
    if (!client.uses_secret())
        return authentication_failed("client '" + client_id + "' uses " + client.token_endpoint_auth_method);
    if (!current && !previous) return authentication_failed("wrong secret for client '" + client_id + "'");
    if (!client.enabled) return authentication_failed("client '" + client_id + "' is disabled");
    return client;
}

Result<bool> ClientService::is_current_secret(const std::string& client_id, const std::string& secret) {
    const std::string presented = hash_client_secret(secret);
    if (!is_valid_client_id(client_id)) return client_not_found(client_id);
    auto state = m_pool.transact([&](db::Transaction& tx) { return clients::find_secret_state(tx, client_id); });
    if (!state) return client_not_found(client_id);
    const auto& client = state->client;
    return client.uses_secret() && client.secret_hash && crypto::constant_time_equals(presented, *client.secret_hash);
}

}  // namespace janua::oidc
