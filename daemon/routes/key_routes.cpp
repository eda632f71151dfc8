// JWKS and signing-key administration: thin handlers over tokens::KeyManager.
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

nlohmann::json key_json(const tokens::SigningKeyInfo& k) {
    auto t = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
    return {{"kid", k.kid},         {"algorithm", k.algorithm},           {"state", k.state},
            {"created_at", t(k.created_at)}, {"activated_at", t(k.activated_at)}, {"retire_after", t(k.retire_after)},
            {"retired_at", t(k.retired_at)}};
}

tokens::KeyChangeActor key_actor(const Request& r) {
    if (r.principal && r.principal->api_key_id) return {"api_key", r.principal->api_key_id, r.remote_addr, r.request_id};
    return {"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt, r.remote_addr,
            r.request_id};
}

}  // namespace

nlohmann::json signing_keys_json(const std::vector<tokens::SigningKeyInfo>& keys) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& k : keys) data.push_back(key_json(k));
    return data;
}

void register_key_routes(Router& router, DaemonContext& context) {
    auto& keys = *context.keys;
    router.add("GET", "/.well-known/jwks.json", Access::public_route, [&keys](Request&) {
        Response r;
        r.body = keys.snapshot()->jwks_body;
        r.content_type = "application/jwk-set+json";
        // Short: relying parties must see a rotation's next key well before it signs.
        r.set_header("Cache-Control", "public, max-age=300");
        return r;
    });
    router.add("GET", "/api/v1/admin/signing-keys", Access::platform_admin, [&keys](Request& r) {
        auto list = keys.list();
        if (!list) return error_response(list.error(), r.request_id);
        return Response::json(200, {{"data", signing_keys_json(*list)}, {"next_cursor", nullptr}});
    });
    router.add("POST", "/api/v1/admin/signing-keys/rotate", Access::platform_admin, [&keys](Request& r) {
        auto report = keys.rotate(key_actor(r));
        if (!report) return error_response(report.error(), r.request_id);
        return Response::json(200, {{"active_kid", report->activated_kid},
                                    {"retiring_kid", report->retiring_kid.empty() ? nlohmann::json(nullptr)
                                                                                   : nlohmann::json(report->retiring_kid)},
                                    {"next_kid", report->next_kid}});
    });
    router.add("POST", "/api/v1/admin/signing-keys/{kid}/retire", Access::platform_admin, [&keys](Request& r) {
        auto status = keys.retire(r.param("kid"), key_actor(r));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::json(200, {{"kid", r.param("kid")}, {"state", "retired"}});
    });
}

}  // namespace janua::daemon
