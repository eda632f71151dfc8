// /api/v1/auth: thin handlers over identity::AuthService.
#include "core/identity/mfa_challenges.hpp"
#include "core/identity/user.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

using identity::AuthResult;
using identity::TokenPair;

nlohmann::json tokens_json(const TokenPair& tokens) {
    return {{"access_token", tokens.access_token},
            {"refresh_token", tokens.refresh_token},
            {"token_type", "Bearer"},
            {"expires_in", tokens.expires_in}};
}

Response auth_result(int status, const AuthResult& result) {
    // The profile waits for the second factor too.
    nlohmann::json body;
    if (result.mfa_token) {
        body = {{"mfa_required", true},
                {"mfa_token", *result.mfa_token},
                {"expires_in", identity::mfa_challenges::k_lifetime_minutes * 60}};
    } else {
        body = {{"user", identity::to_json(result.user)}};
        if (result.tokens) body.update(tokens_json(*result.tokens));
        if (result.verification_required) body["verification_required"] = true;
    }
    if (result.device_token) body["device_token"] = *result.device_token;  // core/devices: the client keeps it
    return Response::json(result.mfa_token ? 200 : status, body);
}

// Parse the body, pull the named string members, or answer the error.
template <class F>
Response with_strings(Request& request, std::initializer_list<const char*> names, F&& handle) {
    auto body = parse_json_object(request);
    if (!body) return error_response(body.error(), request.request_id);
    std::map<std::string, std::string> values;
    for (const char* name : names) {
        auto value = string_member(*body, name);
        if (!value) return error_response(value.error(), request.request_id);
        values[name] = value.value();
    }
    return handle(*body, values);
}

std::optional<std::string> optional_string(const std::map<std::string, std::string>& values, const char* name) {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

Response accepted() {
    return Response::json(202, {{"message", "if an account exists for this address, an email is on its way"}});
}

}  // namespace

void register_auth_routes(Router& router, DaemonContext& context) {
    auto& auth = *context.auth;
    const std::string base = "/api/v1/auth";

    router.add("POST", base + "/signup", Access::public_route, [&auth](Request& r) {
        return with_strings(r, {"email", "password", "first_name", "last_name", "username"}, [&](auto&, auto& v) {
            identity::SignupRequest request{v["email"], v["password"], optional_string(v, "first_name"),
                                            optional_string(v, "last_name"), optional_string(v, "username")};
            auto result = auth.signup(request, meta_of(r));
            if (!result) return error_response(result.error(), r.request_id);
            return auth_result(201, *result);
        });
    });

    router.add("POST", base + "/signin", Access::public_route, [&auth](Request& r) {
        return with_strings(r, {"email", "username", "password", "device_token"}, [&](auto&, auto& v) {
            const std::string login = v["email"].empty() ? v["username"] : v["email"];
            auto meta = meta_of(r);
            // The device this client signed in from before (core/devices): sent back, or its cookie.
            meta.device_token = v["device_token"].empty() ? cookie(r, devices::k_device_cookie) : v["device_token"];
            auto result = auth.signin(login, v["password"], meta);
            if (!result) return error_response(result.error(), r.request_id);
            return auth_result(200, *result);
        });
    });

    auto refresh = [&auth](Request& r) {
        return with_strings(r, {"refresh_token"}, [&](auto&, auto& v) {
            if (v["refresh_token"].empty())
                return error_response(make_error(ErrorCode::validation, "refresh_token is required"), r.request_id);
            auto tokens = auth.refresh(v["refresh_token"], meta_of(r));
            if (!tokens) return error_response(tokens.error(), r.request_id);
            return Response::json(200, tokens_json(*tokens));
        });
    };
    router.add("POST", base + "/refresh", Access::public_route, refresh);
    router.add("POST", base + "/token/refresh", Access::public_route, refresh);

    router.add("POST", base + "/signout", Access::optional_user, [&auth](Request& r) {
        std::string refresh_token;
        if (!r.body.empty()) {
            auto body = parse_json_object(r);
            if (!body) return error_response(body.error(), r.request_id);
            auto token = string_member(*body, "refresh_token");
            if (!token) return error_response(token.error(), r.request_id);
            refresh_token = token.value();
        }
        auto status = auth.signout(r.principal, refresh_token, meta_of(r));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::no_content();
    });

    router.add("GET", base + "/me", Access::user, [&auth](Request& r) {
        auto user = auth.profile(r.principal->user_id);
        if (!user) return error_response(user.error(), r.request_id);
        return Response::json(200, identity::to_json(*user));
    });

    router.add("PATCH", base + "/me", Access::user, [&auth](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto user = auth.update_profile(r.principal->user_id, *body);
        if (!user) return error_response(user.error(), r.request_id);
        return Response::json(200, identity::to_json(*user));
    });

    router.add("POST", base + "/change-password", Access::user, [&auth](Request& r) {
        return with_strings(r, {"current_password", "new_password"}, [&](auto&, auto& v) {
            auto status = auth.change_password(*r.principal, v["current_password"], v["new_password"], meta_of(r));
            if (!status) return error_response(status.error(), r.request_id);
            return Response::json(200, {{"message", "password changed; your other sessions were signed out"}});
        });
    });

    router.add("POST", base + "/password/forgot", Access::public_route, [&auth](Request& r) {
        return with_strings(r, {"email"}, [&](auto&, auto& v) {
            auth.forgot_password(v["email"], meta_of(r));
            return accepted();
        });
    });

    router.add("POST", base + "/password/reset", Access::public_route, [&auth](Request& r) {
        return with_strings(r, {"token", "new_password"}, [&](auto&, auto& v) {
            auto status = auth.reset_password(v["token"], v["new_password"], meta_of(r));
            if (!status) return error_response(status.error(), r.request_id);
            return Response::json(200, {{"message", "password reset; sign in with the new password"}});
        });
    });

    router.add("POST", base + "/email/verify", Access::public_route, [&auth](Request& r) {
        return with_strings(r, {"token"}, [&](auto&, auto& v) {
            auto status = auth.verify_email(v["token"], meta_of(r));
            if (!status) return error_response(status.error(), r.request_id);
            return Response::json(200, {{"message", "email address verified"}});
        });
    });

    router.add("POST", base + "/email/resend-verification", Access::optional_user, [&auth](Request& r) {
        std::string email;
        if (r.principal) {
            auto user = auth.profile(r.principal->user_id);
            if (user) email = user->email;
        } else {
            auto body = parse_json_object(r);
            if (!body) return error_response(body.error(), r.request_id);
            auto value = string_member(*body, "email");
            if (!value) return error_response(value.error(), r.request_id);
            email = value.value();
        }
        auth.resend_verification(email, meta_of(r));
        return accepted();
    });

    router.add("POST", base + "/magic-link", Access::public_route, [&auth](Request& r) {
        return with_strings(r, {"email"}, [&](auto&, auto& v) {
            auto status = auth.request_magic_link(v["email"], meta_of(r));
            if (!status) return error_response(status.error(), r.request_id);
            return accepted();
        });
    });

    router.add("GET", base + "/magic-link/verify", Access::public_route, [&auth](Request& r) {
        auto result = auth.verify_magic_link(r.query_param("token").value_or(""), meta_of(r));
        if (!result) return error_response(result.error(), r.request_id);
        return auth_result(200, *result);
    });
}

void register_session_routes(Router& router, DaemonContext& context) {
    auto& auth = *context.auth;
    router.add("GET", "/api/v1/sessions", Access::user, [&auth](Request& r) {
        nlohmann::json data = nlohmann::json::array();
        for (const auto& s : auth.list_sessions(r.principal->user_id))
            data.push_back(identity::sessions::to_json(s, r.principal->session_id));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    router.add("DELETE", "/api/v1/sessions/{id}", Access::user, [&auth](Request& r) {
        auto status = auth.revoke_session(*r.principal, r.param("id"), meta_of(r));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::no_content();
    });
    router.add("DELETE", "/api/v1/sessions", Access::user, [&auth](Request& r) {
        const int revoked = auth.revoke_other_sessions(*r.principal, meta_of(r));
        return Response::json(200, {{"revoked", revoked}});
    });

    // The applications (OAuth clients) the user consented to; revoking one also revokes the
    // refresh tokens it holds for the user. The account console shows the same list.
    auto& provider = *context.provider;
    router.add("GET", "/api/v1/auth/consents", Access::user, [&provider](Request& r) {
        nlohmann::json data = nlohmann::json::array();
        for (const auto& c : provider.consents_of(r.principal->user_id))
            data.push_back({{"client_id", c.client_id}, {"client_name", c.client_name}, {"scopes", c.scopes},
                            {"granted_at", c.granted_at}});
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    router.add("DELETE", "/api/v1/auth/consents/{client_id}", Access::user, [&provider](Request& r) {
        auto status = provider.revoke_consent(r.principal->user_id, r.param("client_id"), meta_of(r));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::no_content();
    });
}

}  // namespace janua::daemon
