// /api/v1/white-label (an organization's branding and custom domains) and /api/v1/localization
// (the shipped languages, their catalogs, an organization's own wording): thin handlers over
// branding::BrandingService and core/i18n.
#include "core/branding/branding.hpp"
#include "core/i18n/locale.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

template <class T>
Response json_or_error(const Result<T>& result, const Request& r) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(200, branding::to_json(*result));
}

Response status_or_error(const Status& status, const Request& r) {
    if (!status) return error_response(status.error(), r.request_id);
    return Response::no_content();
}

nlohmann::json preset_json(const branding::Preset& p) {
    return {{"id", p.id},
            {"description", p.description},
            {"primary_color", p.colors.primary},
            {"background_color", p.colors.background},
            {"text_color", p.colors.text},
            {"card_color", p.card_background}};
}

}  // namespace

void register_branding_routes(Router& router, DaemonContext& context) {
    auto& service = *context.branding;
    const std::string base = "/api/v1/white-label";

    router.add("GET", base + "/presets", Access::public_route, [](Request&) {
        nlohmann::json data = nlohmann::json::array();
        for (const auto& p : branding::presets()) data.push_back(preset_json(p));
        return Response::json(200, {{"data", data}});
    });
    // What the hosted pages show on this Host: for applications that draw their own sign-in screen.
    router.add("GET", base + "/current", Access::public_route, [&context](Request& r) {
        const auto look = page_look(context, r);
        return Response::json(200, {{"product_name", look.app_name},
                                    {"logo_url", look.logo_url ? nlohmann::json(*look.logo_url) : nlohmann::json()},
                                    {"locale", look.t.locale()},
                                    {"stylesheet", look.stylesheet}});
    });

    const std::string org = base + "/organizations/{org_id}";
    add_organization_route(router, "GET", org, "branding:read",
                  [&service](Request& r) { return json_or_error(service.get(r.param("org_id")), r); });
    add_organization_route(router, "PUT", org, "branding:write", [&service](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto branding = branding::branding_from_json(*body);
        if (!branding) return error_response(branding.error(), r.request_id);
        return json_or_error(service.put(r.param("org_id"), *branding, request_actor(r)), r);
    });
    add_organization_route(router, "DELETE", org, "branding:write", [&service](Request& r) {
        return status_or_error(service.reset(r.param("org_id"), request_actor(r)), r);
    });

    // Custom domains: the operator routes a name to januad (DNS, TLS), so only platform admins map
    // one; the organization's admins can see theirs.
    add_organization_route(router, "GET", org + "/domains", "branding:read", [&service](Request& r) {
        auto found = service.domains(r.param("org_id"));
        if (!found) return error_response(found.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& d : *found) data.push_back(branding::to_json(d));
        return Response::json(200, {{"data", data}});
    });
    router.add("POST", base + "/domains", Access::platform_admin, [&service](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto organization = string_member(*body, "organization_id");
        if (!organization) return error_response(organization.error(), r.request_id);
        auto domain = string_member(*body, "domain");
        if (!domain) return error_response(domain.error(), r.request_id);
        auto added = service.add_domain(*organization, *domain, request_actor(r));
        if (!added) return error_response(added.error(), r.request_id);
        return Response::json(201, branding::to_json(*added));
    });
    router.add("DELETE", base + "/domains/{domain}", Access::platform_admin, [&service](Request& r) {
        return status_or_error(service.remove_domain(r.param("domain"), request_actor(r)), r);
    });
}

void register_localization_routes(Router& router, DaemonContext& context) {
    auto& service = *context.branding;
    const std::string base = "/api/v1/localization";

    router.add("GET", base + "/locales", Access::public_route, [](Request&) {
        static const std::map<std::string, std::pair<std::string, std::string>> names = {
            {"en", {"English", "English"}}, {"es", {"Spanish", "Español"}}};
        nlohmann::json data = nlohmann::json::array();
        for (const auto& code : i18n::supported_locales())
            data.push_back({{"code", code}, {"name", names.at(code).first}, {"native_name", names.at(code).second},
                            {"keys", i18n::catalog_keys().size()}});
        return Response::json(200, {{"data", data}, {"default", i18n::supported_locales().front()}});
    });
    // Which shipped language this request gets (ui_locales, then Accept-Language).
    router.add("GET", base + "/detect", Access::public_route, [&context](Request& r) {
        return Response::json(200, {{"locale", page_look(context, r).t.locale()}});
    });
    // The catalog, with the wording of the organization whose custom domain is the Host.
    router.add("GET", base + "/translations/{locale}", Access::public_route, [&context](Request& r) {
        const std::string locale = r.param("locale");
        if (!i18n::is_supported(locale))
            return error_response(make_error(ErrorCode::not_found, "cannot find locale '" + locale + "' (shipped: en, es)"),
                                  r.request_id);
        std::shared_ptr<const i18n::Overrides> overrides;
        if (auto brand = context.branding->look_for_host(r.header("Host"))) overrides = brand->overrides_for(locale);
        return Response::json(200, {{"locale", locale}, {"messages", i18n::catalog_json(locale, overrides.get())}});
    });

    const std::string org = base + "/organizations/{org_id}/translations/{locale}";
    add_organization_route(router, "GET", org, "branding:read", [&service](Request& r) {
        auto found = service.translations(r.param("org_id"), r.param("locale"));
        if (!found) return error_response(found.error(), r.request_id);
        return Response::json(200, {{"locale", r.param("locale")}, {"texts", *found}});
    });
    add_organization_route(router, "PUT", org, "branding:write", [&service](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        if (!body->contains("texts"))
            return error_response(make_error(ErrorCode::validation, "texts is required: {\"catalog key\": \"text\"}"),
                                  r.request_id);
        auto saved = service.put_translations(r.param("org_id"), r.param("locale"), (*body)["texts"], request_actor(r));
        if (!saved) return error_response(saved.error(), r.request_id);
        return Response::json(200, {{"locale", r.param("locale")}, {"texts", *saved}});
    });
    add_organization_route(router, "DELETE", org, "branding:write", [&service](Request& r) {
        return status_or_error(service.remove_translations(r.param("org_id"), r.param("locale"), request_actor(r)), r);
    });
}

}  // namespace janua::daemon
