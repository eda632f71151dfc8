// /api/v1/compliance: consents, privacy settings and data-subject requests of the signed-in
// person; export and erasure; retention policies (platform admins); and the streamed export of
// an organization's members (/api/v1/organizations/{org_id}/compliance/export).
//
// Who may see a person's data: that person and platform admins. Anyone else asking about a
// user id gets the same 404 as for an id that does not exist, so accounts cannot be probed.
// API keys reach these routes only as platform-admin keys (automation, the CLI's remote mode).
#include "core/compliance/service.hpp"
#include "daemon/routes/org_support.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

using compliance::ComplianceService;

identity::Actor actor_of(const Request& r) {
    identity::Actor a;
    if (r.principal && r.principal->api_key_id) {
        a.type = "api_key";
        a.id = *r.principal->api_key_id;
    } else if (r.principal) {
        a.type = "user";
        a.id = r.principal->user_id;
    }
    a.ip = r.remote_addr;
    a.request_id = r.request_id;
    return a;
}

bool is_admin(const Request& r) { return r.principal && r.principal->is_platform_admin; }

// A user-bound API key (scoped to organizations) does not speak for its creator's privacy data.
std::optional<Response> refuse_user_keys(const Request& r) {
    if (r.principal && r.principal->api_key_id && !r.principal->is_platform_admin)
        return error_response(make_error(ErrorCode::authorization,
                                         "API keys cannot call this route; use the person's own access token"),
                              r.request_id);
    return std::nullopt;
}

std::optional<Response> refuse_without_user(const Request& r) {
    if (auto refused = refuse_user_keys(r)) return refused;
    if (!r.principal || r.principal->user_id.empty())
        return error_response(make_error(ErrorCode::authorization, "this route acts for a signed-in person; "
                                                                   "use a user's access token"),
                              r.request_id);
    return std::nullopt;
}

Response listed(const nlohmann::json& items, const std::optional<std::string>& next = std::nullopt) {
    return Response::json(200, {{"data", items}, {"next_cursor", next ? nlohmann::json(*next) : nlohmann::json(nullptr)}});
}

template <class T>
Response listed(const Result<std::vector<T>>& items, const Request& r) {
    if (!items) return error_response(items.error(), r.request_id);
    nlohmann::json data = nlohmann::json::array();
    for (const auto& item : *items) data.push_back(compliance::to_json(item));
    return listed(data);
}

Result<std::string> format_of(const Request& r) {
    const std::string format = r.query_param("format").value_or("json");
    if (format != "json" && format != "csv") return member_error("format", "must be json or csv");
    return format;
}

void consent_routes(Router& router, ComplianceService& svc) {
    router.add("GET", "/api/v1/compliance/consents", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_without_user(r)) return *refused;
        return listed(svc.consents(r.principal->user_id), r);
    });
    router.add("POST", "/api/v1/compliance/consents", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_without_user(r)) return *refused;
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto purpose = required_string(*body, "purpose");
        if (!purpose) return error_response(purpose.error(), r.request_id);
        auto version = required_string(*body, "version");
        if (!version) return error_response(version.error(), r.request_id);
        auto source = optional_string(*body, "source");
        if (!source) return error_response(source.error(), r.request_id);
        compliance::ConsentInput in{*purpose, *version, source->value_or("api")};
        return render(svc.give_consent(r.principal->user_id, in, actor_of(r), r.header("User-Agent").substr(0, 512)), r);
    });
    router.add("POST", "/api/v1/compliance/consents/{purpose}/withdraw", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_without_user(r)) return *refused;
        std::string source = "api";
        if (!r.body.empty()) {
            auto body = parse_json_object(r);
            if (!body) return error_response(body.error(), r.request_id);
            auto given = optional_string(*body, "source");
            if (!given) return error_response(given.error(), r.request_id);
            source = given->value_or("api");
        }
        return render(svc.withdraw_consent(r.principal->user_id, r.param("purpose"), source, actor_of(r)), r);
    });
    router.add("GET", "/api/v1/compliance/privacy-settings", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_without_user(r)) return *refused;
        return render(svc.privacy_settings(r.principal->user_id), r);
    });
    router.add("PATCH", "/api/v1/compliance/privacy-settings", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_without_user(r)) return *refused;
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return render(svc.update_privacy_settings(r.principal->user_id, *body, actor_of(r)), r);
    });
}

Result<compliance::SubjectRequestUpdate> update_of(const nlohmann::json& body) {
    compliance::SubjectRequestUpdate u;
    for (const auto& [key, value] : body.items()) {
        if (key != "status" && key != "assignee" && key != "resolution" && key != "deadline_at")
            return member_error(key, "is not a field of a data-subject request (status, assignee, resolution, deadline_at)");
        if (!value.is_string() && !(key == "assignee" && value.is_null())) return member_error(key, "must be a string");
    }
    auto text = [&](const char* key) -> std::optional<std::string> {
        if (!body.contains(key)) return std::nullopt;
        return body[key].is_null() ? std::string() : body[key].get<std::string>();
    };
    u.status = text("status");
    u.assignee = text("assignee");
    u.resolution = text("resolution");
    u.deadline_at = text("deadline_at");
    return u;
}

void request_routes(Router& router, ComplianceService& svc) {
    const std::string base = "/api/v1/compliance/requests";
    router.add("POST", base, Access::user, [&svc](Request& r) {
        if (auto refused = refuse_user_keys(r)) return *refused;
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        compliance::NewSubjectRequest in;
        auto type = required_string(*body, "type");
        if (!type) return error_response(type.error(), r.request_id);
        in.type = *type;
        auto regulation = optional_string(*body, "regulation");
        auto details = optional_string(*body, "details");
        auto user = optional_string(*body, "user_id");
        for (const auto* field : {&regulation, &details, &user})
            if (!*field) return error_response(field->error(), r.request_id);
        in.regulation = *regulation;
        in.details = *details;
        // A person files for themselves; operators may file on someone's behalf (a request by mail).
        if (*user && !is_admin(r)) return error_response(member_error("user_id", "may only be given by a platform administrator"), r.request_id);
        in.user = user->value_or(r.principal->user_id);
        if (in.user.empty()) return error_response(member_error("user_id", "is required with a platform-admin API key"), r.request_id);
        return render(svc.create_request(in, actor_of(r)), r, 201);
    });
    router.add("GET", base, Access::user, [&svc](Request& r) {
        if (auto refused = refuse_user_keys(r)) return *refused;
        compliance::SubjectRequestFilter f;
        if (auto e = parse_limit(r, f.limit)) return error_response(*e, r.request_id);
        f.cursor = r.query_param("cursor");
        f.status = r.query_param("status");
        f.type = r.query_param("type");
        const auto overdue = r.query_param("overdue");
        if (overdue && *overdue != "true" && *overdue != "false")
            return error_response(member_error("overdue", "must be true or false"), r.request_id);
        f.overdue_only = overdue && *overdue == "true";
        // Everyone but a platform admin sees only their own requests.
        f.user_id = is_admin(r) ? r.query_param("user_id") : std::optional<std::string>(r.principal->user_id);
        auto page = svc.list_requests(f);
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& q : page->data) data.push_back(compliance::to_json(q));
        return listed(data, page->next_cursor);
    });
    router.add("GET", base + "/{id}", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_user_keys(r)) return *refused;
        auto found = svc.get_request(r.param("id"));
        if (found && !is_admin(r) && found->user_id != r.principal->user_id)
            return error_response(make_error(ErrorCode::not_found, "data-subject request not found"), r.request_id);
        return render(found, r);
    });
    router.add("PATCH", base + "/{id}", Access::platform_admin, [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto update = update_of(*body);
        if (!update) return error_response(update.error(), r.request_id);
        return render(svc.update_request(r.param("id"), *update, actor_of(r)), r);
    });
    router.add("POST", base + "/{id}/cancel", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_without_user(r)) return *refused;
        return render(svc.cancel_request(r.param("id"), r.principal->user_id, actor_of(r)), r);
    });
}

void export_routes(Router& router, ComplianceService& svc) {
    router.add("GET", "/api/v1/compliance/export/{user_id}", Access::user, [&svc](Request& r) {
        if (auto refused = refuse_user_keys(r)) return *refused;
        auto format = format_of(r);
        if (!format) return error_response(format.error(), r.request_id);
        const std::string& key = r.param("user_id");
        // Not yourself and not an admin: the answer of an unknown id, whether the id exists or not.
        if (!is_admin(r) && key != r.principal->user_id)
            return error_response(make_error(ErrorCode::not_found, "cannot find user '" + key.substr(0, 320) + "'"),
                                  r.request_id);
        auto doc = svc.export_user(key, actor_of(r));
        if (!doc) return error_response(doc.error(), r.request_id);
        Response out;
        if (*format == "csv") {
            out.body = ComplianceService::export_csv(*doc);
            out.content_type = "text/csv; charset=utf-8";
        } else {
            out = Response::json(200, *doc);
        }
        out.set_header("Content-Disposition", "attachment; filename=\"janua-export-" +
                                                  (*doc)["user_id"].get<std::string>() + "." + *format + "\"");
        return out;
    });
    router.add("POST", "/api/v1/compliance/erase/{user_id}", Access::platform_admin, [&svc](Request& r) {
        return render(svc.erase_user(r.param("user_id"), actor_of(r)), r);
    });
    org_route(router, "GET", "/api/v1/organizations/{org_id}/compliance/export", "compliance:export",
              [&svc](Request& r) {
                  auto format = format_of(r);
                  if (!format) return error_response(format.error(), r.request_id);
                  auto org_id = svc.check_org_export(r.param("org_id"), actor_of(r));
                  if (!org_id) return error_response(org_id.error(), r.request_id);
                  Response out;
                  const bool csv = *format == "csv";
                  out.content_type = csv ? "text/csv; charset=utf-8" : "application/json";
                  out.set_header("Content-Disposition",
                                 "attachment; filename=\"janua-org-export-" + *org_id + "." + *format + "\"");
                  out.stream = [&svc, id = *org_id, csv](const std::function<bool(const std::string&)>& write) {
                      return static_cast<bool>(svc.stream_org_export(
                          id, csv ? compliance::ExportFormat::csv : compliance::ExportFormat::json, write));
                  };
                  return out;
              });
}

void retention_routes(Router& router, ComplianceService& svc) {
    router.add("GET", "/api/v1/compliance/retention-policies", Access::platform_admin,
               [&svc](Request& r) { return listed(svc.retention_policies(), r); });
    router.add("PUT", "/api/v1/compliance/retention-policies/{category}", Access::platform_admin, [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        if (!body->contains("retention_days") || !(*body)["retention_days"].is_number_integer())
            return error_response(member_error("retention_days", "is required (a whole number of days)"), r.request_id);
        if (body->contains("enabled") && !(*body)["enabled"].is_boolean())
            return error_response(member_error("enabled", "must be true or false"), r.request_id);
        const auto days = (*body)["retention_days"].get<long long>();
        const int bounded = days < 0 || days > 100000 ? 0 : static_cast<int>(days);
        return render(svc.set_retention_policy(r.param("category"), bounded, body->value("enabled", true), actor_of(r)), r);
    });
    router.add("DELETE", "/api/v1/compliance/retention-policies/{category}", Access::platform_admin, [&svc](Request& r) {
        return no_content_or_error(svc.delete_retention_policy(r.param("category"), actor_of(r)), r);
    });
    router.add("POST", "/api/v1/compliance/retention/run", Access::platform_admin,
               [&svc](Request& r) { return render(svc.run_retention(actor_of(r)), r); });
}

// An organization's own retention, set by its admins (compliance:retention) within the platform's.
void org_retention_routes(Router& router, ComplianceService& svc) {
    const std::string base = "/api/v1/organizations/{org_id}/compliance/retention-policies";
    org_route(router, "GET", base, "compliance:retention",
              [&svc](Request& r) { return listed(svc.org_retention_policies(r.param("org_id")), r); });
    org_route(router, "PUT", base + "/{category}", "compliance:retention", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        if (!body->contains("retention_days") || !(*body)["retention_days"].is_number_integer())
            return error_response(member_error("retention_days", "is required (a whole number of days)"), r.request_id);
        const auto days = (*body)["retention_days"].get<long long>();
        const int bounded = days < 0 || days > 100000 ? 0 : static_cast<int>(days);
        return render(svc.set_org_retention_policy(r.param("org_id"), r.param("category"), bounded, actor_of(r)), r);
    });
    org_route(router, "DELETE", base + "/{category}", "compliance:retention", [&svc](Request& r) {
        return no_content_or_error(svc.delete_org_retention_policy(r.param("org_id"), r.param("category"), actor_of(r)), r);
    });
}

}  // namespace

void register_compliance_routes(Router& router, DaemonContext& context) {
    auto& svc = *context.compliance;
    router.add("GET", "/api/v1/compliance/status", Access::user,
               [&svc](Request&) { return Response::json(200, svc.status()); });
    consent_routes(router, svc);
    request_routes(router, svc);
    export_routes(router, svc);
    retention_routes(router, svc);
    org_retention_routes(router, svc);
}

}  // namespace janua::daemon
