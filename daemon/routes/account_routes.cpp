// The account console (/account): server-rendered pages over the identity, MFA, passkey,
// federation and OAuth services, for the user of the hosted-login browser session (the
// janua_session cookie). Forms post back here with the CSRF token and end in a redirect to
// /account (post/redirect/get) or, on an error, the page again with the error in its section.
#include "core/common/url.hpp"
#include "core/identity/email_change.hpp"
#include "daemon/pages/account_pages.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

using Form = std::map<std::string, std::string>;

std::string field(const Form& form, const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
}

identity::Principal principal_of(const oidc::BrowserLogin& browser) {
    identity::Principal p;
    p.user_id = browser.user.id;
    p.session_id = browser.session.id;
    p.client_id = identity::k_first_party_client_id;
    p.is_platform_admin = browser.user.is_platform_admin;
    p.amr = browser.session.amr;
    return p;
}

Response to_login() { return pages::redirect("/login?return_to=%2Faccount"); }

Response done(const std::string& key, const std::string& section) {
    return pages::redirect("/account?done=" + key + "#" + section);
}

class Console {
public:
    explicit Console(DaemonContext& context)
        : m_context(context),
          m_secret(context.config.secret_key),
          m_secure(context.config.base_url.rfind("https://", 0) == 0) {}

    std::optional<oidc::BrowserLogin> signed_in(const Request& r) const {
        return m_context.provider->browser_login(cookie(r, pages::k_session_cookie));
    }

    pages::AccountView view_of(const oidc::BrowserLogin& browser) const {
        pages::AccountView view;
        const auto& user_id = browser.user.id;
        // The stored user, not the session's copy, so a change just made shows.
        auto user = m_context.auth->profile(user_id);
        view.user = user ? user.value() : browser.user;
        view.current_session_id = browser.session.id;
        view.sessions = m_context.auth->list_sessions(user_id);
        if (auto status = m_context.mfa->status(user_id)) view.mfa = status.value();
        view.passkeys = m_context.webauthn->list(user_id);
        if (m_context.devices) {
            view.devices_enabled = true;
            view.devices = m_context.devices->list(user_id);
        }
        view.linked = m_context.upstream_login->linked(user_id);
        view.consents = m_context.provider->consents_of(user_id);
        return view;
    }

    Response page(const Request& r, const oidc::BrowserLogin& browser, int status, const std::string& notice,
                  const std::string& error = "", const std::string& section = "") const {
        auto view = view_of(browser);
        view.notice = notice;
        view.error = error;
        view.error_section = section;
        return pages::account_page(status, csrf(r), look(r, view.user.locale), view, m_secure);
    }

    // An error of a service, in the reader's language (core/i18n: by its code).
    Response failed(const Request& r, const oidc::BrowserLogin& browser, const Error& error, const std::string& section) const {
        return page(r, browser, http_status(error.code), "", look(r, browser.user.locale).t.error(error), section);
    }
    // An error the console itself finds, by its catalog key.
    Response refused(const Request& r, const oidc::BrowserLogin& browser, int status, const char* key,
                     const std::string& section = "") const {
        return page(r, browser, status, "", look(r, browser.user.locale).t(key), section);
    }

    pages::Look look(const Request& r, const std::optional<std::string>& profile_locale = std::nullopt) const {
        return page_look(m_context, r, "", profile_locale);
    }

    pages::Csrf csrf(const Request& r) const { return pages::csrf_for(r, m_secret); }
    bool csrf_ok(const Request& r, const std::string& value) const { return pages::csrf_ok(r, value, m_secret); }
    bool secure() const { return m_secure; }
    DaemonContext& context() const { return m_context; }

private:
    DaemonContext& m_context;
    std::string m_secret;
    bool m_secure;
};

using FormAction = std::function<Response(Request&, const oidc::BrowserLogin&, const Form&)>;

// A console form: signed in (else to the sign-in page and back), a well-formed body, the CSRF
// token; then `action`. A refused form changes nothing.
void add_form(Router& router, const std::shared_ptr<Console>& console, const std::string& path, FormAction action) {
    router.add("POST", path, Access::public_route, [console, action](Request& r) {
        const auto browser = console->signed_in(r);
        if (!browser) return to_login();
        auto form = parse_form(r.body);
        if (!form) return console->refused(r, *browser, 400, "account.form_malformed");
        if (!console->csrf_ok(r, field(*form, "csrf_token"))) return console->refused(r, *browser, 403, "account.form_expired");
        return action(r, *browser, *form);
    });
}

// The passkey script's JSON calls: the same session and CSRF token (as X-CSRF-Token).
using JsonAction = std::function<Response(Request&, const oidc::BrowserLogin&)>;
void add_json(Router& router, const std::shared_ptr<Console>& console, const std::string& path, JsonAction action) {
    router.add("POST", path, Access::public_route, [console, action](Request& r) {
        const auto browser = console->signed_in(r);
        if (!browser)
            return error_response(make_error(ErrorCode::authentication, "sign in again at /login"), r.request_id);
        if (!console->csrf_ok(r, r.header("X-CSRF-Token")))
            return error_response(make_error(ErrorCode::authorization, "the page expired; reload it and try again"), r.request_id);
        return action(r, *browser);
    });
}

std::optional<std::string> optional_field(const Form& form, const char* name) {
    const std::string value = field(form, name);
    if (value.empty()) return std::nullopt;
    return value;
}

void register_profile_and_password(Router& router, const std::shared_ptr<Console>& console) {
    auto& auth = *console->context().auth;
    add_form(router, console, "/account/profile", [console, &auth](Request& r, const oidc::BrowserLogin& b, const Form& f) {
        nlohmann::json patch = nlohmann::json::object();
        // An emptied field clears the value; the username and names keep their validation in core.
        for (const char* name : {"first_name", "last_name", "display_name", "username", "phone", "locale", "timezone"}) {
            if (!f.count(name)) continue;
            const auto value = optional_field(f, name);
            patch[name] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
        }
        auto updated = auth.update_profile(b.user.id, patch);
        if (!updated) return console->failed(r, b, updated.error(), "profile");
        return done("profile", "profile");
    });
    add_form(router, console, "/account/password", [console, &auth](Request& r, const oidc::BrowserLogin& b, const Form& f) {
        if (field(f, "new_password") != field(f, "confirm_password"))
            return console->refused(r, b, 422, "account.passwords_differ", "password");
        auto changed = auth.change_password(principal_of(b), field(f, "current_password"), field(f, "new_password"), meta_of(r));
        if (!changed) return console->failed(r, b, changed.error(), "password");
        return done("password", "password");
    });
    router.rate_limit("POST", "/account/password");
}

void register_totp(Router& router, const std::shared_ptr<Console>& console) {
    auto& mfa = *console->context().mfa;
    add_form(router, console, "/account/totp/start", [console, &mfa](Request& r, const oidc::BrowserLogin& b, const Form&) {
        auto enrollment = mfa.enable(b.user.id, meta_of(r));
        if (!enrollment) return console->failed(r, b, enrollment.error(), "totp");
        return pages::totp_setup_page(console->csrf(r), console->look(r, b.user.locale), enrollment->secret,
                                      enrollment->otpauth_uri, "", console->secure());
    });
    add_form(router, console, "/account/totp/confirm", [console, &mfa](Request& r, const oidc::BrowserLogin& b, const Form& f) {
        auto codes = mfa.verify_setup(b.user.id, field(f, "code"), meta_of(r));
        if (!codes) return console->failed(r, b, codes.error(), "totp");
        return pages::backup_codes_page(console->look(r, b.user.locale), codes.value());
    });
    add_form(router, console, "/account/totp/backup-codes", [console, &mfa](Request& r, const oidc::BrowserLogin& b, const Form& f) {
        auto codes = mfa.regenerate_backup_codes(b.user.id, field(f, "code"), meta_of(r));
        if (!codes) return console->failed(r, b, codes.error(), "totp");
        return pages::backup_codes_page(console->look(r, b.user.locale), codes.value());
    });
    add_form(router, console, "/account/totp/disable", [console, &mfa](Request& r, const oidc::BrowserLogin& b, const Form& f) {
        auto off = mfa.disable(b.user.id, field(f, "disable_password"), field(f, "code"), meta_of(r));
        if (!off) return console->failed(r, b, off.error(), "totp");
        return done("totp_off", "totp");
    });
    for (const char* path : {"/account/totp/confirm", "/account/totp/backup-codes", "/account/totp/disable"})
        router.rate_limit("POST", path);
}

void register_passkeys(Router& router, const std::shared_ptr<Console>& console) {
    auto& passkeys = *console->context().webauthn;
    add_json(router, console, "/account/passkeys/begin", [&passkeys](Request& r, const oidc::BrowserLogin& b) {
        auto options = passkeys.begin_registration(b.user.id, "none");
        if (!options) return error_response(options.error(), r.request_id);
        return Response::json(200, options.value());
    });
    add_json(router, console, "/account/passkeys/complete", [&passkeys](Request& r, const oidc::BrowserLogin& b) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        const auto& json = body.value();
        if (!json.contains("credential") || !json["credential"].is_object())
            return error_response(make_error(ErrorCode::validation, "credential must be the PublicKeyCredential's JSON"),
                                  r.request_id);
        auto name = string_member(json, "name");
        if (!name) return error_response(name.error(), r.request_id);
        auto created = passkeys.complete_registration(b.user.id, json["credential"],
                                                     name->empty() ? std::string("Passkey") : name.value(), meta_of(r));
        if (!created) return error_response(created.error(), r.request_id);
        return Response::json(201, {{"id", created->id}, {"name", created->name}});
    });
    add_form(router, console, "/account/passkeys/{id}/rename",
             [console, &passkeys](Request& r, const oidc::BrowserLogin& b, const Form& f) {
                 auto renamed = passkeys.rename(b.user.id, r.param("id"), field(f, "name"), meta_of(r));
                 if (!renamed) return console->failed(r, b, renamed.error(), "passkeys");
                 return done("passkey_renamed", "passkeys");
             });
    add_form(router, console, "/account/passkeys/{id}/delete",
             [console, &passkeys](Request& r, const oidc::BrowserLogin& b, const Form&) {
                 auto removed = passkeys.remove(b.user.id, r.param("id"), meta_of(r));
                 if (!removed) return console->failed(r, b, removed.error(), "passkeys");
                 return done("passkey_removed", "passkeys");
             });
}

void register_sessions_and_grants(Router& router, const std::shared_ptr<Console>& console) {
    auto& context = console->context();
    auto& auth = *context.auth;
    add_form(router, console, "/account/sessions/{id}/revoke", [console, &auth](Request& r, const oidc::BrowserLogin& b, const Form&) {
        // This browser's own session ends with "Sign out", not here: revoking it would strand the page.
        if (r.param("id") == b.session.id)
            return console->refused(r, b, 422, "account.use_sign_out", "sessions");
        auto revoked = auth.revoke_session(principal_of(b), r.param("id"), meta_of(r));
        if (!revoked) return console->failed(r, b, revoked.error(), "sessions");
        return done("session", "sessions");
    });
    add_form(router, console, "/account/sessions/revoke-others", [&auth](Request& r, const oidc::BrowserLogin& b, const Form&) {
        auth.revoke_other_sessions(principal_of(b), meta_of(r));
        return done("sessions", "sessions");
    });
    if (context.devices) {
        auto& devices = *context.devices;
        add_form(router, console, "/account/devices/{id}/trust", [console, &devices](Request& r, const oidc::BrowserLogin& b, const Form&) {
            auto trusted = devices.trust(principal_of(b), r.param("id"), meta_of(r));
            if (!trusted) return console->failed(r, b, trusted.error(), "devices");
            return done("device_trusted", "devices");
        });
        add_form(router, console, "/account/devices/{id}/remove", [console, &devices](Request& r, const oidc::BrowserLogin& b, const Form&) {
            auto removed = devices.remove(principal_of(b), r.param("id"), meta_of(r));
            if (!removed) return console->failed(r, b, removed.error(), "devices");
            return done("device_removed", "devices");
        });
    }
    auto& login = *context.upstream_login;
    add_form(router, console, "/account/linked/{provider}/unlink",
             [console, &login](Request& r, const oidc::BrowserLogin& b, const Form&) {
                 auto unlinked = login.unlink(b.user.id, r.param("provider"), meta_of(r));
                 if (!unlinked) return console->failed(r, b, unlinked.error(), "linked");
                 return done("unlinked", "linked");
             });
    auto& provider = *context.provider;
    add_form(router, console, "/account/applications/{client_id}/revoke",
             [console, &provider](Request& r, const oidc::BrowserLogin& b, const Form&) {
                 auto revoked = provider.revoke_consent(b.user.id, r.param("client_id"), meta_of(r));
                 if (!revoked) return console->failed(r, b, revoked.error(), "applications");
                 return done("revoked", "applications");
             });
}

// Email change: asked for from the console (or the API) with the password; the link mailed to the
// new address lands on a confirmation page that works without being signed in.
void register_email_change(Router& router, const std::shared_ptr<Console>& console) {
    auto& context = console->context();
    auto service = std::make_shared<identity::EmailChangeService>(*context.pool, *context.hasher, context.config);
    add_form(router, console, "/account/email", [console, service](Request& r, const oidc::BrowserLogin& b, const Form& f) {
        auto sent = service->request(b.user.id, field(f, "new_email"), field(f, "email_password"), meta_of(r));
        if (!sent) return console->failed(r, b, sent.error(), "email");
        return done("email_sent", "profile");
    });
    router.add("GET", "/account/email/confirm", Access::public_route, [console](Request& r) {
        const std::string token = r.query_param("token").value_or("");
        const auto look = console->look(r);
        if (token.empty() || token.size() > 256) return pages::error_page(400, look, look.t("page.link_incomplete"));
        return pages::email_confirm_page(console->csrf(r), look, token, console->secure());
    });
    router.add("POST", "/account/email/confirm", Access::public_route, [console, service](Request& r) {
        const auto look = console->look(r);
        auto form = parse_form(r.body);
        if (!form) return pages::error_page(400, look, look.t("page.form_malformed"));
        const std::string token = field(*form, "token");
        if (!console->csrf_ok(r, field(*form, "csrf_token")))
            return pages::email_confirm_page(console->csrf(r), look, token, console->secure());
        auto changed = service->confirm(token, meta_of(r));
        if (!changed) return pages::error_page(http_status(changed.error().code), look, look.t.error(changed.error()));
        return pages::message_page(look, look.t("email.changed_title"), look.t("email.changed", {{"email", changed.value()}}));
    });
    router.add("POST", "/api/v1/auth/email/change", Access::user, [service](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto new_email = string_member(*body, "new_email");
        auto password = string_member(*body, "password");
        if (!new_email) return error_response(new_email.error(), r.request_id);
        if (!password) return error_response(password.error(), r.request_id);
        auto sent = service->request(r.principal->user_id, new_email.value(), password.value(), meta_of(r));
        if (!sent) return error_response(sent.error(), r.request_id);
        return Response::json(202, {{"status", "confirmation_sent"}});
    });
    router.add("POST", "/api/v1/auth/email/change/confirm", Access::public_route, [service](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto token = string_member(*body, "token");
        if (!token) return error_response(token.error(), r.request_id);
        auto changed = service->confirm(token.value(), meta_of(r));
        if (!changed) return error_response(changed.error(), r.request_id);
        return Response::json(200, {{"email", changed.value()}, {"email_verified", true}});
    });
    for (const char* path : {"/account/email", "/account/email/confirm", "/api/v1/auth/email/change",
                             "/api/v1/auth/email/change/confirm"})
        router.rate_limit("POST", path);
}

}  // namespace

void register_account_routes(Router& router, DaemonContext& context) {
    auto console = std::make_shared<Console>(context);
    router.add("GET", "/account", Access::public_route, [console](Request& r) {
        const auto browser = console->signed_in(r);
        if (!browser) return to_login();
        const auto look = console->look(r, browser->user.locale);
        return console->page(r, *browser, 200, pages::account_notice(look, r.query_param("done").value_or("")));
    });
    register_profile_and_password(router, console);
    register_totp(router, console);
    register_passkeys(router, console);
    register_sessions_and_grants(router, console);
    register_email_change(router, console);
}

}  // namespace janua::daemon
