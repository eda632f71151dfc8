// janua webhook ...: an organization's webhook endpoints, directly or through the daemon
// (/api/v1/organizations/{org_id}/webhooks); both modes print the same JSON.
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "cli/runner.hpp"

#include <memory>

namespace janua::cli {
namespace {

struct WebhookArgs {
    std::string org, id, delivery, url, description, enabled;
    std::vector<std::string> events;
    bool disabled = false;
    int limit = 50;
    std::string cursor;
};

const std::vector<Column> k_webhook_columns = {{"id", "ID"},         {"url", "URL"},         {"event_types", "EVENTS"},
                                               {"enabled", "ENABLED"}, {"failing", "FAILING"}, {"last_success_at", "LAST SUCCESS"}};
const std::vector<Column> k_delivery_columns = {{"id", "ID"},           {"created_at", "TIME"},       {"event_type", "EVENT"},
                                                {"attempt", "ATTEMPT"}, {"outcome", "OUTCOME"},       {"http_status", "HTTP"},
                                                {"latency_ms", "MS"},   {"error", "ERROR"}};

webhooks::Actor cli_actor() { return webhooks::Actor{"system", std::string("janua-cli"), "", ""}; }

std::string base_path(const WebhookArgs& a) { return "/api/v1/organizations/" + url_encode(a.org) + "/webhooks"; }
std::string hook_path(const WebhookArgs& a) { return base_path(a) + "/" + url_encode(a.id); }

template <class T>
Result<nlohmann::json> as_json(const Result<T>& r) {
    if (!r) return r.error();
    return webhooks::to_json(*r);
}

// The runner over the webhook service alone.
template <class Direct, class Remote>
int run_hooks(CliContext& ctx, Direct direct, Remote remote, const std::vector<Column>& columns = k_webhook_columns) {
    return run_either(
        ctx, [&](DirectServices& services) { return direct(services.webhooks()); }, std::move(remote), columns);
}

CommandSpec& org_option(CommandSpec& cmd, WebhookArgs& a) {
    return cmd.option("--org", &a.org, "organization id", true);
}

}  // namespace

void add_webhook_commands(CommandTable& table) {
    table.noun("webhook", "Signed webhooks of an organization: create, list, deliveries, redeliver, test, delete");
    auto a = std::make_shared<WebhookArgs>();

    auto& create = table.add("webhook", "create", "Add an endpoint; prints its signing secret once");
    org_option(create, *a)
        .option("--url", &a->url, "https URL that receives signed POSTs", true)
        .option("--event", &a->events, "event type to send (repeat): an action (user.signin), a prefix (user.*) or *")
        .option("--description", &a->description, "a note for people")
        .flag("--disabled", &a->disabled, "create it disabled");
    create.example = "janua webhook create --org ORG_ID --url https://hooks.acme.example/janua --event 'user.*' "
                     "--event session.revoked --output json";
    create.run = [a](CliContext& ctx) {
        if (a->events.empty()) return ctx.fail("give at least one --event (e.g. --event 'user.*')", exit_usage);
        nlohmann::json body = {{"url", a->url}, {"event_types", a->events}, {"enabled", !a->disabled}};
        if (!a->description.empty()) body["description"] = a->description;
        return run_hooks(
            ctx,
            [&](webhooks::WebhookService& hooks) -> Result<nlohmann::json> {
                auto spec = webhooks::spec_from_json(body);
                if (!spec) return spec.error();
                return as_json(hooks.create(a->org, *spec, cli_actor()));
            },
            [&] { return ctx.call("POST", base_path(*a), body); });
    };

    auto& list = table.add("webhook", "list", "List an organization's endpoints and their health");
    org_option(list, *a);
    list.run = [a](CliContext& ctx) {
        return run_hooks(
            ctx,
            [&](webhooks::WebhookService& hooks) -> Result<nlohmann::json> {
                auto found = hooks.list(a->org);
                if (!found) return found.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& e : *found) data.push_back(webhooks::to_json(e));
                return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
            },
            [&] { return ctx.call("GET", base_path(*a)); });
    };

    auto& deliveries = table.add("webhook", "deliveries", "Show delivery attempts, newest first");
    org_option(deliveries, *a)
        .option("webhook_id", &a->id, "webhook id", true)
        .option("--limit", &a->limit, "page size (1-200, default 50)")
        .option("--cursor", &a->cursor, "next_cursor of the previous page");
    deliveries.example = "janua webhook deliveries --org ORG_ID WEBHOOK_ID --output json | jq '.data[0]'";
    deliveries.run = [a](CliContext& ctx) {
        return run_hooks(
            ctx,
            [&](webhooks::WebhookService& hooks) -> Result<nlohmann::json> {
                auto page = hooks.deliveries(a->org, a->id,
                                             a->cursor.empty() ? std::nullopt : std::optional<std::string>(a->cursor),
                                             a->limit);
                if (!page) return page.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& d : page->deliveries) data.push_back(webhooks::to_json(d));
                return nlohmann::json{{"data", data},
                                      {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor)
                                                                        : nlohmann::json(nullptr)}};
            },
            [&] {
                std::string query = "?limit=" + std::to_string(a->limit);
                if (!a->cursor.empty()) query += "&cursor=" + url_encode(a->cursor);
                return ctx.call("GET", hook_path(*a) + "/deliveries" + query);
            },
            k_delivery_columns);
    };

    auto& redeliver = table.add("webhook", "redeliver", "Send the event of an earlier delivery again");
    org_option(redeliver, *a)
        .option("webhook_id", &a->id, "webhook id", true)
        .option("delivery_id", &a->delivery, "delivery id (from janua webhook deliveries)", true);
    redeliver.run = [a](CliContext& ctx) {
        return run_hooks(
            ctx,
            [&](webhooks::WebhookService& hooks) { return as_json(hooks.redeliver(a->org, a->id, a->delivery, cli_actor())); },
            [&] {
                return ctx.call("POST", hook_path(*a) + "/deliveries/" + url_encode(a->delivery) + "/redeliver",
                                nlohmann::json::object());
            });
    };

    auto& test = table.add("webhook", "test", "Send a webhook.test event to one endpoint now");
    org_option(test, *a).option("webhook_id", &a->id, "webhook id", true);
    test.run = [a](CliContext& ctx) {
        return run_hooks(
            ctx, [&](webhooks::WebhookService& hooks) { return as_json(hooks.send_test(a->org, a->id, cli_actor())); },
            [&] { return ctx.call("POST", hook_path(*a) + "/test", nlohmann::json::object()); });
    };

    auto& remove = table.add("webhook", "delete", "Delete an endpoint and its delivery log (needs --yes)");
    org_option(remove, *a).option("webhook_id", &a->id, "webhook id", true);
    remove.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("deleting webhook '" + a->id + "'")) return static_cast<int>(exit_usage);
        return run_hooks(
            ctx,
            [&](webhooks::WebhookService& hooks) -> Result<nlohmann::json> {
                auto done = hooks.remove(a->org, a->id, cli_actor());
                if (!done) return done.error();
                return nlohmann::json{{"deleted", a->id}};
            },
            [&]() -> Result<nlohmann::json> {
                auto done = ctx.call("DELETE", hook_path(*a));
                if (!done) return done.error();
                return nlohmann::json{{"deleted", a->id}};
            });
    };
}

}  // namespace janua::cli
