// /api/v1/devices: the signed-in user's known devices, and the confirmation link of a risky sign-in.
// Thin handlers over devices::DeviceService.
#include "core/common/url.hpp"
#include "core/mail/html.hpp"
#include "daemon/pages/page_frame.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

Response devices_off(const Request& r) {
    return error_response(make_error(ErrorCode::not_found, "device tracking is turned off (DEVICES_ENABLED=false)"),
                          r.request_id);
}

// The link in the mail opens this page; only its button confirms, so a mail scanner that fetches
// links does not trust a device on the user's behalf.
Response confirm_form(const pages::Look& look, const std::string& token) {
    const auto& t = look.t;
    const std::string body =
        "<h1>" + mail::html_escape(t("known_device.confirm_title")) + "</h1>"
        "<p>" + mail::html_escape(t("known_device.confirm_text")) + "</p>"
        "<form method=\"post\" action=\"/api/v1/devices/confirm\">"
        "<input type=\"hidden\" name=\"token\" value=\"" + mail::html_escape(token) + "\">"
        "<button type=\"submit\">" + mail::html_escape(t("known_device.confirm_title")) + "</button></form>";
    pages::FrameOptions options;
    options.forms_stay_here = true;
    return pages::page_frame(200, look, t("known_device.confirm_title"), body, options);
}

// A titled message page of this route (the confirmation's outcome).
Response outcome_page(const pages::Look& look, int status, const char* title_key, const std::string& text) {
    const std::string title = look.t(title_key);
    return pages::page_frame(status, look, title, "<h1>" + mail::html_escape(title) + "</h1><p>" + mail::html_escape(text) + "</p>");
}

}  // namespace

void register_device_routes(Router& router, DaemonContext& context) {
    auto* service = context.devices.get();
    const std::string base = "/api/v1/devices";

    router.add("GET", base, Access::user, [service](Request& r) {
        if (!service) return devices_off(r);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& d : service->list(r.principal->user_id)) data.push_back(devices::to_json(d));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    router.add("POST", base + "/{id}/trust", Access::user, [service](Request& r) {
        if (!service) return devices_off(r);
        auto device = service->trust(*r.principal, r.param("id"), meta_of(r));
        if (!device) return error_response(device.error(), r.request_id);
        return Response::json(200, devices::to_json(*device));
    });
    router.add("DELETE", base + "/{id}", Access::user, [service](Request& r) {
        if (!service) return devices_off(r);
        auto removed = service->remove(*r.principal, r.param("id"), meta_of(r));
        if (!removed) return error_response(removed.error(), r.request_id);
        return Response::no_content();
    });
    router.add("GET", base + "/confirm", Access::public_route, [service, &context](Request& r) {
        if (!service) return devices_off(r);
        const auto token = r.query_param("token").value_or("");
        const auto look = page_look(context, r);
        if (token.empty() || token.size() > 256)
            return outcome_page(look, 400, "known_device.invalid_title", look.t("known_device.invalid"));
        return confirm_form(look, token);
    });
    // JSON {"token": ...} from an app, or the form of the page above.
    router.add("POST", base + "/confirm", Access::public_route, [service, &context](Request& r) {
        if (!service) return devices_off(r);
        const bool form = r.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
        std::string token;
        if (form) {
            auto fields = parse_form(r.body);
            if (fields && fields->count("token")) token = fields->at("token");
        } else {
            auto body = parse_json_object(r);
            if (!body) return error_response(body.error(), r.request_id);
            auto value = string_member(*body, "token");
            if (!value) return error_response(value.error(), r.request_id);
            token = value.value();
        }
        auto device = service->confirm(token, meta_of(r));
        if (form) {
            const auto look = page_look(context, r);
            if (device) return outcome_page(look, 200, "known_device.confirmed_title", look.t("known_device.confirmed"));
            return outcome_page(look, 400, "known_device.invalid_title", look.t.error(device.error()));
        }
        if (!device) return error_response(device.error(), r.request_id);
        return Response::json(200, {{"confirmed", true}, {"device", devices::to_json(*device)}});
    }, RateLimit::per_ip);
}

}  // namespace janua::daemon
