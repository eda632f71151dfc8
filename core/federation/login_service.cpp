#include "core/federation/login_service.hpp"

#include "core/identity/audit_events.hpp"
#include "core/common/time.hpp"
#include "core/common/url.hpp"
#include "core/crypto/browser_binding.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/db/atomically.hpp"
#include "core/federation/failure.hpp"
#include "core/federation/id_token.hpp"
#include "core/federation/login_states.hpp"
#include "core/federation/presets.hpp"
#include "core/federation/provider_repository.hpp"
#include "core/federation/return_target.hpp"
#include "core/federation/upstream_token.hpp"
#include "core/federation/upstream_tokens.hpp"
#include "core/identity/mfa_challenges.hpp"
#include "core/identity/sessions.hpp"
#include "core/identity/user_repository.hpp"
#include "core/orgs/org_repository.hpp"

#include <algorithm>

namespace janua::federation {
namespace {

using identity::RequestMeta;

audit::Event base_event(const std::string& action, const RequestMeta& meta) {
    return identity::request_event(action, meta);
}

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string with_query(const std::string& url, const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out = url;
    char separator = url.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [k, v] : params) {
        out += separator + percent_encode(k) + "=" + percent_encode(v);
        separator = '&';
    }
    return out;
}

std::string param(const std::map<std::string, std::string>& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

}  // namespace

std::string LoginService::redirect_uri_for(const IdentityProvider& provider) const {
    std::string base = m_settings.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (provider.organization_id) return base + "/api/v1/sso/oidc/callback";
    return base + "/api/v1/auth/oauth/" + provider.slug + "/callback";
}

std::vector<IdentityProvider> LoginService::social_providers() {
    auto all = m_pool.transact([&](db::Transaction& tx) { return providers::list(tx, std::nullopt); });
    std::vector<IdentityProvider> out;
    for (auto& p : all)
        if (p.enabled) out.push_back(std::move(p));
    return out;
}

Result<IdentityProvider> LoginService::provider_for(const StartRequest& request) {
    auto unknown = [] { return make_error(ErrorCode::not_found, "no such identity provider, or it is disabled"); };
    if (request.channel == Channel::social) {
        auto found = m_pool.transact([&](db::Transaction& tx) { return providers::find(tx, std::nullopt, request.provider); });
        if (!found || !found->enabled || found->slug != request.provider) return unknown();
        return *found;
    }
    return m_pool.transact([&](db::Transaction& tx) -> Result<IdentityProvider> {
        std::vector<IdentityProvider> candidates;
        if (request.organization) {
            auto org = orgs::repo::find(tx, *request.organization);
            if (!org) return make_error(ErrorCode::not_found, "organization not found");
            for (auto& p : providers::list(tx, org->id))
                if (p.enabled) candidates.push_back(std::move(p));
        } else if (request.domain) {
            std::string domain = *request.domain;
            if (const auto at = domain.rfind('@'); at != std::string::npos) domain = domain.substr(at + 1);
            std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            candidates = providers::find_by_domain(tx, domain);
        } else {
            return make_error(ErrorCode::validation, "send org (an organization id or slug) or domain (an email domain)");
        }
        if (request.connection) {
            for (auto& p : candidates)
                if (p.slug == *request.connection || p.id == *request.connection) return p;
            return make_error(ErrorCode::not_found, "no enabled OIDC connection '" + *request.connection + "' here");
        }
        if (candidates.empty())
            return make_error(ErrorCode::not_found, "no enabled OIDC connection for this organization or domain");
        if (candidates.size() > 1) {
            std::vector<std::string> slugs;
            for (const auto& p : candidates) slugs.push_back(p.slug);
            return make_error(ErrorCode::validation, "several OIDC connections match; choose one with connection= (" +
                                                         join(slugs, ", ") + ")");
        }
        return candidates.front();
    });
}

Result<Started> LoginService::start(const StartRequest& request, const RequestMeta& meta) {
    std::optional<std::string> return_to;
    if (request.return_to && !request.return_to->empty()) {
        return_to = checked_return_to(*request.return_to, m_settings.base_url, m_settings.frontend_url);
        if (!return_to) {
            Error e = make_error(ErrorCode::validation,
                                 "return_to must be a path on this server or a URL on BASE_URL's or FRONTEND_URL's origin");
            e.details = nlohmann::json::array({{{"field", "return_to"}, {"message", "is not an allowed return target"}}});
            return e;
        }
    }
    auto provider = provider_for(request);
    if (!provider) return provider.error();
    auto metadata = m_discovery.metadata(*provider);
    if (!metadata) {
        record_failure(*provider, metadata.error(), meta, request.link_user_id);
        return metadata.error();
    }
    const auto preset = find_preset(provider->preset);
    const std::string state = crypto::random_token(32);
    const std::string nonce = crypto::random_token(24);
    const std::string verifier = crypto::random_token(48);  // 64 characters of base64url (RFC 7636 4.1)
    const std::string challenge = crypto::base64url_encode(crypto::sha256(verifier));
    login_states::LoginState row;
    row.provider_id = provider->id;
    row.purpose = request.link_user_id ? "link" : "login";
    row.link_user_id = request.link_user_id;
    row.nonce = nonce;
    row.code_verifier_encrypted = m_cipher.encrypt(verifier);
    row.redirect_uri = redirect_uri_for(*provider);
    row.return_to = return_to;
    row.response_mode = return_to ? "redirect" : "json";
    const std::string binding = crypto::browser_binding::value_for(request.browser_binding);
    row.browser_binding_hash = crypto::browser_binding::hash_of(binding);
    m_pool.transact([&](db::Transaction& tx) {
        login_states::purge_expired(tx);
        login_states::put(tx, state, row, m_settings.state_ttl_seconds);
    });
    std::vector<std::pair<std::string, std::string>> query = {
        {"response_type", "code"},        {"client_id", provider->client_id}, {"redirect_uri", row.redirect_uri},
        {"scope", join(provider->scopes, " ")}, {"state", state},         {"code_challenge", challenge},
        {"code_challenge_method", "S256"}};
    if (provider->protocol == "oidc") query.emplace_back("nonce", nonce);
    if (preset && preset->form_post) query.emplace_back("response_mode", "form_post");
    if (request.login_hint && !request.login_hint->empty() && request.login_hint->size() <= 320)
        query.emplace_back("login_hint", *request.login_hint);
    return Started{with_query(metadata->authorization_endpoint, query), provider->slug, binding, preset && preset->form_post};
}

Result<UpstreamProfile> LoginService::fetch_profile(const IdentityProvider& provider, const ProviderMetadata& metadata,
                                                    const std::string& code, const std::string& redirect_uri,
                                                    const std::string& verifier, const std::string& nonce,
                                                    nlohmann::json* token_response) {
    const auto preset = find_preset(provider.preset);
    const auto source = preset ? preset->profile : ProfileSource::id_token;
    auto secret = m_providers.client_secret(provider);
    if (!secret) return secret.error();

    // The code goes to this provider's token endpoint only (never one named by the callback).
    auto tokens = call_token_endpoint(provider, metadata.token_endpoint, *secret,
                                      {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirect_uri},
                                       {"code_verifier", verifier}},
                                      m_discovery.policy());
    if (!tokens) return tokens.error();
    if (token_response) *token_response = *tokens;
    const std::string access_token =
        tokens->contains("access_token") && (*tokens)["access_token"].is_string() ? (*tokens)["access_token"].get<std::string>() : "";

    auto get_json = [&](const std::string& url, const char* what, bool github) -> Result<nlohmann::json> {
        UpstreamRequest request;
        request.url = url;
        request.headers = {{"Authorization", "Bearer " + access_token},
                           {"Accept", github ? "application/vnd.github+json" : "application/json"}};
        auto reply = upstream_fetch(request, m_discovery.policy());
        if (!reply) return reply.error();
        auto body = nlohmann::json::parse(reply->body, nullptr, false);
        if (reply->status != 200 || body.is_discarded())
            return login_failure("upstream_error", std::string("the identity provider's ") + what + " answered HTTP " +
                                                       std::to_string(reply->status));
        return body;
    };

    if (provider.protocol == "oidc") {
        if (!tokens->contains("id_token") || !(*tokens)["id_token"].is_string())
            return login_failure("id_token_missing", "the identity provider returned no ID token; is the openid scope granted?");
        const std::string id_token = (*tokens)["id_token"].get<std::string>();
        auto keys = m_discovery.keys(metadata.jwks_uri, id_token_kid(id_token));
        if (!keys) return keys.error();
        IdTokenExpectations expect;
        expect.issuer = metadata.issuer;
        if (preset) expect.issuer_aliases = preset->issuer_aliases;
        expect.client_id = provider.client_id;
        expect.nonce = nonce;
        expect.now = unix_seconds_now();
        expect.skew_seconds = m_settings.clock_skew_seconds;
        auto claims = validate_id_token(id_token, *keys, expect);
        if (!claims) return claims.error();
        const std::string verified_claim = preset ? preset->email_verified_claim : "email_verified";
        auto profile = profile_from_claims(*claims, verified_claim);
        // Providers that keep the email out of the ID token give it at userinfo, for the same subject only.
        if (!profile.email && !metadata.userinfo_endpoint.empty() && !access_token.empty()) {
            auto info = get_json(metadata.userinfo_endpoint, "userinfo endpoint", false);
            if (info && info->is_object() && info->value("sub", nlohmann::json()) == (*claims)["sub"]) {
                auto merged = *claims;
                for (const char* name : {"email", "email_verified", "xms_edov", "given_name", "family_name", "name"})
                    if (!merged.contains(name) && info->contains(name)) merged[name] = (*info)[name];
                profile = profile_from_claims(merged, verified_claim);
            }
        }
        return profile;
    }
    if (access_token.empty()) return login_failure("upstream_error", "the identity provider returned no access token");
    auto user = get_json(metadata.userinfo_endpoint, "user endpoint", source == ProfileSource::github);
    if (!user) return user.error();
    switch (source) {
        case ProfileSource::github: {
            nlohmann::json emails = nlohmann::json::array();
            if (provider.emails_endpoint) {
                auto listed = get_json(*provider.emails_endpoint, "emails endpoint", true);
                if (!listed) return listed.error();
                emails = *listed;
            }
            return github_profile(*user, emails);
        }
        case ProfileSource::discord: return discord_profile(*user);
        case ProfileSource::twitter: return twitter_profile(*user);
        case ProfileSource::id_token: break;
    }
    auto profile = profile_from_claims(*user, preset ? preset->email_verified_claim : "email_verified");
    if (profile.subject.empty()) return login_failure("subject_missing", "the identity provider's profile has no subject");
    return profile;
}

Result<LoginOutcome> LoginService::complete(const CallbackRequest& request, const RequestMeta& meta) {
    const auto& params = request.params;
    const std::string state = param(params, "state");
    if (state.empty() || state.size() > 512) {
        Error e = login_failure("state_invalid", "the callback has no state; start the sign-in again");
        record_failure(std::nullopt, e, meta, std::nullopt);
        return e;
    }
    // Spent here, in its own committed transaction: whatever happens next, it cannot be used again.
    auto row = m_pool.transact([&](db::Transaction& tx) { return login_states::take(tx, state); });
    if (!row) {
        Error e = login_failure("state_invalid", "this sign-in is unknown or was already completed; start it again");
        record_failure(std::nullopt, e, meta, std::nullopt);
        return e;
    }
    auto provider = m_pool.transact([&](db::Transaction& tx) { return providers::find_by_id(tx, row->provider_id); });
    auto fail = [&](const Error& e) -> Result<LoginOutcome> {
        record_failure(provider, e, meta, row->link_user_id);
        return e;
    };
    if (!provider || !provider->enabled) return fail(login_failure("provider_disabled", "the identity provider was disabled or removed"));
    const bool enterprise = provider->organization_id.has_value();
    if ((request.channel == Channel::enterprise) != enterprise ||
        (request.channel == Channel::social && provider->slug != request.provider))
        return fail(login_failure("state_invalid", "this callback belongs to another identity provider"));
    if (row->expired) return fail(login_failure("state_expired", "the sign-in took too long; start it again"));
    // Login CSRF: only the browser that started this sign-in may finish it.
    if (!crypto::browser_binding::matches(row->browser_binding_hash, request.browser_binding))
        return fail(login_failure("browser_mismatch",
                                  "this sign-in was started in another browser, or its cookie expired or was blocked; "
                                  "start the sign-in again from this browser"));
    if (const auto error = param(params, "error"); !error.empty())
        return fail(login_failure("upstream_error", "the identity provider refused the sign-in: " + sanitized(error) +
                                                        (param(params, "error_description").empty()
                                                             ? ""
                                                             : " (" + sanitized(param(params, "error_description")) + ")")));
    auto metadata = m_discovery.metadata(*provider);
    if (!metadata) return fail(metadata.error());
    // RFC 9207: an issuer that says it sends iss must send its own.
    const std::string iss = param(params, "iss");
    const bool templated = metadata->issuer.find("{tenantid}") != std::string::npos;
    if (provider->protocol == "oidc" && !templated) {
        if ((metadata->iss_parameter_supported && iss.empty()) || (!iss.empty() && iss != metadata->issuer))
            return fail(login_failure("issuer_mismatch", "the callback's iss is not the identity provider's issuer"));
    }
    const std::string code = param(params, "code");
    if (code.empty() || code.size() > 4096) return fail(login_failure("code_missing", "the callback carries no authorization code"));
    auto verifier = m_cipher.decrypt(row->code_verifier_encrypted);
    if (!verifier) return fail(make_error(ErrorCode::internal, "the sign-in state cannot be decrypted"));
    nlohmann::json token_response;
    auto profile = fetch_profile(*provider, *metadata, code, row->redirect_uri, *verifier, row->nonce, &token_response);
    if (!profile) return fail(profile.error());
    auto outcome = settle(*provider, *profile, token_response, row->purpose, row->link_user_id, row->response_mode, meta);
    if (!outcome) return fail(outcome.error());
    outcome->return_to = row->return_to;
    outcome->response_mode = row->response_mode;
    return outcome;
}

Result<LoginOutcome> LoginService::settle(const IdentityProvider& provider, const UpstreamProfile& profile,
                                          const nlohmann::json& token_response, const std::string& purpose,
                                          const std::optional<std::string>& link_user_id, const std::string& response_mode,
                                          const RequestMeta& meta) {
    const bool enterprise = provider.organization_id.has_value();
    auto email = profile.email ? identity::normalize_email(*profile.email) : std::nullopt;
    return db::atomically<LoginOutcome>(m_pool, [&](db::Transaction& tx) -> Result<LoginOutcome> {
        LoginOutcome out;
        out.purpose = purpose;
        out.organization_id = provider.organization_id;
        auto link_event = [&](const identity::User& user, const linked_accounts::LinkedAccount& account, const char* via) {
            auto e = base_event("identity.linked", meta);
            e.actor_id = user.id;
            e.organization_id = provider.organization_id;
            e.target_type = "user_identity";
            e.target_id = account.id;
            e.details = {{"provider", provider.slug}, {"subject", profile.subject}, {"via", via}};
            audit::record(tx, e);
        };
        auto existing = linked_accounts::find_or_claim(tx, provider.id, profile.subject);

        if (purpose == "link") {
            auto user = identity::users::find_by_id(tx, link_user_id.value_or(""));
            if (!user || user->status == "DELETED") return login_failure("account_disabled", "the account to link no longer exists");
            if (existing && existing->user_id != user->id)
                return provisioning_failure("already_linked", "this " + provider.display_name +
                                                                  " account is already linked to another user");
            if (existing) {
                out.account = *existing;
                if (existing->claimed) link_event(*user, *existing, "imported");
            } else {
                if (auto other = linked_accounts::find_for_user(tx, user->id, provider.id))
                    return provisioning_failure("already_linked", "you already linked another " + provider.display_name +
                                                                      " account; unlink it first");
                out.account = linked_accounts::insert(tx, provider.id, profile.subject, user->id, email);
                out.linked = true;
                link_event(*user, out.account, "explicit");
            }
            keep_tokens(tx, provider, out.account, token_response, meta);
            out.user = *user;
            return out;
        }

        std::optional<identity::User> user;
        if (existing) {
            user = identity::users::find_by_id(tx, existing->user_id);
            out.account = *existing;
            linked_accounts::touch_login(tx, existing->id, email);
            if (existing->claimed && user) link_event(*user, *existing, "imported");
        } else {
            // Never by an unverified address: it would hand an account to whoever typed it upstream.
            if (!email || !profile.email_verified)
                return provisioning_failure("email_not_verified",
                                            provider.display_name + " did not vouch for a verified email address, so no "
                                                                    "account was found, created or linked; sign in another "
                                                                    "way and link " + provider.display_name +
                                                                    " from your account");
            if (enterprise && !email_domain_allowed(*email, provider.allowed_domains))
                return provisioning_failure("domain_not_allowed", "the email domain of " + *email +
                                                                      " is not allowed for this organization's sign-in");
            user = identity::users::find_by_email(tx, *email);
            if (user && !user->email_verified)
                return provisioning_failure("account_email_unverified",
                                            "an account with this email exists but its address was never verified; sign "
                                            "in with its password and link " + provider.display_name + " from there");
            if (!user) {
                const bool may_create = enterprise ? provider.jit_provisioning : m_settings.signups_enabled;
                if (!may_create)
                    return provisioning_failure(enterprise ? "not_provisioned" : "signup_disabled",
                                                enterprise ? "no account exists for " + *email +
                                                                 " and this connection does not create accounts"
                                                           : "sign-ups are disabled; ask an administrator for an account");
                identity::users::NewUser spec;
                spec.email = *email;
                spec.first_name = profile.first_name;
                spec.last_name = profile.last_name;
                spec.email_verified = true;  // the provider vouched for it
                spec.password_algorithm = "none";
                auto created = identity::users::insert(tx, spec);
                if (!created) return created.error();
                user = *created;
                out.created = true;
                auto e = base_event("user.signup", meta);
                e.actor_id = user->id;
                e.organization_id = provider.organization_id;
                e.target_type = "user";
                e.target_id = user->id;
                e.details = {{"via", "upstream"}, {"provider", provider.slug}};
                audit::record(tx, e);
            }
            out.account = linked_accounts::insert(tx, provider.id, profile.subject, user->id, email);
            out.linked = !out.created;
            link_event(*user, out.account, out.created ? "signup" : "verified_email");
        }
        if (!user || user->status != "ACTIVE")
            return login_failure("account_disabled", "this account is not active; contact an administrator");
        keep_tokens(tx, provider, out.account, token_response, meta);

        if (enterprise) {
            const auto& org_id = *provider.organization_id;
            if (!orgs::repo::find_member(tx, org_id, user->id)) {
                if (!provider.jit_provisioning)
                    return provisioning_failure("not_member", "this account is not a member of the organization");
                auto role = orgs::repo::find_role(tx, org_id, provider.default_role);
                if (!role) return make_error(ErrorCode::internal, "the connection's default_role no longer exists");
                auto member = orgs::repo::insert_member(tx, org_id, user->id, role->id);
                if (!member) return member.error();
                auto e = base_event("member.added", meta);
                e.actor_type = "system";
                e.organization_id = org_id;
                e.target_type = "user";
                e.target_id = user->id;
                e.details = {{"role", role->name}, {"via", "sso_jit"}, {"provider", provider.slug}};
                audit::record(tx, e);
            }
        }

        out.user = *user;
        auto success = base_event("upstream.login", meta);
        success.actor_id = user->id;
        success.organization_id = provider.organization_id;
        success.target_type = "identity_provider";
        success.target_id = provider.id;
        success.details = {{"provider", provider.slug}, {"created", out.created}, {"linked", out.linked}};
        audit::record(tx, success);

        const std::vector<std::string> amr = {"fed"};
        // An enterprise sign-in is for its organization: the tokens name it (org_id).
        const std::optional<std::string> signin_org = enterprise ? provider.organization_id : std::nullopt;
        if (user->mfa_enabled) {
            out.mfa_token = identity::mfa_challenges::issue(tx, user->id, amr, response_mode == "json" ? "api" : "browser",
                                                            meta.ip, meta.user_agent, signin_org);
            auto e = base_event("user.signin_mfa_required", meta);
            e.actor_id = user->id;
            e.details = {{"first_factor", "fed"}, {"provider", provider.slug}};
            audit::record(tx, e);
            return out;
        }
        if (response_mode == "json") {
            out.tokens = m_auth.complete_signin(tx, *user, amr, meta, "upstream:" + provider.slug, signin_org);
            out.cookie_token = identity::sessions::attach_browser_token(tx, out.tokens->session_id);
        } else {
            auto browser = m_auth.complete_browser_signin(tx, *user, amr, meta, "upstream:" + provider.slug, signin_org);
            out.cookie_token = browser.cookie_token;
        }
        return out;
    });
}

void LoginService::record_failure(const std::optional<IdentityProvider>& provider, const Error& error, const RequestMeta& meta,
                                  const std::optional<std::string>& user_id) {
    m_pool.transact([&](db::Transaction& tx) {
        auto e = base_event("upstream.login", meta);
        e.outcome = "failure";
        e.actor_type = user_id ? "user" : "anonymous";
        e.actor_id = user_id;
        if (provider) {
            e.organization_id = provider->organization_id;
            e.target_type = "identity_provider";
            e.target_id = provider->id;
        }
        const auto reason = failure_reason(error);
        e.details = {{"provider", provider ? nlohmann::json(provider->slug) : nlohmann::json(nullptr)},
                     {"reason", reason.empty() ? nlohmann::json(error_code_name(error.code)) : nlohmann::json(reason)},
                     {"message", error.message}};
        audit::record(tx, e);
    });
}

void LoginService::keep_tokens(db::Transaction& tx, const IdentityProvider& provider,
                               const linked_accounts::LinkedAccount& account, const nlohmann::json& token_response,
                               const RequestMeta& meta) {
    // Only where the operator asked for it (least privilege), and only for platform providers.
    if (!provider.store_tokens || provider.organization_id) return;
    auto grant = grant_of(token_response);
    if (!grant) return;
    upstream_tokens::put(tx, m_cipher, account.id, account.user_id, *grant);
    auto e = base_event("integration.token_stored", meta);
    e.actor_id = account.user_id;
    e.target_type = "user_identity";
    e.target_id = account.id;
    e.details = {{"provider", provider.slug}, {"scopes", grant->scopes}, {"refreshable", grant->refresh_token.has_value()}};
    audit::record(tx, e);
}

std::vector<linked_accounts::LinkedAccount> LoginService::linked(const std::string& user_id) {
    return m_pool.transact([&](db::Transaction& tx) { return linked_accounts::list_for_user(tx, user_id); });
}

Status LoginService::unlink(const std::string& user_id, const std::string& provider_ref, const RequestMeta& meta) {
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Status {
        auto provider = providers::find(tx, std::nullopt, provider_ref);
        if (!provider) return make_error(ErrorCode::not_found, "no such identity provider");
        auto account = linked_accounts::find_for_user(tx, user_id, provider->id);
        if (!account) return make_error(ErrorCode::not_found, "your account is not linked to " + provider->display_name);
        auto user = identity::users::lock_by_id(tx, user_id);
        if (!user) return make_error(ErrorCode::not_found, "user not found");
        // The last way in must stay: a password, a passkey or another linked provider.
        const auto others = tx.raw().exec_params(
            "SELECT (SELECT count(*) FROM user_identities WHERE user_id = $1::uuid AND id <> $2::uuid AND provider_id IS NOT NULL) + "
            "(SELECT count(*) FROM webauthn_credentials WHERE user_id = $1::uuid)",
            user_id, account->id)[0][0].as<long long>();
        if (!user->password_hash && others == 0) {
            Error e = make_error(ErrorCode::conflict, provider->display_name +
                                                          " is the only way to sign in to this account; set a password "
                                                          "(POST /api/v1/auth/password/forgot) or add a passkey first");
            e.details = nlohmann::json::array({{{"reason", "last_sign_in_method"}}});
            return e;
        }
        linked_accounts::remove(tx, account->id);
        auto e = base_event("identity.unlinked", meta);
        e.actor_id = user_id;
        e.target_type = "user_identity";
        e.target_id = account->id;
        e.details = {{"provider", provider->slug}, {"subject", account->subject}};
        audit::record(tx, e);
        return Ok{};
    });
}

}  // namespace janua::federation
