// /api/v1/billing: plans (read by any signed-in user, managed by platform admins), an
// organization's subscription (its admins read it; platform admins set it) and the signed webhook
// a payment provider calls. Thin handlers over billing::BillingService.
#include "core/common/time.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

identity::Actor actor_of(const Request& r) {
    if (r.principal && r.principal->api_key_id) return identity::Actor{"api_key", r.principal->api_key_id, r.remote_addr, r.request_id};
    return identity::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

Response off(const Request& r) {
    return error_response(make_error(ErrorCode::unavailable, "billing is not available"), r.request_id);
}

template <class T>
Response json_or_error(const Result<T>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, billing::to_json(*result));
}

}  // namespace

void register_billing_routes(Router& router, DaemonContext& context) {
    auto* billing = context.billing.get();
    const std::string plans = "/api/v1/billing/plans";

    router.add("GET", plans, Access::user, [billing](Request& r) {
        if (!billing) return off(r);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& p : billing->plans()) data.push_back(billing::to_json(p));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    router.add("GET", plans + "/{plan_id}", Access::user, [billing](Request& r) {
        if (!billing) return off(r);
        return json_or_error(billing->plan(r.param("plan_id")), r);
    });
    router.add("POST", plans, Access::platform_admin, [billing](Request& r) {
        if (!billing) return off(r);
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = billing::plan_spec_from_json(*body, true);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(billing->create_plan(*spec, actor_of(r)), r, 201);
    });
    router.add("PATCH", plans + "/{plan_id}", Access::platform_admin, [billing](Request& r) {
        if (!billing) return off(r);
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = billing::plan_spec_from_json(*body, false);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(billing->update_plan(r.param("plan_id"), *spec, actor_of(r)), r);
    });
    router.add("DELETE", plans + "/{plan_id}", Access::platform_admin, [billing](Request& r) {
        if (!billing) return off(r);
        auto removed = billing->delete_plan(r.param("plan_id"), actor_of(r));
        if (!removed) return error_response(removed.error(), r.request_id);
        return Response::no_content();
    });

    // The organization's own view: its admins (billing:read) and platform admins.
    Route own;
    own.method = "GET";
    own.pattern = "/api/v1/organizations/{org_id}/subscription";
    own.access = Access::organization;
    own.permission = "billing:read";
    own.handler = [billing](Request& r) {
        if (!billing) return off(r);
        return json_or_error(billing->subscription(r.param("org_id")), r);
    };
    router.add(std::move(own));

    // Setting a plan by hand is the platform's business, not the organization's.
    const std::string subscriptions = "/api/v1/billing/subscriptions/{organization_id}";
    router.add("GET", subscriptions, Access::platform_admin, [billing](Request& r) {
        if (!billing) return off(r);
        return json_or_error(billing->subscription(r.param("organization_id")), r);
    });
    router.add("PUT", subscriptions, Access::platform_admin, [billing](Request& r) {
        if (!billing) return off(r);
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = billing::subscription_spec_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(billing->set_subscription(r.param("organization_id"), *spec, actor_of(r)), r);
    });
    router.add("DELETE", subscriptions, Access::platform_admin, [billing](Request& r) {
        if (!billing) return off(r);
        auto removed = billing->remove_subscription(r.param("organization_id"), actor_of(r));
        if (!removed) return error_response(removed.error(), r.request_id);
        return Response::no_content();
    });

    // The payment provider's events, authenticated by their signature over the raw body.
    router.add("POST", "/api/v1/billing/webhook", Access::public_route, [billing](Request& r) {
        if (!billing) return off(r);
        auto outcome = billing->receive(r.header("Janua-Signature"), r.body, unix_seconds_now(), meta_of(r));
        if (!outcome) return error_response(outcome.error(), r.request_id);
        return Response::json(200, {{"received", true}, {"event_id", outcome->event_id}, {"outcome", outcome->outcome}});
    });
}

}  // namespace janua::daemon
