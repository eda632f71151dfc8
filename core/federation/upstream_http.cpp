#include "core/federation/upstream_http.hpp"

#include "core/webhooks/destination.hpp"
#include "core/webhooks/http_post.hpp"

namespace janua::federation {
namespace {

Error refused(const std::string& url, const std::string& why) {
    return make_error(ErrorCode::sso_metadata, "the identity provider cannot be reached at " + url + ": " + why);
}

}  // namespace

Result<UpstreamReply> upstream_fetch(const UpstreamRequest& request, const UpstreamPolicy& policy) {
    if (auto checked = webhooks::check_url(request.url, policy.allow_private); !checked)
        return refused(request.url, checked.error().message.substr(4));
    auto parsed = webhooks::parse_url(request.url);
    if (!parsed) return refused(request.url, parsed.error().message);
    auto destination = webhooks::resolve(*parsed, policy.allow_private);
    if (!destination) return refused(request.url, destination.error().message);
    auto got = webhooks::get(*destination, request.url, policy.max_bytes, policy.timeout_ms, request.headers,
                             request.method == "POST" ? &request.body : nullptr);
    if (!got.received) return refused(request.url, got.error);
    return UpstreamReply{got.http_status, std::move(got.body)};
}

}  // namespace janua::federation
