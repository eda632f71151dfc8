// The hosted sign-in page's extra steps: POST /login/mfa (the TOTP or backup code of a user with
// MFA) and POST /login/passkey (a WebAuthn assertion), so OAuth/OIDC clients get MFA and passkeys
// without doing anything; ID tokens carry the session's amr.
#include "core/common/url.hpp"
#include "daemon/pages/hosted_pages.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {

void register_login_mfa_routes(Router& router, DaemonContext& context) {
    auto& mfa = *context.mfa;
    const std::string secret = context.config.secret_key;
    const bool secure = context.config.base_url.rfind("https://", 0) == 0;
    const int session_seconds = context.config.jwt_refresh_token_expire_days * 86400;

    router.add("POST", "/login/mfa", Access::public_route, [&mfa, &context, secret, secure, session_seconds](Request& r) {
        auto form = parse_form(r.body);
        if (!form) return malformed_form_page(context, r);
        auto field = [&](const char* name) {
            auto it = form->find(name);
            return it == form->end() ? std::string() : it->second;
        };
        const std::string return_to = field("return_to");
        const auto look = page_look(context, r, return_to);
        if (!return_to.empty() && !pages::is_safe_return_to(return_to))
            return pages::error_page(400, look, look.t("page.return_to_invalid"));
        const auto csrf = pages::csrf_for(r, secret);
        if (!pages::csrf_ok(r, field("csrf_token"), secret))
            return pages::login_page(csrf, look, "", return_to, "", look.t("login.session_expired"), secure);
        auto signed_in = mfa.verify_browser(field("mfa_token"), field("code"), meta_of(r));
        if (!signed_in) {
            const auto& error = signed_in.error();
            // The challenge is gone (expired, spent, burnt by wrong codes) or the account locked:
            // start over at the password step.
            if (error.code == ErrorCode::token || error.code == ErrorCode::account_locked) {
                Response page = pages::login_page(csrf, look, "", return_to, "", look.t.error(error), secure);
                page.status = http_status(error.code);
                return page;
            }
            Response page = pages::mfa_page(csrf, look, return_to, field("mfa_token"), look.t.error(error), secure);
            page.status = http_status(error.code);
            return page;
        }
        Response next = return_to.empty() ? signed_in_page(look)
                                          : pages::redirect(return_to);
        next.headers.emplace_back("Set-Cookie", pages::session_cookie(signed_in->cookie_token, session_seconds, secure));
        return next;
    });
    router.rate_limit("POST", "/login/mfa");

    // The hosted page's "Sign in with a passkey": the browser posts the assertion as a form field.
    auto& passkeys = *context.webauthn;
    router.add("POST", "/login/passkey", Access::public_route, [&passkeys, &context, secret, secure, session_seconds](Request& r) {
        auto form = parse_form(r.body);
        if (!form) return malformed_form_page(context, r);
        auto field = [&](const char* name) {
            auto it = form->find(name);
            return it == form->end() ? std::string() : it->second;
        };
        const std::string return_to = field("return_to");
        const auto look = page_look(context, r, return_to);
        if (!return_to.empty() && !pages::is_safe_return_to(return_to))
            return pages::error_page(400, look, look.t("page.return_to_invalid"));
        const auto csrf = pages::csrf_for(r, secret);
        if (!pages::csrf_ok(r, field("csrf_token"), secret))
            return pages::login_page(csrf, look, "", return_to, "", look.t("login.session_expired"), secure);
        auto credential = nlohmann::json::parse(field("credential"), nullptr, false);
        if (credential.is_discarded() || !credential.is_object()) {
            Response page = pages::login_page(csrf, look, "", return_to, "", look.t("login.passkey_incomplete"), secure);
            page.status = 400;
            return page;
        }
        auto signed_in = passkeys.complete_browser_authentication(credential, meta_of(r));
        if (!signed_in) {
            Response page = pages::login_page(csrf, look, "", return_to, "", look.t.error(signed_in.error()), secure);
            page.status = http_status(signed_in.error().code);
            return page;
        }
        Response next = return_to.empty() ? signed_in_page(look)
                                          : pages::redirect(return_to);
        next.headers.emplace_back("Set-Cookie", pages::session_cookie(signed_in->cookie_token, session_seconds, secure));
        return next;
    });
    router.rate_limit("POST", "/login/passkey");
}

}  // namespace janua::daemon
