// The device authorization grant (RFC 8628): the device asks for codes, the user approves on the
// hosted /device page, the device polls the token endpoint.
#include "core/audit/audit.hpp"
#include "core/common/time.hpp"
#include "core/common/url.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/identity/user_repository.hpp"
#include "core/oidc/provider.hpp"
#include "core/oidc/scopes.hpp"

#include <cctype>
#include <stdexcept>

namespace janua::oidc {
namespace {

using db::Statement;

// RFC 8628 6.1: consonants only (no vowels: no words; no look-alikes such as 0/O, 1/I), eight of
// them (20^8, about 2^34.6), shown as XXXX-XXXX and typed in any case with or without the dash.
constexpr std::string_view k_user_code_alphabet = "BCDFGHJKLMNPQRSTVWXZ";
constexpr std::size_t k_user_code_length = 8;
// RFC 8628 3.5: each slow_down adds five seconds to the interval.
constexpr int k_slow_down_step = 5;

constexpr Statement k_insert{
    "device_insert",
    "INSERT INTO device_authorizations (device_code_hash, user_code_hash, client_id, scope, interval_seconds, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) ON CONFLICT (user_code_hash) DO NOTHING"};
constexpr Statement k_forget_expired{"device_forget_expired",
                                     "DELETE FROM device_authorizations WHERE expires_at < now() - interval '1 hour'"};
constexpr Statement k_pending_by_user_code{
    "device_pending_by_user_code",
    "SELECT client_id, scope FROM device_authorizations WHERE user_code_hash = $1 AND status = 'pending' AND expires_at > now()"};
constexpr Statement k_decide{
    "device_decide",
    "UPDATE device_authorizations SET status = $2, user_id = $3::uuid, auth_time = $4::timestamptz, "
    "amr = ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), decided_at = now() "
    "WHERE user_code_hash = $1 AND status = 'pending' AND expires_at > now() RETURNING client_id"};
constexpr Statement k_poll{
    "device_poll",
    "SELECT client_id, scope, status, user_id, auth_time, array_to_json(amr)::text, interval_seconds, "
    "expires_at <= now(), "
    "(last_polled_at IS NOT NULL AND last_polled_at > now() - make_interval(secs => interval_seconds)) "
    "FROM device_authorizations WHERE device_code_hash = $1 FOR UPDATE"};
constexpr Statement k_polled{"device_polled",
                             "UPDATE device_authorizations SET last_polled_at = now(), "
                             "interval_seconds = interval_seconds + $2 WHERE device_code_hash = $1"};
constexpr Statement k_redeemed{"device_redeemed",
                               "UPDATE device_authorizations SET status = 'redeemed' WHERE device_code_hash = $1"};

std::string param(const Params& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

std::string random_user_code() {
    const std::string bytes = crypto::random_bytes(k_user_code_length);
    std::string code;
    for (unsigned char b : bytes) {
        // 256 is not a multiple of 20: draw again for the top values so every letter is equally likely.
        while (b >= 240) b = static_cast<unsigned char>(crypto::random_bytes(1)[0]);
        code += k_user_code_alphabet[b % k_user_code_alphabet.size()];
    }
    return code;
}

// "bcdf-ghjk" and "BCDF GHJK" -> "BCDFGHJK"; empty when it cannot be a user code.
std::string normalise_user_code(const std::string& typed) {
    std::string code;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (k_user_code_alphabet.find(upper) == std::string_view::npos) return {};
        code += upper;
        if (code.size() > k_user_code_length) return {};
    }
    return code.size() == k_user_code_length ? code : std::string();
}

std::string display(const std::string& code) { return code.substr(0, 4) + "-" + code.substr(4); }

pqxx::binarystring hash_of(const std::string& value) { return pqxx::binarystring(crypto::sha256(value)); }

}  // namespace

TokenResult Provider::device_authorization(const TokenRequest& request) {
    auto authenticated = authenticate_client(request, "/oauth/device_authorization");
    if (auto* error = std::get_if<OAuthError>(&authenticated)) return *error;
    const auto& client = std::get<OAuthClient>(authenticated);
    if (!client.has_grant(k_grant_device_code))
        return OAuthError{"unauthorized_client", "this client may not use the device authorization grant", 400};
    auto requested = parse_scope(param(request.form, "scope"));
    if (requested.empty()) {
        // Like Keycloak: no scope asks for what the client is registered for.
        for (const auto& s : client.scopes)
            if (scopes_allowed({s}, supported_scopes())) requested.push_back(s);
    }
    if (requested.empty() || !scopes_allowed(requested, client.scopes) || !scopes_allowed(requested, supported_scopes()))
        return OAuthError{"invalid_scope", "the client may not request one of these scopes", 400};

    const std::string device_code = crypto::random_token(32);
    std::string user_code;
    m_pool.transact([&](db::Transaction& tx) {
        tx.exec(k_forget_expired);
        // A clash of user codes is unlikely but possible: draw again.
        for (int attempt = 0; attempt < 5 && user_code.empty(); ++attempt) {
            const auto candidate = random_user_code();
            if (tx.exec(k_insert, hash_of(device_code), hash_of(candidate), client.client_id, join_scope(requested),
                        m_settings.device_poll_interval, m_settings.device_code_seconds)
                    .affected_rows() == 1)
                user_code = candidate;
        }
        if (user_code.empty()) throw std::runtime_error("could not draw a free user code");
        audit::Event e;
        e.action = "oauth.device_authorization_started";
        e.actor_type = "client";
        e.actor_id = client.client_id;
        e.ip_address = request.meta.ip;
        e.request_id = request.meta.request_id;
        e.details = {{"scope", join_scope(requested)}};
        audit::record(tx, e);
    });
    const std::string verification_uri = endpoint("/device");
    return nlohmann::json{{"device_code", device_code},
                          {"user_code", display(user_code)},
                          {"verification_uri", verification_uri},
                          {"verification_uri_complete", verification_uri + "?user_code=" + display(user_code)},
                          {"expires_in", m_settings.device_code_seconds},
                          {"interval", m_settings.device_poll_interval}};
}

std::optional<DeviceRequestView> Provider::device_request(const std::string& typed) {
    const auto code = normalise_user_code(typed);
    if (code.empty()) return std::nullopt;
    auto row = m_pool.transact([&](db::Transaction& tx) { return tx.exec(k_pending_by_user_code, hash_of(code)); });
    if (row.empty()) return std::nullopt;
    DeviceRequestView view;
    view.user_code = display(code);
    view.client_id = row[0][0].as<std::string>();
    view.scopes = parse_scope(row[0][1].as<std::string>());
    auto client = m_clients.get(view.client_id);
    if (!client || !client->enabled) return std::nullopt;
    view.client_name = client->name;
    return view;
}

bool Provider::decide_device_request(const std::string& typed, const BrowserLogin& browser, bool approve,
                                     const identity::RequestMeta& meta) {
    const auto code = normalise_user_code(typed);
    if (code.empty()) return false;
    return m_pool.transact([&](db::Transaction& tx) {
        auto decided = tx.exec(k_decide, hash_of(code), std::string(approve ? "approved" : "denied"), browser.user.id,
                               browser.session.auth_time, nlohmann::json(browser.session.amr).dump());
        if (decided.empty()) return false;
        audit::Event e;
        e.action = approve ? "oauth.device_authorization_approved" : "oauth.device_authorization_denied";
        e.actor_id = browser.user.id;
        e.target_type = "client";
        e.target_id = decided[0][0].as<std::string>();
        e.ip_address = meta.ip;
        e.user_agent = meta.user_agent;
        e.request_id = meta.request_id;
        audit::record(tx, e);
        return true;
    });
}

TokenResult Provider::device_code_grant(const OAuthClient& client, const TokenRequest& request) {
    const std::string device_code = param(request.form, "device_code");
    if (device_code.empty()) return OAuthError{"invalid_request", "device_code is required", 400};
    if (device_code.size() > 256) return OAuthError{"invalid_grant", "device_code is invalid", 400};
    using Outcome = std::variant<nlohmann::json, OAuthError>;
    return m_pool.transact([&](db::Transaction& tx) -> Outcome {
        auto rows = tx.exec(k_poll, hash_of(device_code));
        if (rows.empty()) return OAuthError{"invalid_grant", "device_code is invalid", 400};
        const auto& row = rows[0];
        if (row[0].as<std::string>() != client.client_id)
            return OAuthError{"invalid_grant", "device_code was issued to another client", 400};
        const std::string status = row[2].as<std::string>();
        if (status == "redeemed") return OAuthError{"invalid_grant", "device_code was already used", 400};
        if (row[7].as<bool>()) return OAuthError{"expired_token", "device_code has expired; start over", 400};
        // Polling faster than the interval: slow down, and the interval grows (RFC 8628 3.5).
        if (row[8].as<bool>()) {
            tx.exec(k_polled, hash_of(device_code), k_slow_down_step);
            return OAuthError{"slow_down", "poll no more often than every " +
                                               std::to_string(row[6].as<int>() + k_slow_down_step) + " seconds", 400};
        }
        tx.exec(k_polled, hash_of(device_code), 0);
        if (status == "pending") return OAuthError{"authorization_pending", "the user has not decided yet", 400};
        if (status == "denied") return OAuthError{"access_denied", "the user denied the request", 400};

        auto user = identity::users::find_by_id(tx, row[3].as<std::string>());
        if (!user || user->status != "ACTIVE") return OAuthError{"invalid_grant", "the user can no longer sign in", 400};
        tx.exec(k_redeemed, hash_of(device_code));
        std::string session_id;
        UserGrant grant;
        grant.grant_type = k_grant_device_code;
        grant.scope = row[1].as<std::string>();
        grant.amr = nlohmann::json::parse(row[5].as<std::string>()).get<std::vector<std::string>>();
        grant.auth_time = db::timestamp(row[4]);
        return issue_user_tokens(tx, client, *user, grant, request, session_id);
    });
}

}  // namespace janua::oidc
