// Pushed authorization requests (RFC 9126): the client posts the authorization parameters over
// the back channel, authenticated, and sends the browser to /oauth/authorize with only
// client_id and the request_uri it got back.
#include "core/audit/audit.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/oidc/provider.hpp"

namespace janua::oidc {
namespace {

using db::Statement;

constexpr Statement k_insert{"par_insert",
                             "INSERT INTO pushed_authorization_requests (request_id, client_id, params, expires_at) "
                             "VALUES ($1, $2, $3::jsonb, now() + make_interval(secs => $4))"};
constexpr Statement k_forget_expired{"par_forget_expired",
                                     "DELETE FROM pushed_authorization_requests WHERE expires_at < now() - interval '1 hour'"};
constexpr Statement k_find{"par_find",
                           "SELECT client_id, params::text, used_at IS NOT NULL, expires_at <= now() "
                           "FROM pushed_authorization_requests WHERE request_id = $1"};
constexpr Statement k_spend{"par_spend",
                            "UPDATE pushed_authorization_requests SET used_at = now() "
                            "WHERE request_id = $1 AND used_at IS NULL AND expires_at > now()"};
constexpr Statement k_drop_prompt{"par_drop_prompt",
                                  "UPDATE pushed_authorization_requests SET params = params - 'prompt' WHERE request_id = $1"};

// Parameters that authenticate the client at /oauth/par; they are not part of the request.
bool is_client_auth_param(const std::string& name) {
    return name == "client_secret" || name == "client_assertion" || name == "client_assertion_type";
}

}  // namespace

TokenResult Provider::pushed_authorization_request(const TokenRequest& request) {
    auto authenticated = authenticate_client(request, "/oauth/par");
    if (auto* error = std::get_if<OAuthError>(&authenticated)) return *error;
    const auto& client = std::get<OAuthClient>(authenticated);
    Params params;
    for (const auto& [k, v] : request.form)
        if (!is_client_auth_param(k)) params[k] = v;
    if (params.count("request_uri")) return OAuthError{"invalid_request", "request_uri cannot be pushed (RFC 9126 2.1)", 400};
    if (params.count("client_id") && params["client_id"] != client.client_id)
        return OAuthError{"invalid_request", "client_id does not match the authenticated client", 400};
    params["client_id"] = client.client_id;
    // The redirect URI is checked here, where the client can be told (RFC 9126 2.3).
    std::string redirect_uri = params.count("redirect_uri") ? params["redirect_uri"] : "";
    if (redirect_uri.empty() && client.redirect_uris.size() == 1) redirect_uri = client.redirect_uris.front();
    if (redirect_uri.empty() || !client.allows_redirect_uri(redirect_uri))
        return OAuthError{"invalid_request", "redirect_uri is missing or not registered for this client", 400};
    // RFC 9449 10.1: a DPoP proof here binds the code to its key, like dpop_jkt does; both must agree.
    if (!request.dpop.empty()) {
        auto jkt = check_dpop_proof(request.dpop, "POST", "/oauth/par", std::nullopt);
        if (auto* error = std::get_if<OAuthError>(&jkt)) return *error;
        const auto& proven = std::get<std::string>(jkt);
        if (params.count("dpop_jkt") && !crypto::constant_time_equals(params["dpop_jkt"], proven))
            return OAuthError{"invalid_dpop_proof", "dpop_jkt does not match the key of the DPoP proof", 400};
        params["dpop_jkt"] = proven;
    }
    if (auto problem = authorization_request_problem(client, params)) return *problem;

    const std::string request_id = crypto::random_token(32);
    m_pool.transact([&](db::Transaction& tx) {
        tx.exec(k_forget_expired);
        tx.exec(k_insert, request_id, client.client_id, nlohmann::json(params).dump(), m_settings.par_seconds);
    });
    return nlohmann::json{{"request_uri", std::string(k_request_uri_prefix) + request_id}, {"expires_in", m_settings.par_seconds}};
}

std::variant<Params, std::string> Provider::load_pushed_request(const std::string& client_id, const std::string& request_uri) {
    const std::string prefix = k_request_uri_prefix;
    if (request_uri.rfind(prefix, 0) != 0 || request_uri.size() > prefix.size() + 128)
        return std::string("request_uri is not one this server issued");
    const std::string request_id = request_uri.substr(prefix.size());
    auto rows = m_pool.transact([&](db::Transaction& tx) { return tx.exec(k_find, request_id); });
    if (rows.empty() || rows[0][0].as<std::string>() != client_id)
        return std::string("request_uri is unknown or belongs to another client");
    if (rows[0][2].as<bool>()) return std::string("this request_uri was already used; start the sign-in again");
    if (rows[0][3].as<bool>()) return std::string("this request_uri has expired; start the sign-in again");
    auto stored = nlohmann::json::parse(rows[0][1].as<std::string>(), nullptr, false);
    if (!stored.is_object()) return std::string("request_uri is unknown or belongs to another client");
    Params params;
    for (const auto& [k, v] : stored.items())
        if (v.is_string()) params[k] = v.get<std::string>();
    return params;
}

bool Provider::spend_pushed_request(db::Transaction& tx, const std::string& request_id) {
    return tx.exec(k_spend, request_id).affected_rows() == 1;
}

void Provider::drop_pushed_prompt(const std::string& request_id) {
    m_pool.transact([&](db::Transaction& tx) { tx.exec(k_drop_prompt, request_id); });
}

Params Provider::effective_params(const Params& params) {
    auto it = params.find("request_uri");
    auto client = params.find("client_id");
    if (it == params.end() || client == params.end()) return params;
    auto loaded = load_pushed_request(client->second, it->second);
    if (auto* pushed = std::get_if<Params>(&loaded)) return *pushed;
    return params;
}

}  // namespace janua::oidc
