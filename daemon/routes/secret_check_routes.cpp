// Whether a declared secret is the current one, for `janua apply` in remote mode (docs/api.md
// "Secrets in apply files"): POST /api/v1/oauth/clients/{client_id}/secret/check (platform
// admins) and POST /api/v1/organizations/{org_id}/identity-providers/{provider_id}/client-secret/check
// (sso:write). The answer is {"matches": bool}; nothing is read back, compared in constant time,
// rate-limited per IP. Whoever may call these may also replace the secret.
#include "core/crypto/hash.hpp"
#include "core/federation/provider_service.hpp"
#include "core/oidc/client_service.hpp"
#include "daemon/routes/org_support.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

Result<std::string> presented_secret(const Request& r) {
    auto body = parse_json_object(r);
    if (!body) return body.error();
    if (!body->contains("client_secret") || !(*body)["client_secret"].is_string() ||
        (*body)["client_secret"].get<std::string>().empty()) {
        Error e = make_error(ErrorCode::validation, "client_secret is required (the secret to compare, a string)");
        e.details = nlohmann::json::array({{{"field", "client_secret"}, {"rule", "required"}, {"message", "is required"}}});
        return e;
    }
    return (*body)["client_secret"].get<std::string>();
}

Response answer(const Result<bool>& matches, const Request& r) {
    if (!matches) return error_response(matches.error(), r.request_id);
    Response response = Response::json(200, {{"matches", *matches}});
    response.set_header("Cache-Control", "no-store");
    return response;
}

}  // namespace

void register_secret_check_routes(Router& router, DaemonContext& context) {
    auto& clients = *context.clients;
    Route client_check{"POST", "/api/v1/oauth/clients/{client_id}/secret/check", Access::platform_admin,
                       [&clients](Request& r) {
                           auto secret = presented_secret(r);
                           if (!secret) return error_response(secret.error(), r.request_id);
                           return answer(clients.is_current_secret(r.param("client_id"), *secret), r);
                       },
                       RateLimit::per_ip, ""};
    router.add(std::move(client_check));

    auto& providers = *context.identity_providers;
    Route provider_check{"POST", "/api/v1/organizations/{org_id}/identity-providers/{provider_id}/client-secret/check",
                         Access::organization,
                         [&providers](Request& r) -> Response {
                             auto secret = presented_secret(r);
                             if (!secret) return error_response(secret.error(), r.request_id);
                             auto provider = providers.get(r.param("org_id"), r.param("provider_id"));
                             if (!provider) return error_response(provider.error(), r.request_id);
                             auto current = providers.client_secret(*provider);
                             if (!current) return error_response(current.error(), r.request_id);
                             return answer(!current->empty() && crypto::constant_time_equals(*current, *secret), r);
                         },
                         RateLimit::per_ip, "sso:write"};
    router.add(std::move(provider_check));
}

}  // namespace janua::daemon
