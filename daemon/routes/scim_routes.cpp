// /scim/v2: SCIM 2.0 provisioning for one organization per bearer token (core/scim). These
// routes are public to the pipeline (a SCIM token is neither a JWT nor an API key) and check
// the token here, so a SCIM token works nowhere else and answers come in SCIM's own error
// schema (RFC 7644 §3.12). The token routes under /api/v1/organizations live in
// scim_token_routes.cpp.
#include "core/scim/discovery.hpp"
#include "core/scim/users.hpp"
#include "daemon/routes/org_support.hpp"

namespace janua::daemon {

void register_scim_token_routes(Router& router, DaemonContext& context);

namespace {

Response scim_json(int status, const nlohmann::json& body) {
    Response r = Response::json(status, body);
    r.content_type = "application/scim+json";
    return r;
}

Response scim_error_response(const Error& error) {
    int status = http_status(error.code);
    if (error.code == ErrorCode::validation) status = 400;  // SCIM reports bad input as 400
    nlohmann::json body = {{"schemas", {scim::k_error_schema}}, {"detail", error.message}};
    if (error.details.is_object()) {
        if (error.details.contains("status")) status = error.details["status"].get<int>();
        if (error.details.contains("scimType")) body["scimType"] = error.details["scimType"];
    }
    body["status"] = std::to_string(status);
    Response r = scim_json(status, body);
    if (status == 401) r.set_header("WWW-Authenticate", "Bearer realm=\"scim\"");
    return r;
}

// Parse a number query parameter; nullopt when absent.
Result<std::optional<long long>> number_param(const Request& r, const char* name) {
    auto text = r.query_param(name);
    if (!text) return std::optional<long long>{};
    try {
        std::size_t used = 0;
        const long long v = std::stoll(*text, &used);
        if (used == text->size()) return std::optional<long long>(v);
    } catch (const std::exception&) {
    }
    return scim::scim_error(400, "invalidValue", std::string(name) + " must be a whole number");
}

// Authenticate the SCIM token, then run `body` with its principal; any error in SCIM's schema.
template <class F>
Handler scim_route(DaemonContext& context, F body) {
    return [&context, body](Request& r) -> Response {
        auto token = bearer_token(r);
        if (!token) return scim_error_response(make_error(ErrorCode::token, "send Authorization: Bearer <SCIM token>"));
        auto who = context.scim_tokens->authenticate(*token);
        if (!who) return scim_error_response(who.error());
        who->ip = r.remote_addr;
        who->request_id = r.request_id;
        return body(r, *who);
    };
}

Result<nlohmann::json> scim_body(const Request& r) {
    auto body = parse_json_object(r);
    if (!body) return scim::scim_error(400, "invalidSyntax", body.error().message);
    return body;
}

Response resource_response(const Result<scim::Resource>& res, const Request& r, int status) {
    if (!res) return scim_error_response(res.error());
    auto projected = scim::project(res->body, r.query_param("attributes"), r.query_param("excludedAttributes"));
    if (!projected) return scim_error_response(projected.error());
    Response out = scim_json(status, *projected);
    out.set_header("ETag", res->etag);
    if (status == 201) out.set_header("Location", res->body["meta"]["location"].get<std::string>());
    return out;
}

}  // namespace

void register_scim_routes(Router& router, DaemonContext& context) {
    register_scim_token_routes(router, context);
    auto& users = *context.scim_users;
    const std::string base_url = context.config.base_url;
    const std::string base = "/scim/v2";

    router.add("GET", base + "/ServiceProviderConfig", Access::public_route,
               scim_route(context, [base_url](Request&, const scim::TokenPrincipal&) {
                   return scim_json(200, scim::service_provider_config(base_url));
               }));
    auto list_of = [](const nlohmann::json& items) {
        return nlohmann::json{{"schemas", {scim::k_list_schema}},
                              {"totalResults", items.size()},
                              {"startIndex", 1},
                              {"itemsPerPage", items.size()},
                              {"Resources", items}};
    };
    router.add("GET", base + "/Schemas", Access::public_route, scim_route(context, [base_url, list_of](Request&, const scim::TokenPrincipal&) {
                   return scim_json(200, list_of(scim::schemas(base_url)));
               }));
    router.add("GET", base + "/Schemas/{id}", Access::public_route,
               scim_route(context, [base_url](Request& r, const scim::TokenPrincipal&) {
                   for (const auto& s : scim::schemas(base_url))
                       if (s["id"] == r.param("id")) return scim_json(200, s);
                   return scim_error_response(scim::scim_error(404, "", "no such schema"));
               }));
    router.add("GET", base + "/ResourceTypes", Access::public_route,
               scim_route(context, [base_url, list_of](Request&, const scim::TokenPrincipal&) {
                   return scim_json(200, list_of(scim::resource_types(base_url)));
               }));
    router.add("GET", base + "/ResourceTypes/{id}", Access::public_route,
               scim_route(context, [base_url](Request& r, const scim::TokenPrincipal&) {
                   for (const auto& t : scim::resource_types(base_url))
                       if (t["id"] == r.param("id")) return scim_json(200, t);
                   return scim_error_response(scim::scim_error(404, "", "no such resource type"));
               }));

    router.add("GET", base + "/Users", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   scim::ListQuery q;
                   q.filter = r.query_param("filter");
                   q.sort_by = r.query_param("sortBy");
                   if (auto order = r.query_param("sortOrder")) {
                       if (*order != "ascending" && *order != "descending")
                           return scim_error_response(scim::scim_error(400, "invalidValue", "sortOrder must be ascending or descending"));
                       q.descending = *order == "descending";
                   }
                   auto start = number_param(r, "startIndex");
                   if (!start) return scim_error_response(start.error());
                   auto count = number_param(r, "count");
                   if (!count) return scim_error_response(count.error());
                   if (*start) q.start_index = **start;
                   if (*count) q.count = **count;
                   auto page = users.list(who, q);
                   if (!page) return scim_error_response(page.error());
                   nlohmann::json resources = nlohmann::json::array();
                   for (const auto& res : page->resources) {
                       auto projected = scim::project(res.body, r.query_param("attributes"), r.query_param("excludedAttributes"));
                       if (!projected) return scim_error_response(projected.error());
                       resources.push_back(*projected);
                   }
                   return scim_json(200, {{"schemas", {scim::k_list_schema}},
                                          {"totalResults", page->total},
                                          {"startIndex", page->start_index},
                                          {"itemsPerPage", resources.size()},
                                          {"Resources", resources}});
               }));
    router.add("POST", base + "/Users", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   return resource_response(users.create(who, *body), r, 201);
               }));
    router.add("GET", base + "/Users/{id}", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   return resource_response(users.get(who, r.param("id")), r, 200);
               }));
    router.add("PUT", base + "/Users/{id}", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   return resource_response(users.replace(who, r.param("id"), *body, r.header("If-Match")), r, 200);
               }));
    router.add("PATCH", base + "/Users/{id}", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   return resource_response(users.patch(who, r.param("id"), *body, r.header("If-Match")), r, 200);
               }));
    router.add("DELETE", base + "/Users/{id}", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   auto done = users.remove(who, r.param("id"), r.header("If-Match"));
                   if (!done) return scim_error_response(done.error());
                   return Response::no_content();
               }));
}

}  // namespace janua::daemon
