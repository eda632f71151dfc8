// Sign-up, sign-in, refresh, sign-out and bearer authentication.
#include "core/identity/auth_service.hpp"

#include "core/admin/runtime_settings.hpp"

#include "core/identity/audit_events.hpp"
#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/devices/device_service.hpp"
#include "core/identity/mfa_challenges.hpp"
#include "core/identity/profile.hpp"
#include "core/identity/user_repository.hpp"
#include "core/identity/user_tokens.hpp"
#include "core/tokens/access_token.hpp"
#include "core/tokens/refresh_tokens.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

namespace janua::identity {
namespace {

Error invalid_credentials() { return make_error(ErrorCode::authentication, "invalid email or password"); }

audit::Event event(const std::string& action, const RequestMeta& meta, const std::optional<std::string>& user_id,
                   const std::string& outcome = "success") {
    auto e = request_event(action, meta);
    e.outcome = outcome;
    e.actor_type = user_id ? "user" : "anonymous";
    e.actor_id = user_id;
    if (user_id) {
        e.target_type = "user";
        e.target_id = user_id;
    }
    return e;
}

// Why a user whose password was right may still not sign in.
std::optional<Error> refuse_status(const User& user, bool require_verification) {
    if (user.status == "SUSPENDED") return make_error(ErrorCode::authorization, "this account is suspended");
    if (user.status == "INACTIVE") return make_error(ErrorCode::authorization, "this account is inactive");
    if (user.status == "DELETED") return invalid_credentials();
    if (user.status == "PENDING" || (require_verification && !user.email_verified))
        return make_error(ErrorCode::authorization, "verify your email address before signing in");
    return std::nullopt;
}

Error validation_error(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

}  // namespace

std::optional<std::string> normalize_email(const std::string& email) {
    std::string e;
    const auto first = email.find_first_not_of(" \t");
    const auto last = email.find_last_not_of(" \t");
    if (first == std::string::npos) return std::nullopt;
    e = email.substr(first, last - first + 1);
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto at = e.find('@');
    if (e.size() > 320 || at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) return std::nullopt;
    const auto domain = e.substr(at + 1);
    if (domain.size() < 3 || domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.')
        return std::nullopt;
    if (std::any_of(e.begin(), e.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f || c == '<' || c == '>'; }))
        return std::nullopt;
    return e;
}

AuthService::AuthService(AuthSettings settings, db::Pool& pool, PasswordHasher& hasher, tokens::KeyManager& keys,
                         Mailer mailer)
    : m_settings(std::move(settings)), m_pool(pool), m_hasher(hasher), m_keys(keys), m_mailer(std::move(mailer)) {}

std::string AuthService::link(const std::string& base, const std::string& path, const std::string& token) const {
    std::string root = base;
    while (!root.empty() && root.back() == '/') root.pop_back();
    return root + path + "?token=" + token;
}

Result<std::string> AuthService::access_token_for(const std::string& user_id, const std::string& session_id,
                                                  const std::vector<std::string>& amr, std::int64_t auth_time,
                                                  const std::optional<std::string>& organization_id) {
    tokens::AccessTokenRequest request;
    request.organization_id = organization_id;
    request.subject = user_id;
    request.session_id = session_id;
    request.client_id = k_first_party_client_id;
    request.scope = "openid profile email";
    request.audience = m_settings.audience;
    request.amr = amr;
    request.auth_time = auth_time;
    request.lifetime_seconds = static_cast<std::int64_t>(m_settings.access_token_minutes) * 60;
    auto keys = m_keys.snapshot();
    auto issued = tokens::issue_access_token(*keys, m_settings.issuer, request, unix_seconds_now());
    if (!issued) return issued.error();
    return issued->token;
}

TokenPair AuthService::start_session(db::Transaction& tx, const User& user, const std::vector<std::string>& amr,
                                     const RequestMeta& meta, const std::optional<std::string>& organization_id) {
    sessions::NewSession spec;
    spec.organization_id = organization_id;
    spec.user_id = user.id;
    spec.user_agent = meta.user_agent;
    spec.ip_address = meta.ip;
    spec.amr = amr;
    spec.lifetime_days = m_settings.refresh_token_days;
    const auto session = sessions::create(tx, spec, m_settings.max_sessions);
    const auto refresh = tokens::refresh::issue(tx, session.id, std::nullopt, m_settings.refresh_token_days);
    auto access = access_token_for(user.id, session.id, amr, unix_seconds_now(), organization_id);
    // No active key means the daemon has not finished starting; the transaction rolls back.
    if (!access) throw db::DatabaseUnavailable(access.error().message);
    return TokenPair{access.value(), refresh.token, static_cast<std::int64_t>(m_settings.access_token_minutes) * 60,
                     session.id};
}

bool AuthService::signups_enabled() const {
    return m_runtime ? m_runtime->snapshot()->signup_enabled : m_settings.enable_signups;
}

bool AuthService::magic_links_enabled() const {
    return m_runtime ? m_runtime->snapshot()->magic_links_enabled : m_settings.enable_magic_links;
}

PasswordPolicy AuthService::password_policy() const {
    PasswordPolicy policy = m_settings.password_policy;
    if (m_runtime) policy.min_length = m_runtime->snapshot()->password_min_length;
    return policy;
}

Result<AuthResult> AuthService::signup(const SignupRequest& request, const RequestMeta& meta) {
    if (!signups_enabled()) return make_error(ErrorCode::authorization, "sign-ups are disabled");
    const auto email = normalize_email(request.email);
    if (!email) return validation_error("email", "must be a valid email address");
    if (request.username && !is_valid_username(*request.username))
        return validation_error("username", "must be 1-64 letters, digits, '.', '_' or '-'");
    for (const auto* name : {&request.first_name, &request.last_name})
        if (*name && name->value().size() > 255) return validation_error("name", "must be at most 255 characters");
    if (auto policy = check_password(password_policy(), request.password); !policy) return policy.error();

    auto hash = m_hasher.hash(request.password);
    if (!hash) return hash.error();

    return m_pool.transact([&](db::Transaction& tx) -> Result<AuthResult> {
        users::NewUser spec;
        spec.email = *email;
        spec.username = request.username;
        spec.first_name = request.first_name;
        spec.last_name = request.last_name;
        spec.password_hash = hash.value();
        auto user = users::insert(tx, spec);
        if (!user) return user.error();
        audit::record(tx, event("user.signup", meta, user->id));
        const auto token = user_tokens::issue(tx, user->id, "email_verification", m_settings.email_token_minutes);
        m_mailer(tx, {OutgoingMail::Kind::verification, user->email, link(m_settings.frontend_url, "/verify-email", token)});
        AuthResult result{user.value(), std::nullopt, false, std::nullopt};
        if (m_settings.require_email_verification) {
            result.verification_required = true;
            return result;
        }
        result.tokens = start_session(tx, *user, {"pwd"}, meta);
        return result;
    });
}

Result<User> AuthService::check_credentials(const std::string& login, const std::string& password,
                                            const RequestMeta& meta, std::optional<std::string>& rehashed) {
    if (login.empty() || password.empty()) return validation_error("credentials", "email (or username) and password are required");
    if (login.size() > 320 || password.size() > 1024) return invalid_credentials();

    const auto user = m_pool.transact([&](db::Transaction& tx) { return users::find_by_login(tx, login); });
    if (!user || user->status == "DELETED" || !user->password_hash) {
        m_hasher.verify_dummy(password);  // the same time as a real verification
        m_pool.transact([&](db::Transaction& tx) {
            auto e = event("user.signin", meta, std::nullopt, "failure");
            e.details = {{"reason", "unknown_account"}};
            audit::record(tx, e);
        });
        return invalid_credentials();
    }
    if (const auto until = parse_rfc3339(user->locked_until); until && *until > unix_seconds_now()) {
        m_pool.transact([&](db::Transaction& tx) {
            auto e = event("user.signin", meta, user->id, "failure");
            e.details = {{"reason", "account_locked"}};
            audit::record(tx, e);
        });
        Error locked = make_error(ErrorCode::account_locked, "too many failed sign-ins; the account is locked for a while");
        locked.retry_after_seconds = static_cast<int>(*until - unix_seconds_now());
        return locked;
    }
    // Verify outside any transaction: bcrypt takes a quarter second, a pooled connection should not wait on it.
    auto matches = m_hasher.verify(password, *user->password_hash, user->password_algorithm);
    if (!matches) return matches.error();

    if (!matches.value()) {
        const int failures = m_pool.transact([&](db::Transaction& tx) {
            const int count = users::record_failed_login(tx, user->id, m_settings.lockout_threshold, m_settings.lockout_minutes);
            auto e = event("user.signin", meta, user->id, "failure");
            e.details = {{"reason", "wrong_password"}, {"failures", count}};
            audit::record(tx, e);
            if (count == m_settings.lockout_threshold) audit::record(tx, event("user.locked", meta, user->id));
            return count;
        });
        if (failures >= m_settings.lockout_threshold) {
            Error locked = make_error(ErrorCode::account_locked, "too many failed sign-ins; the account is locked for a while");
            locked.retry_after_seconds = m_settings.lockout_minutes * 60;
            return locked;
        }
        return invalid_credentials();
    }
    if (auto refused = refuse_status(*user, m_settings.require_email_verification)) {
        m_pool.transact([&](db::Transaction& tx) {
            auto e = event("user.signin", meta, user->id, "failure");
            e.details = {{"reason", "account_status"}, {"status", user->status}, {"email_verified", user->email_verified}};
            audit::record(tx, e);
        });
        return *refused;
    }

    if (m_hasher.needs_rehash(*user->password_hash, user->password_algorithm)) {
        if (auto fresh = m_hasher.hash(password)) rehashed = fresh.value();
    }
    return *user;
}

Result<AuthResult> AuthService::signin(const std::string& login, const std::string& password, const RequestMeta& meta) {
    std::optional<std::string> rehashed;
    auto user = check_credentials(login, password, meta, rehashed);
    if (!user) return user.error();
    return m_pool.transact([&](db::Transaction& tx) -> Result<AuthResult> {
        if (rehashed) users::set_password(tx, user->id, *rehashed, "bcrypt");
        // A refusal below is returned from this transaction on purpose: the device, its confirmation
        // link, the mail and the audit entry commit although the sign-in fails.
        std::optional<devices::Decision> device;
        if (m_devices) device = m_devices->assess(tx, *user, meta, meta.device_token, user->mfa_enabled);
        if (device && device->confirm_by_email) return m_devices->refuse(tx, *user, *device, meta);
        if (device) m_devices->accept(tx, *user, *device, meta);
        if (user->mfa_enabled) {
            AuthResult pending{*user, std::nullopt, false, std::nullopt};
            pending.mfa_token = mfa_challenges::issue(tx, user->id, {"pwd"}, "api", meta.ip, meta.user_agent);
            auto e = event("user.signin_mfa_required", meta, user->id);
            e.details = {{"first_factor", "pwd"}};
            if (device) e.details["risk"] = device->audit("mfa");
            audit::record(tx, e);
            if (device) pending.device_token = device->device_token;
            return pending;
        }
        AuthResult result{*user,
                          complete_signin(tx, *user, {"pwd"}, meta, "password", std::nullopt,
                                          device ? device->audit("allow") : nlohmann::json(nullptr)),
                          false, std::nullopt};
        if (device) result.device_token = device->device_token;
        return result;
    });
}

TokenPair AuthService::complete_signin(db::Transaction& tx, const User& user, const std::vector<std::string>& amr,
                                       const RequestMeta& meta, const std::string& via,
                                       const std::optional<std::string>& organization_id, const nlohmann::json& risk) {
    users::record_successful_login(tx, user.id);
    auto e = event("user.signin", meta, user.id);
    e.organization_id = organization_id;
    e.details = {{"via", via}, {"amr", amr}};
    if (!risk.is_null()) e.details["risk"] = risk;
    audit::record(tx, e);
    return start_session(tx, user, amr, meta, organization_id);
}

BrowserSignin AuthService::complete_browser_signin(db::Transaction& tx, const User& user,
                                                   const std::vector<std::string>& amr, const RequestMeta& meta,
                                                   const std::string& via,
                                                   const std::optional<std::string>& organization_id,
                                                   const nlohmann::json& risk) {
    users::record_successful_login(tx, user.id);
    auto e = event("user.signin", meta, user.id);
    e.organization_id = organization_id;
    e.details = {{"via", "hosted_login"}, {"method", via}, {"amr", amr}};
    if (!risk.is_null()) e.details["risk"] = risk;
    audit::record(tx, e);
    sessions::NewSession spec;
    spec.organization_id = organization_id;
    spec.user_id = user.id;
    spec.user_agent = meta.user_agent;
    spec.ip_address = meta.ip;
    spec.amr = amr;
    spec.lifetime_days = m_settings.refresh_token_days;
    const auto session = sessions::create(tx, spec, m_settings.max_sessions);
    return BrowserSignin{user, session.id, sessions::attach_browser_token(tx, session.id), std::nullopt};
}

Result<BrowserSignin> AuthService::signin_browser(const std::string& login, const std::string& password,
                                                  const RequestMeta& meta) {
    std::optional<std::string> rehashed;
    auto user = check_credentials(login, password, meta, rehashed);
    if (!user) return user.error();
    return m_pool.transact([&](db::Transaction& tx) -> Result<BrowserSignin> {
        if (rehashed) users::set_password(tx, user->id, *rehashed, "bcrypt");
        // As in signin(): a refusal commits its device, link, mail and audit entry.
        std::optional<devices::Decision> device;
        if (m_devices) device = m_devices->assess(tx, *user, meta, meta.device_token, user->mfa_enabled);
        if (device && device->confirm_by_email) return m_devices->refuse(tx, *user, *device, meta);
        if (device) m_devices->accept(tx, *user, *device, meta);
        if (user->mfa_enabled) {
            BrowserSignin pending{*user, "", "", std::nullopt};
            pending.mfa_token = mfa_challenges::issue(tx, user->id, {"pwd"}, "browser", meta.ip, meta.user_agent);
            auto e = event("user.signin_mfa_required", meta, user->id);
            e.details = {{"first_factor", "pwd"}, {"via", "hosted_login"}};
            if (device) e.details["risk"] = device->audit("mfa");
            audit::record(tx, e);
            if (device) pending.device_token = device->device_token;
            return pending;
        }
        auto signed_in = complete_browser_signin(tx, *user, {"pwd"}, meta, "password", std::nullopt,
                                                 device ? device->audit("allow") : nlohmann::json(nullptr));
        if (device) signed_in.device_token = device->device_token;
        return signed_in;
    });
}

Result<TokenPair> AuthService::refresh(const std::string& refresh_token, const RequestMeta& meta) {
    using Outcome = std::variant<TokenPair, Error>;
    auto outcome = m_pool.transact([&](db::Transaction& tx) -> Outcome {
        // Tokens issued to OAuth clients are refreshed at /oauth/token, with client authentication.
        if (auto owner = tokens::refresh::owner_of(tx, refresh_token); owner && !owner->client_id.empty())
            return make_error(ErrorCode::token, "invalid or expired refresh token");
        auto rotation = tokens::refresh::rotate(tx, refresh_token, m_settings.refresh_token_days);
        if (rotation.outcome == tokens::refresh::Outcome::reused) {
            auto e = event("session.refresh_token_reused", meta, std::nullopt, "failure");
            e.target_type = "session";
            e.target_id = rotation.session_id;
            audit::record(tx, e);
            // Committed on purpose: the revocation must stick although the request fails.
            return make_error(ErrorCode::token, "refresh token was already used; the session has been revoked");
        }
        if (rotation.outcome != tokens::refresh::Outcome::rotated)
            return make_error(ErrorCode::token, "invalid or expired refresh token");
        const auto session = sessions::find(tx, rotation.session_id);
        auto refreshed = event("session.refreshed", meta, rotation.user_id);
        refreshed.target_type = "session";
        refreshed.target_id = rotation.session_id;
        audit::record(tx, refreshed);
        const auto auth_time = parse_rfc3339(session->auth_time).value_or(0);
        auto access = access_token_for(rotation.user_id, rotation.session_id, session->amr, auth_time,
                                       session->organization_id);
        if (!access) throw db::DatabaseUnavailable(access.error().message);
        return TokenPair{access.value(), rotation.next.token,
                         static_cast<std::int64_t>(m_settings.access_token_minutes) * 60, rotation.session_id};
    });
    if (auto* error = std::get_if<Error>(&outcome)) return *error;
    return std::get<TokenPair>(outcome);
}

Status AuthService::signout(const std::optional<Principal>& caller, const std::string& refresh_token,
                            const RequestMeta& meta) {
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        std::string session_id = caller ? caller->session_id : "";
        if (!refresh_token.empty()) {
            auto owner = tokens::refresh::session_of(tx, refresh_token);
            // Signing out with a token that is not yours (or unknown) changes nothing and says so.
            if (!owner) return make_error(ErrorCode::token, "invalid refresh token");
            session_id = *owner;
        }
        if (session_id.empty()) return make_error(ErrorCode::token, "sign in first, or send the refresh_token");
        const auto session = sessions::find(tx, session_id);
        if (!session || (caller && session->user_id != caller->user_id))
            return make_error(ErrorCode::token, "invalid refresh token");
        sessions::revoke(tx, session_id, session->user_id, "signout");
        tokens::refresh::revoke_session_tokens(tx, session_id);
        auto e = event("user.signout", meta, session->user_id);
        e.target_type = "session";
        e.target_id = session_id;
        audit::record(tx, e);
        return Ok{};
    });
}

Result<Principal> AuthService::authenticate(const std::string& bearer_token) {
    if (auto kid = tokens::peek_kid(bearer_token)) m_keys.reload_if_unknown(*kid);
    auto keys = m_keys.snapshot();
    tokens::VerifyOptions options{m_settings.issuer, m_settings.audience, unix_seconds_now(), 30};
    auto verified = tokens::verify_access_token(bearer_token, *keys, options);
    if (!verified) return verified.error();
    if (!is_uuid(verified->subject) || !is_uuid(verified->session_id))
        return make_error(ErrorCode::token, "access token is not bound to a session");
    const auto is_admin = m_pool.read([&](db::Transaction& tx) {
        return sessions::active_owner_is_admin(tx, verified->session_id, verified->subject);
    });
    if (!is_admin) return make_error(ErrorCode::token, "the session of this access token has ended");
    Principal principal;
    principal.user_id = verified->subject;
    principal.session_id = verified->session_id;
    principal.client_id = verified->client_id;
    principal.scope = verified->scope;
    principal.organization_id = verified->organization_id;
    principal.is_platform_admin = *is_admin;
    principal.amr = verified->amr;
    return principal;
}

Result<TokenPair> AuthService::switch_organization(const Principal& caller,
                                                  const std::optional<std::string>& organization_id,
                                                  const RequestMeta& meta) {
    static constexpr db::Statement k_set_org{
        "sessions_set_organization",
        "UPDATE sessions SET organization_id = $3::uuid WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"};
    if (caller.session_id.empty()) return make_error(ErrorCode::authorization, "switching organizations needs a signed-in session");
    using Outcome = std::variant<TokenPair, Error>;
    auto outcome = m_pool.transact([&](db::Transaction& tx) -> Outcome {
        if (tx.exec(k_set_org, caller.session_id, caller.user_id, organization_id).affected_rows() == 0)
            return make_error(ErrorCode::token, "the session of this access token has ended");
        const auto session = sessions::find(tx, caller.session_id);
        const auto auth_time = parse_rfc3339(session->auth_time).value_or(0);
        auto access = access_token_for(caller.user_id, caller.session_id, session->amr, auth_time, organization_id);
        if (!access) throw db::DatabaseUnavailable(access.error().message);
        auto e = event("session.organization_switched", meta, caller.user_id);
        e.organization_id = organization_id;
        e.target_type = "session";
        e.target_id = caller.session_id;
        audit::record(tx, e);
        return TokenPair{access.value(), "", static_cast<std::int64_t>(m_settings.access_token_minutes) * 60,
                         caller.session_id};
    });
    if (auto* error = std::get_if<Error>(&outcome)) return *error;
    return std::get<TokenPair>(outcome);
}

std::vector<sessions::Session> AuthService::list_sessions(const std::string& user_id) {
    return m_pool.transact([&](db::Transaction& tx) { return sessions::list_active(tx, user_id); });
}

Status AuthService::revoke_session(const Principal& caller, const std::string& session_id, const RequestMeta& meta) {
    if (!is_uuid(session_id)) return make_error(ErrorCode::not_found, "session not found");
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        if (!sessions::revoke(tx, session_id, caller.user_id, "revoked_by_user"))
            return make_error(ErrorCode::not_found, "session not found");
        tokens::refresh::revoke_session_tokens(tx, session_id);
        auto e = event("session.revoked", meta, caller.user_id);
        e.target_type = "session";
        e.target_id = session_id;
        audit::record(tx, e);
        return Ok{};
    });
}

int AuthService::revoke_other_sessions(const Principal& caller, const RequestMeta& meta) {
    return m_pool.transact([&](db::Transaction& tx) {
        const int count = sessions::revoke_all(tx, caller.user_id, caller.session_id, "revoked_by_user");
        auto e = event("session.revoked_others", meta, caller.user_id);
        e.details = {{"count", count}};
        audit::record(tx, e);
        return count;
    });
}

}  // namespace janua::identity
