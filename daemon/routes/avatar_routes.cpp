// Avatars: upload and removal by the signed-in user (/api/v1/users/me/avatar) or a platform admin
// (/api/v1/users/{id}/avatar), and the public image URL (/api/v1/avatars/{id}) that users.avatar_url
// and the OIDC picture claim point at. Thin handlers over avatars::AvatarService.
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

struct Upload {
    std::string declared_type;
    const std::string* bytes = nullptr;
};

// The raw body with its Content-Type, or the `file` field of a multipart/form-data form (what a
// browser's <form enctype="multipart/form-data"> sends).
Result<Upload> upload_of(const Request& r) {
    const std::string type = r.header("Content-Type");
    if (type.rfind("multipart/form-data", 0) != 0) return Upload{type, &r.body};
    const auto part = r.form_parts.find("file");
    if (part == r.form_parts.end()) {
        Error e = make_error(ErrorCode::validation, "send the image in a form field named 'file'");
        e.details = {{"field", "file"}};
        return e;
    }
    return Upload{part->second.content_type, &part->second.content};
}

Response unavailable(const Request& r) {
    return error_response(make_error(ErrorCode::unavailable, "file storage is not configured"), r.request_id);
}

Response upload(avatars::AvatarService* service, Request& r, const std::string& user_id) {
    if (!service) return unavailable(r);
    auto image = upload_of(r);
    if (!image) return error_response(image.error(), r.request_id);
    auto avatar = service->upload(user_id, image->declared_type, *image->bytes, *r.principal, meta_of(r));
    if (!avatar) return error_response(avatar.error(), r.request_id);
    return Response::json(200, avatars::to_json(*avatar));
}

Response remove(avatars::AvatarService* service, Request& r, const std::string& user_id) {
    if (!service) return unavailable(r);
    auto removed = service->remove(user_id, *r.principal, meta_of(r));
    if (!removed) return error_response(removed.error(), r.request_id);
    return Response::no_content();
}

Response current(avatars::AvatarService* service, Request& r, const std::string& user_id) {
    if (!service) return unavailable(r);
    auto avatar = service->current(user_id);
    if (!avatar) return error_response(make_error(ErrorCode::not_found, "there is no uploaded avatar"), r.request_id);
    return Response::json(200, avatars::to_json(*avatar));
}

}  // namespace

void register_avatar_routes(Router& router, DaemonContext& context) {
    auto* service = context.avatars.get();
    const std::string me = "/api/v1/users/me/avatar";
    const std::string any = "/api/v1/users/{id}/avatar";
    router.add("GET", me, Access::user, [service](Request& r) { return current(service, r, r.principal->user_id); });
    router.add("POST", me, Access::user, [service](Request& r) { return upload(service, r, r.principal->user_id); });
    router.add("DELETE", me, Access::user, [service](Request& r) { return remove(service, r, r.principal->user_id); });
    router.add("GET", any, Access::platform_admin, [service](Request& r) { return current(service, r, r.param("id")); });
    router.add("POST", any, Access::platform_admin, [service](Request& r) { return upload(service, r, r.param("id")); });
    router.add("DELETE", any, Access::platform_admin, [service](Request& r) { return remove(service, r, r.param("id")); });

    // Public: the URL is the capability (256 random bits), as with any avatar CDN. The image is
    // served as an image only: its checked type, no sniffing, a CSP that runs nothing even when
    // opened directly, and cacheable for an hour (a new upload gets a new URL).
    router.add("GET", "/api/v1/avatars/{id}", Access::public_route, [service](Request& r) {
        if (!service) return unavailable(r);
        auto image = service->fetch(r.param("id"));
        if (!image) return error_response(image.error(), r.request_id);
        Response response;
        response.status = 200;
        response.content_type = image->content_type;
        response.body = std::move(image->bytes);
        response.set_header("X-Content-Type-Options", "nosniff");
        response.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
        response.set_header("Cache-Control", "public, max-age=3600");
        response.set_header("Cross-Origin-Resource-Policy", "cross-origin");
        response.set_header("Content-Disposition", "inline");
        return response;
    });
}

}  // namespace janua::daemon
