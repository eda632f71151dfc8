// /api/v1/mfa (TOTP and backup codes) and the operators' /api/v1/users/{id}/mfa: thin handlers
// over mfa::MfaService.
#include "core/mfa/mfa_service.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

identity::Actor actor_of(const Request& r) {
    return identity::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

// The body's named string members, or the error response.
Result<std::map<std::string, std::string>> strings_of(Request& r, std::initializer_list<const char*> names) {
    auto body = parse_json_object(r);
    if (!body) return body.error();
    std::map<std::string, std::string> values;
    for (const char* name : names) {
        auto value = string_member(*body, name);
        if (!value) return value.error();
        values[name] = value.value();
    }
    return values;
}

Response signed_in(const identity::AuthResult& result) {
    nlohmann::json body = {{"user", identity::to_json(result.user)}};
    if (result.tokens)
        body.update({{"access_token", result.tokens->access_token},
                     {"refresh_token", result.tokens->refresh_token},
                     {"token_type", "Bearer"},
                     {"expires_in", result.tokens->expires_in}});
    return Response::json(200, body);
}

}  // namespace

void register_mfa_routes(Router& router, DaemonContext& context) {
    auto& mfa = *context.mfa;
    const std::string base = "/api/v1/mfa";

    router.add("GET", base + "/status", Access::user, [&mfa](Request& r) {
        auto status = mfa.status(r.principal->user_id);
        if (!status) return error_response(status.error(), r.request_id);
        return Response::json(200, mfa::to_json(*status));
    });

    router.add("POST", base + "/enable", Access::user, [&mfa](Request& r) {
        auto enrollment = mfa.enable(r.principal->user_id, meta_of(r));
        if (!enrollment) return error_response(enrollment.error(), r.request_id);
        return Response::json(200, {{"secret", enrollment->secret},
                                    {"otpauth_uri", enrollment->otpauth_uri},
                                    {"next", "POST /api/v1/mfa/verify-setup with a code from the app"}});
    });

    router.add("POST", base + "/verify-setup", Access::user, [&mfa](Request& r) {
        auto v = strings_of(r, {"code"});
        if (!v) return error_response(v.error(), r.request_id);
        auto codes = mfa.verify_setup(r.principal->user_id, (*v)["code"], meta_of(r));
        if (!codes) return error_response(codes.error(), r.request_id);
        return Response::json(200, {{"enabled", true}, {"backup_codes", *codes}});
    });

    router.add("POST", base + "/verify", Access::public_route, [&mfa](Request& r) {
        auto v = strings_of(r, {"mfa_token", "code"});
        if (!v) return error_response(v.error(), r.request_id);
        auto result = mfa.verify((*v)["mfa_token"], (*v)["code"], mfa::CodeKind::any, meta_of(r));
        if (!result) return error_response(result.error(), r.request_id);
        return signed_in(*result);
    });

    router.add("POST", base + "/recover", Access::public_route, [&mfa](Request& r) {
        auto v = strings_of(r, {"mfa_token", "backup_code"});
        if (!v) return error_response(v.error(), r.request_id);
        auto result = mfa.verify((*v)["mfa_token"], (*v)["backup_code"], mfa::CodeKind::backup, meta_of(r));
        if (!result) return error_response(result.error(), r.request_id);
        return signed_in(*result);
    });

    router.add("POST", base + "/disable", Access::user, [&mfa](Request& r) {
        auto v = strings_of(r, {"password", "code"});
        if (!v) return error_response(v.error(), r.request_id);
        auto done = mfa.disable(r.principal->user_id, (*v)["password"], (*v)["code"], meta_of(r));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::json(200, {{"enabled", false}});
    });

    router.add("POST", base + "/backup-codes/regenerate", Access::user, [&mfa](Request& r) {
        auto v = strings_of(r, {"code"});
        if (!v) return error_response(v.error(), r.request_id);
        auto codes = mfa.regenerate_backup_codes(r.principal->user_id, (*v)["code"], meta_of(r));
        if (!codes) return error_response(codes.error(), r.request_id);
        return Response::json(200, {{"backup_codes", *codes}});
    });

    router.add("GET", "/api/v1/users/{id}/mfa", Access::platform_admin, [&mfa](Request& r) {
        auto status = mfa.status_of(r.param("id"));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::json(200, mfa::to_json(*status));
    });

    router.add("DELETE", "/api/v1/users/{id}/mfa", Access::platform_admin, [&mfa](Request& r) {
        auto status = mfa.reset(r.param("id"), actor_of(r));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::json(200, mfa::to_json(*status));
    });

    // Every step that checks a code counts against the per-IP budget.
    for (const char* path : {"/api/v1/mfa/verify", "/api/v1/mfa/recover", "/api/v1/mfa/verify-setup",
                             "/api/v1/mfa/disable", "/api/v1/mfa/backup-codes/regenerate"})
        router.rate_limit("POST", path);
}

}  // namespace janua::daemon
