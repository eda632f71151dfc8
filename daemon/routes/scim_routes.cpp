// /scim/v2: SCIM 2.0 provisioning for one organization per bearer token (core/scim). These
// routes are public to the pipeline (a SCIM token is neither a JWT nor an API key) and check
// the token here, so a SCIM token works nowhere else and answers come in SCIM's own error
// schema (RFC 7644 §3.12). The token routes under /api/v1/organizations live in
// scim_token_routes.cpp.
#include "core/scim/bulk.hpp"
#include "core/scim/discovery.hpp"
#include "core/scim/groups.hpp"
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
    nlohmann::json body = scim::scim_error_body(error);
    const int status = scim::scim_status(error);
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

// If-Match / If-None-Match of a write.
scim::Precondition conditions(const Request& r) { return scim::Precondition{r.header("If-Match"), r.header("If-None-Match")}; }

Response resource_response(const Result<scim::Resource>& res, const Request& r, int status) {
    if (!res) return scim_error_response(res.error());
    // A GET naming the current version in If-None-Match: 304 and no body (RFC 7644 §3.14).
    if (r.method == "GET" && !r.header("If-None-Match").empty() && scim::etag_matches(r.header("If-None-Match"), res->etag)) {
        Response unchanged = Response::no_content();
        unchanged.status = 304;
        unchanged.set_header("ETag", res->etag);
        return unchanged;
    }
    auto projected = scim::project(res->body, r.query_param("attributes"), r.query_param("excludedAttributes"));
    if (!projected) return scim_error_response(projected.error());
    Response out = scim_json(status, *projected);
    out.set_header("ETag", res->etag);
    if (status == 201) out.set_header("Location", res->body["meta"]["location"].get<std::string>());
    return out;
}

// What a list asks for: from GET's query string or a POST .search body (RFC 7644 §3.4.3).
struct Search {
    scim::ListQuery query;
    std::optional<std::string> attributes;
    std::optional<std::string> excluded;
};

Result<Search> search_from_query(const Request& r) {
    Search s;
    s.query.filter = r.query_param("filter");
    s.query.sort_by = r.query_param("sortBy");
    if (auto order = r.query_param("sortOrder")) {
        if (*order != "ascending" && *order != "descending")
            return scim::scim_error(400, "invalidValue", "sortOrder must be ascending or descending");
        s.query.descending = *order == "descending";
    }
    auto start = number_param(r, "startIndex");
    if (!start) return start.error();
    auto count = number_param(r, "count");
    if (!count) return count.error();
    if (*start) s.query.start_index = **start;
    if (*count) s.query.count = **count;
    s.attributes = r.query_param("attributes");
    s.excluded = r.query_param("excludedAttributes");
    return s;
}

Result<Search> search_from_body(const Request& r) {
    auto body = scim_body(r);
    if (!body) return body.error();
    const std::string schema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    if (!body->contains("schemas") || !(*body)["schemas"].is_array() ||
        std::find((*body)["schemas"].begin(), (*body)["schemas"].end(), schema) == (*body)["schemas"].end())
        return scim::scim_error(400, "invalidSyntax", "schemas must list " + schema);
    Search s;
    auto text = [&](const char* key, std::optional<std::string>& into) -> std::optional<Error> {
        if (!body->contains(key) || (*body)[key].is_null()) return std::nullopt;
        if (!(*body)[key].is_string()) return scim::scim_error(400, "invalidValue", std::string(key) + " must be a string");
        into = (*body)[key].get<std::string>();
        return std::nullopt;
    };
    auto list = [&](const char* key, std::optional<std::string>& into) -> std::optional<Error> {
        if (!body->contains(key) || (*body)[key].is_null()) return std::nullopt;
        const auto& v = (*body)[key];
        if (!v.is_array()) return scim::scim_error(400, "invalidValue", std::string(key) + " must be an array of attribute names");
        std::string joined;
        for (const auto& item : v) {
            if (!item.is_string()) return scim::scim_error(400, "invalidValue", std::string(key) + " must be an array of attribute names");
            joined += (joined.empty() ? "" : ",") + item.get<std::string>();
        }
        into = joined;
        return std::nullopt;
    };
    auto number = [&](const char* key, long long& into) -> std::optional<Error> {
        if (!body->contains(key) || (*body)[key].is_null()) return std::nullopt;
        if (!(*body)[key].is_number_integer()) return scim::scim_error(400, "invalidValue", std::string(key) + " must be a whole number");
        into = (*body)[key].get<long long>();
        return std::nullopt;
    };
    std::optional<std::string> order;
    for (auto e : {text("filter", s.query.filter), text("sortBy", s.query.sort_by), text("sortOrder", order),
                   list("attributes", s.attributes), list("excludedAttributes", s.excluded),
                   number("startIndex", s.query.start_index), number("count", s.query.count)})
        if (e) return *e;
    if (order) {
        if (*order != "ascending" && *order != "descending")
            return scim::scim_error(400, "invalidValue", "sortOrder must be ascending or descending");
        s.query.descending = *order == "descending";
    }
    return s;
}

Response list_response(const Result<scim::ListPage>& page, const Search& search) {
    if (!page) return scim_error_response(page.error());
    nlohmann::json resources = nlohmann::json::array();
    for (const auto& res : page->resources) {
        auto projected = scim::project(res.body, search.attributes, search.excluded);
        if (!projected) return scim_error_response(projected.error());
        resources.push_back(*projected);
    }
    return scim_json(200, {{"schemas", {scim::k_list_schema}},
                           {"totalResults", page->total},
                           {"startIndex", page->start_index},
                           {"itemsPerPage", resources.size()},
                           {"Resources", resources}});
}

// POST /.search at the root: Users, then Groups, paged as one list. A filter naming an
// attribute only one type has matches nothing of the other type.
Result<scim::ListPage> search_all(scim::UserService& users, scim::GroupService& groups, const scim::TokenPrincipal& who,
                                  const Search& search) {
    scim::ListQuery q = search.query;
    const long long start = std::max<long long>(1, q.start_index);
    const long long count = std::clamp<long long>(q.count, 0, scim::k_max_page);
    q.start_index = start;
    q.count = count;
    auto user_page = users.list(who, q);
    scim::ListQuery gq = q;
    auto probe = user_page ? static_cast<long long>(user_page->total) : 0;
    gq.start_index = std::max<long long>(1, start - probe);
    gq.count = std::max<long long>(0, count - (user_page ? static_cast<long long>(user_page->resources.size()) : 0));
    if (user_page && start <= probe && static_cast<long long>(user_page->resources.size()) < count) gq.start_index = 1;
    auto group_page = groups.list(who, gq, scim::wants_members(search.attributes, search.excluded));
    if (!user_page && !group_page) return user_page.error();
    scim::ListPage out;
    out.start_index = start;
    if (user_page) {
        out.total += user_page->total;
        out.resources = user_page->resources;
    }
    if (group_page) {
        out.total += group_page->total;
        for (auto& r : group_page->resources) out.resources.push_back(std::move(r));
    }
    return out;
}

}  // namespace

void register_scim_routes(Router& router, DaemonContext& context) {
    register_scim_token_routes(router, context);
    auto& users = *context.scim_users;
    auto& groups = *context.scim_groups;
    const std::string base_url = context.config.base_url;
    const long long max_payload = context.config.max_request_body_bytes;
    const std::string base = "/scim/v2";

    router.add("GET", base + "/ServiceProviderConfig", Access::public_route,
               scim_route(context, [base_url, max_payload](Request&, const scim::TokenPrincipal&) {
                   return scim_json(200, scim::service_provider_config(base_url, max_payload));
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
                   auto search = search_from_query(r);
                   if (!search) return scim_error_response(search.error());
                   return list_response(users.list(who, search->query), *search);
               }));
    router.add("POST", base + "/Users/.search", Access::public_route,
               scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   auto search = search_from_body(r);
                   if (!search) return scim_error_response(search.error());
                   return list_response(users.list(who, search->query), *search);
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
                   return resource_response(users.replace(who, r.param("id"), *body, conditions(r)), r, 200);
               }));
    router.add("PATCH", base + "/Users/{id}", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   return resource_response(users.patch(who, r.param("id"), *body, conditions(r)), r, 200);
               }));
    router.add("DELETE", base + "/Users/{id}", Access::public_route, scim_route(context, [&users](Request& r, const scim::TokenPrincipal& who) {
                   auto done = users.remove(who, r.param("id"), conditions(r));
                   if (!done) return scim_error_response(done.error());
                   return Response::no_content();
               }));

    // Groups: the organization's roles (core/scim/groups.hpp).
    auto with_members = [](const Request& r) { return scim::wants_members(r.query_param("attributes"), r.query_param("excludedAttributes")); };
    router.add("GET", base + "/Groups", Access::public_route,
               scim_route(context, [&groups, with_members](Request& r, const scim::TokenPrincipal& who) {
                   auto search = search_from_query(r);
                   if (!search) return scim_error_response(search.error());
                   return list_response(groups.list(who, search->query, with_members(r)), *search);
               }));
    router.add("POST", base + "/Groups/.search", Access::public_route,
               scim_route(context, [&groups](Request& r, const scim::TokenPrincipal& who) {
                   auto search = search_from_body(r);
                   if (!search) return scim_error_response(search.error());
                   return list_response(groups.list(who, search->query, scim::wants_members(search->attributes, search->excluded)),
                                        *search);
               }));
    router.add("POST", base + "/Groups", Access::public_route, scim_route(context, [&groups](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   return resource_response(groups.create(who, *body), r, 201);
               }));
    router.add("GET", base + "/Groups/{id}", Access::public_route,
               scim_route(context, [&groups, with_members](Request& r, const scim::TokenPrincipal& who) {
                   return resource_response(groups.get(who, r.param("id"), with_members(r)), r, 200);
               }));
    router.add("PUT", base + "/Groups/{id}", Access::public_route, scim_route(context, [&groups](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   return resource_response(groups.replace(who, r.param("id"), *body, conditions(r)), r, 200);
               }));
    router.add("PATCH", base + "/Groups/{id}", Access::public_route,
               scim_route(context, [&groups](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   return resource_response(groups.patch(who, r.param("id"), *body, conditions(r)), r, 200);
               }));
    router.add("DELETE", base + "/Groups/{id}", Access::public_route,
               scim_route(context, [&groups](Request& r, const scim::TokenPrincipal& who) {
                   auto done = groups.remove(who, r.param("id"), conditions(r));
                   if (!done) return scim_error_response(done.error());
                   return Response::no_content();
               }));

    router.add("POST", base + "/Bulk", Access::public_route,
               scim_route(context, [&users, &groups](Request& r, const scim::TokenPrincipal& who) {
                   auto body = scim_body(r);
                   if (!body) return scim_error_response(body.error());
                   auto result = scim::run_bulk(users, groups, who, *body);
                   if (!result) return scim_error_response(result.error());
                   return scim_json(200, *result);
               }));
    router.add("POST", base + "/.search", Access::public_route,
               scim_route(context, [&users, &groups](Request& r, const scim::TokenPrincipal& who) {
                   auto search = search_from_body(r);
                   if (!search) return scim_error_response(search.error());
                   return list_response(search_all(users, groups, who, *search), *search);
               }));
}

}  // namespace janua::daemon
