// /api/v1/passkeys: thin handlers over webauthn::WebAuthnService.
#include "core/webauthn/webauthn_service.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

Response tokens_response(const identity::AuthResult& result) {
    nlohmann::json body = {{"user", identity::to_json(result.user)}};
    if (result.tokens)
        body.update({{"access_token", result.tokens->access_token},
                     {"refresh_token", result.tokens->refresh_token},
                     {"token_type", "Bearer"},
                     {"expires_in", result.tokens->expires_in}});
    return Response::json(200, body);
}

// An optional JSON object body (begin calls may send none).
Result<nlohmann::json> optional_body(const Request& r) {
    if (r.body.empty()) return nlohmann::json::object();
    return parse_json_object(r);
}

}  // namespace

void register_passkey_routes(Router& router, DaemonContext& context) {
    auto& passkeys = *context.webauthn;
    const std::string base = "/api/v1/passkeys";

    router.add("POST", base + "/register/begin", Access::user, [&passkeys](Request& r) {
        auto body = optional_body(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto attestation = string_member(*body, "attestation");
        if (!attestation) return error_response(attestation.error(), r.request_id);
        auto options = passkeys.begin_registration(r.principal->user_id, attestation->empty() ? "none" : *attestation);
        if (!options) return error_response(options.error(), r.request_id);
        return Response::json(200, *options);
    });

    router.add("POST", base + "/register/complete", Access::user, [&passkeys](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto name = string_member(*body, "name");
        if (!name) return error_response(name.error(), r.request_id);
        if (!body->contains("credential"))
            return error_response(make_error(ErrorCode::validation, "credential is required"), r.request_id);
        auto stored = passkeys.complete_registration(r.principal->user_id, (*body)["credential"], *name, meta_of(r));
        if (!stored) return error_response(stored.error(), r.request_id);
        return Response::json(201, webauthn::to_json(*stored));
    });

    router.add("POST", base + "/authenticate/begin", Access::public_route, [&passkeys](Request& r) {
        auto body = optional_body(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto options = passkeys.begin_authentication();
        if (!options) return error_response(options.error(), r.request_id);
        return Response::json(200, *options);
    });

    router.add("POST", base + "/authenticate/complete", Access::public_route, [&passkeys](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        if (!body->contains("credential"))
            return error_response(make_error(ErrorCode::validation, "credential is required"), r.request_id);
        auto result = passkeys.complete_authentication((*body)["credential"], meta_of(r));
        if (!result) return error_response(result.error(), r.request_id);
        return tokens_response(*result);
    });

    router.add("GET", base, Access::user, [&passkeys](Request& r) {
        nlohmann::json data = nlohmann::json::array();
        for (const auto& c : passkeys.list(r.principal->user_id)) data.push_back(webauthn::to_json(c));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });

    router.add("PATCH", base + "/{id}", Access::user, [&passkeys](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto name = string_member(*body, "name");
        if (!name) return error_response(name.error(), r.request_id);
        auto renamed = passkeys.rename(r.principal->user_id, r.param("id"), *name, meta_of(r));
        if (!renamed) return error_response(renamed.error(), r.request_id);
        return Response::json(200, webauthn::to_json(*renamed));
    });

    router.add("DELETE", base + "/{id}", Access::user, [&passkeys](Request& r) {
        auto done = passkeys.remove(r.principal->user_id, r.param("id"), meta_of(r));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });

    for (const char* path : {"/api/v1/passkeys/authenticate/begin", "/api/v1/passkeys/authenticate/complete",
                             "/api/v1/passkeys/register/complete"})
        router.rate_limit("POST", path);
}

}  // namespace janua::daemon
