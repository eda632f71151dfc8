// The authorization endpoint (RFC 6749 4.1, OIDC Core 3.1.2, RFC 7636, RFC 9207).
#include "core/audit/audit.hpp"
#include "core/common/text.hpp"
#include "core/common/time.hpp"
#include "core/common/url.hpp"
#include "core/identity/user_repository.hpp"
#include "core/oidc/authorization_codes.hpp"
#include "core/oidc/pkce.hpp"
#include "core/oidc/provider.hpp"
#include "core/oidc/scopes.hpp"

#include <algorithm>

namespace janua::oidc {
namespace {

// Audit details of scopes: printable ASCII (scopes are ASCII, RFC 6749 3.3), so a crafted request
// cannot make the entry unwritable.
std::string printable_scope(const std::string& text) { return printable_ascii(text, 1000); }

std::string param(const Params& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

std::string with_query(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& items) {
    std::string out = uri;
    char separator = uri.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [k, v] : items) {
        out += separator + k + "=" + percent_encode(v);
        separator = '&';
    }
    return out;
}

AuthorizeDecision error_page(const std::string& message) {
    AuthorizeDecision d;
    d.step = AuthorizeStep::show_error;
    d.error_message = message;
    return d;
}

}  // namespace

AuthorizeDecision Provider::authorize(const Params& given, const std::optional<BrowserLogin>& browser) {
    const std::string client_id = param(given, "client_id");
    if (client_id.empty()) return error_page("the request has no client_id");
    auto client = m_clients.get(client_id);
    if (!client || !client->enabled) return error_page("unknown or disabled client '" + client_id + "'");

    // RFC 9126 4: a request_uri from /oauth/par stands for the pushed parameters, and only those.
    std::optional<std::string> pushed_id;
    Params pushed;
    if (param(given, "request_uri").rfind(k_request_uri_prefix, 0) == 0) {
        auto loaded = load_pushed_request(client->client_id, param(given, "request_uri"));
        if (auto* message = std::get_if<std::string>(&loaded)) return error_page(*message);
        pushed = std::get<Params>(loaded);
        pushed_id = param(given, "request_uri").substr(std::string(k_request_uri_prefix).size());
    } else if (client->require_pushed_authorization_requests) {
        return error_page("this client must push its authorization requests to /oauth/par first (RFC 9126)");
    }
    const Params& params = pushed_id ? pushed : given;

    // Until the redirect URI is known to be registered, errors are shown here, never sent there.
    std::string redirect_uri = param(params, "redirect_uri");
    if (redirect_uri.empty() && client->redirect_uris.size() == 1) redirect_uri = client->redirect_uris.front();
    if (redirect_uri.empty() || !client->allows_redirect_uri(redirect_uri))
        return error_page("redirect_uri is missing or not registered for this client");

    const std::string state = param(params, "state");
    auto fail = [&](const std::string& error, const std::string& description) {
        AuthorizeDecision d;
        d.step = AuthorizeStep::redirect;
        std::vector<std::pair<std::string, std::string>> items = {{"error", error}, {"error_description", description}};
        if (!state.empty()) items.emplace_back("state", state);
        items.emplace_back("iss", m_settings.issuer);
        d.location = with_query(redirect_uri, items);
        return d;
    };

    if (auto problem = authorization_request_problem(*client, params)) return fail(problem->error, problem->description);
    const auto requested = parse_scope(param(params, "scope"));
    const std::string challenge = param(params, "code_challenge");

    const std::string prompt = param(params, "prompt");
    const auto prompts = parse_scope(prompt);  // the same space-separated list syntax
    const bool prompt_none = std::find(prompts.begin(), prompts.end(), "none") != prompts.end();
    if (prompt_none && prompts.size() > 1) return fail("invalid_request", "prompt=none must stand alone");

    // Is the browser signed in recently enough?
    bool need_login = !browser || prompt.find("login") != std::string::npos;
    if (browser && !param(params, "max_age").empty()) {
        try {
            const long max_age = std::stol(param(params, "max_age"));
            const auto auth_time = parse_rfc3339(browser->session.auth_time).value_or(0);
            if (max_age < 0) return fail("invalid_request", "max_age must not be negative");
            if (unix_seconds_now() - auth_time > max_age) need_login = true;
        } catch (const std::exception&) {
            return fail("invalid_request", "max_age must be a number of seconds");
        }
    }
    if (need_login) {
        if (prompt_none) return fail("login_required", "the user is not signed in");
        if (pushed_id) drop_pushed_prompt(*pushed_id);  // honoured once, or the login would loop
        AuthorizeDecision d;
        d.step = AuthorizeStep::login;
        d.client_id = client->client_id;
        d.client_name = client->name;
        d.login_hint = param(params, "login_hint");
        return d;
    }

    bool need_consent = prompt.find("consent") != std::string::npos;
    if (!need_consent && client->require_consent) {
        need_consent = !m_pool.transact(
            [&](db::Transaction& tx) { return consents::covers(tx, browser->user.id, client->client_id, requested); });
    }
    if (need_consent) {
        if (prompt_none) return fail("consent_required", "the user has not consented to this client");
        if (pushed_id) drop_pushed_prompt(*pushed_id);
        AuthorizeDecision d;
        d.step = AuthorizeStep::consent;
        d.client_id = client->client_id;
        d.client_name = client->name;
        d.scopes = requested;
        return d;
    }

    codes::CodeGrant grant;
    grant.client_id = client->client_id;
    grant.user_id = browser->user.id;
    grant.browser_session_id = browser->session.id;
    // As given: when the request left it out, the code exchange may leave it out too (RFC 6749 4.1.3).
    grant.redirect_uri = param(params, "redirect_uri");
    grant.scope = join_scope(requested);
    if (!param(params, "nonce").empty()) grant.nonce = printable_ascii(param(params, "nonce"), 512);
    if (!challenge.empty()) grant.code_challenge = challenge;
    grant.auth_time = browser->session.auth_time;
    grant.amr = browser->session.amr;
    if (!param(params, "dpop_jkt").empty()) grant.dpop_jkt = param(params, "dpop_jkt");
    const auto code = m_pool.transact([&](db::Transaction& tx) -> std::optional<std::string> {
        if (pushed_id && !spend_pushed_request(tx, *pushed_id)) return std::nullopt;
        return codes::issue(tx, grant, m_settings.code_seconds);
    });
    if (!code) return error_page("this request_uri was already used; start the sign-in again");

    AuthorizeDecision d;
    d.step = AuthorizeStep::redirect;
    std::vector<std::pair<std::string, std::string>> items = {{"code", *code}};
    if (!state.empty()) items.emplace_back("state", state);
    items.emplace_back("iss", m_settings.issuer);
    d.location = with_query(redirect_uri, items);
    return d;
}

std::optional<OAuthError> Provider::authorization_request_problem(const OAuthClient& client, const Params& params) {
    auto bad = [](const char* error, const std::string& description) { return OAuthError{error, description, 400}; };
    if (param(params, "request") != "") return bad("request_not_supported", "request objects are not supported");
    if (param(params, "request_uri") != "")
        return bad("request_uri_not_supported", "only request_uri values from the pushed authorization request endpoint are accepted");
    if (param(params, "response_type").empty()) return bad("invalid_request", "response_type is required");
    if (param(params, "response_type") != "code") return bad("unsupported_response_type", "only response_type=code is supported");
    if (!client.has_grant(k_grant_authorization_code))
        return bad("unauthorized_client", "this client may not use the authorization code flow");
    const auto requested = parse_scope(param(params, "scope"));
    if (requested.empty()) return bad("invalid_scope", "scope is required");
    if (!scopes_allowed(requested, client.scopes) || !scopes_allowed(requested, supported_scopes()))
        return bad("invalid_scope", "the client may not request one of these scopes");
    // RFC 9449 10: a JWK SHA-256 thumbprint, base64url without padding (43 characters).
    const std::string jkt = param(params, "dpop_jkt");
    if (params.count("dpop_jkt") &&
        (jkt.size() != 43 || jkt.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos))
        return bad("invalid_request", "dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key");
    const std::string challenge = param(params, "code_challenge");
    const std::string method = param(params, "code_challenge_method");
    if (!challenge.empty()) {
        if (method != "S256") return bad("invalid_request", "code_challenge_method must be S256");
        if (!is_valid_pkce_value(challenge)) return bad("invalid_request", "code_challenge is malformed");
    } else if (client.is_public) {
        return bad("invalid_request", "public clients must use PKCE (code_challenge with S256)");
    } else if (!method.empty()) {
        return bad("invalid_request", "code_challenge_method without code_challenge");
    }
    return std::nullopt;
}

AuthorizeDecision Provider::deny(const Params& params, const std::optional<BrowserLogin>& browser,
                                  const identity::RequestMeta& meta) {
    auto client = m_clients.get(param(params, "client_id"));
    if (!client) return error_page("unknown client");
    audit::Event e;
    e.action = "oauth.consent_denied";
    e.actor_type = browser ? "user" : "anonymous";
    if (browser) e.actor_id = browser->user.id;
    e.target_type = "oauth_client";
    e.target_id = client->client_id;
    e.ip_address = meta.ip;
    e.user_agent = meta.user_agent;
    e.request_id = meta.request_id;
    e.details = {{"scope", printable_scope(param(params, "scope"))}};
    m_pool.transact([&](db::Transaction& tx) { audit::record(tx, e); });
    std::string redirect_uri = param(params, "redirect_uri");
    if (redirect_uri.empty() && client->redirect_uris.size() == 1) redirect_uri = client->redirect_uris.front();
    if (redirect_uri.empty() || !client->allows_redirect_uri(redirect_uri)) return error_page("redirect_uri is not registered");
    std::vector<std::pair<std::string, std::string>> items = {{"error", "access_denied"},
                                                              {"error_description", "the user declined"}};
    if (!param(params, "state").empty()) items.emplace_back("state", param(params, "state"));
    items.emplace_back("iss", m_settings.issuer);
    AuthorizeDecision d;
    d.step = AuthorizeStep::redirect;
    d.location = with_query(redirect_uri, items);
    return d;
}

void Provider::grant_consent(const std::string& user_id, const std::string& client_id,
                             const std::vector<std::string>& scopes, const identity::RequestMeta& meta) {
    m_pool.transact([&](db::Transaction& tx) {
        consents::grant(tx, user_id, client_id, scopes);
        audit::Event e;
        e.action = "oauth.consent_granted";
        e.actor_id = user_id;
        e.target_type = "oauth_client";
        e.target_id = client_id;
        e.ip_address = meta.ip;
        e.user_agent = meta.user_agent;
        e.request_id = meta.request_id;
        e.details = {{"scope", printable_scope(join_scope(scopes))}};
        audit::record(tx, e);
    });
}

std::optional<BrowserLogin> Provider::browser_login(const std::string& cookie_token) {
    if (cookie_token.empty()) return std::nullopt;
    return m_pool.transact([&](db::Transaction& tx) -> std::optional<BrowserLogin> {
        auto session = identity::sessions::find_by_browser_token(tx, cookie_token);
        if (!session) return std::nullopt;
        auto user = identity::users::find_by_id(tx, session->user_id);
        if (!user) return std::nullopt;
        return BrowserLogin{*user, *session};
    });
}

}  // namespace janua::oidc
