#include "core/webhooks/service.hpp"

#include "core/audit/audit.hpp"
#include "core/audit/log.hpp"
#include "core/common/page_cursor.hpp"
#include "core/common/ids.hpp"
#include "core/common/log.hpp"
#include "core/common/time.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/field_cipher.hpp"
#include "core/jobs/enqueue.hpp"
#include "core/webhooks/destination.hpp"
#include "core/webhooks/http_post.hpp"
#include "core/webhooks/repository.hpp"
#include "core/webhooks/signature.hpp"

#include <algorithm>

namespace janua::webhooks {
namespace {

Error not_found(const std::string& what) { return make_error(ErrorCode::not_found, "cannot find " + what); }

std::optional<std::string> creator_of(const Actor& actor) {
    if (actor.type == "user" && actor.id && is_uuid(*actor.id)) return actor.id;
    return std::nullopt;
}

std::string audit_event(db::Transaction& tx, const Actor& actor, const std::string& action, const Endpoint& endpoint,
                        nlohmann::json details = nlohmann::json::object()) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.organization_id = endpoint.organization_id;
    e.target_type = "webhook";
    e.target_id = endpoint.id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    details["url"] = endpoint.url;
    e.details = std::move(details);
    return audit::append(tx, e);
}

Status check_ids(const std::string& organization_id, const std::string& id) {
    if (!is_uuid(organization_id)) return not_found("organization '" + organization_id + "'");
    if (!is_uuid(id)) return not_found("webhook '" + id + "'");
    return Ok{};
}

std::string job_for(db::Transaction& tx, const std::string& endpoint_id, const std::string& event_id,
                    const std::string& reason, int max_attempts) {
    jobs::NewJob job;
    job.kind = audit::k_webhook_job_kind;
    job.payload = {{"endpoint_id", endpoint_id}, {"event_id", event_id}, {"reason", reason}};
    job.max_attempts = max_attempts;
    return jobs::enqueue(tx, job).value();
}


}  // namespace

nlohmann::json to_json(const CreatedEndpoint& created) {
    auto out = to_json(created.endpoint);
    out["secret"] = created.secret;
    return out;
}

nlohmann::json to_json(const QueuedDelivery& queued) {
    return {{"job_id", queued.job_id}, {"event_id", queued.event_id}, {"status", "queued"}};
}

nlohmann::json event_payload(const nlohmann::json& entry) {
    return {{"id", entry["id"]},
            {"type", entry["action"]},
            {"created_at", entry["occurred_at"]},
            {"organization_id", entry["organization_id"]},
            {"outcome", entry["outcome"]},
            {"actor", {{"type", entry["actor_type"]}, {"id", entry["actor_id"]}}},
            {"target", {{"type", entry["target_type"]}, {"id", entry["target_id"]}}},
            {"request_id", entry["request_id"]},
            {"data", entry["details"]}};
}

Result<CreatedEndpoint> WebhookService::create(const std::string& organization_id, const EndpointSpec& spec,
                                               const Actor& actor) {
    if (!is_uuid(organization_id)) return not_found("organization '" + organization_id + "'");
    if (!spec.url) return make_error(ErrorCode::validation, "url is required");
    if (!spec.event_types) return make_error(ErrorCode::validation, "event_types is required (e.g. [\"user.*\"])");
    if (auto ok = check_url(*spec.url, m_settings.allow_private); !ok) return ok.error();
    CreatedEndpoint created;
    created.secret = generate_secret();
    const std::string encrypted = m_cipher.encrypt(created.secret);
    return m_pool.transact([&](db::Transaction& tx) -> Result<CreatedEndpoint> {
        if (!repo::lock_organization(tx, organization_id)) return not_found("organization '" + organization_id + "'");
        if (repo::count(tx, organization_id) >= m_settings.max_per_organization)
            return make_error(ErrorCode::conflict, "this organization already has " +
                                                       std::to_string(m_settings.max_per_organization) +
                                                       " webhooks (MAX_WEBHOOKS_PER_TENANT); delete one first");
        created.endpoint = repo::insert(tx, organization_id, *spec.url, spec.description.value_or(std::nullopt),
                                        *spec.event_types, spec.enabled.value_or(true), encrypted, creator_of(actor));
        audit_event(tx, actor, "webhook.created", created.endpoint, {{"event_types", created.endpoint.event_types}});
        return created;
    });
}

Result<std::vector<Endpoint>> WebhookService::list(const std::string& organization_id) {
    if (!is_uuid(organization_id)) return not_found("organization '" + organization_id + "'");
    return m_pool.transact([&](db::Transaction& tx) { return repo::list(tx, organization_id); });
}

Result<Endpoint> WebhookService::get(const std::string& organization_id, const std::string& id) {
    if (auto ok = check_ids(organization_id, id); !ok) return ok.error();
    auto found = m_pool.transact([&](db::Transaction& tx) { return repo::find(tx, organization_id, id); });
    if (!found) return not_found("webhook '" + id + "'");
    return *found;
}

Result<Endpoint> WebhookService::update(const std::string& organization_id, const std::string& id,
                                        const EndpointSpec& spec, const Actor& actor) {
    if (auto ok = check_ids(organization_id, id); !ok) return ok.error();
    if (spec.url)
        if (auto ok = check_url(*spec.url, m_settings.allow_private); !ok) return ok.error();
    return m_pool.transact([&](db::Transaction& tx) -> Result<Endpoint> {
        auto current = repo::find(tx, organization_id, id);
        if (!current) return not_found("webhook '" + id + "'");
        Endpoint next = *current;
        nlohmann::json changed = nlohmann::json::array();
        if (spec.url) next.url = *spec.url, changed.push_back("url");
        if (spec.description) next.description = *spec.description, changed.push_back("description");
        if (spec.event_types) next.event_types = *spec.event_types, changed.push_back("event_types");
        if (spec.enabled) next.enabled = *spec.enabled, changed.push_back("enabled");
        auto updated = repo::update(tx, next);
        if (!updated) return not_found("webhook '" + id + "'");
        audit_event(tx, actor, "webhook.updated", *updated, {{"fields", changed}});
        return *updated;
    });
}

Status WebhookService::remove(const std::string& organization_id, const std::string& id, const Actor& actor) {
    if (auto ok = check_ids(organization_id, id); !ok) return ok.error();
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto current = repo::find(tx, organization_id, id);
        if (!current || !repo::remove(tx, organization_id, id)) return not_found("webhook '" + id + "'");
        audit_event(tx, actor, "webhook.deleted", *current);
        return Ok{};
    });
}

Result<CreatedEndpoint> WebhookService::rotate_secret(const std::string& organization_id, const std::string& id,
                                                      const Actor& actor) {
    if (auto ok = check_ids(organization_id, id); !ok) return ok.error();
    CreatedEndpoint rotated;
    rotated.secret = generate_secret();
    const std::string encrypted = m_cipher.encrypt(rotated.secret);
    return m_pool.transact([&](db::Transaction& tx) -> Result<CreatedEndpoint> {
        auto updated = repo::replace_secret(tx, organization_id, id, encrypted);
        if (!updated) return not_found("webhook '" + id + "'");
        rotated.endpoint = *updated;
        audit_event(tx, actor, "webhook.secret_rotated", rotated.endpoint);
        return rotated;
    });
}

Result<DeliveryPage> WebhookService::deliveries(const std::string& organization_id, const std::string& id,
                                                std::optional<std::string> cursor, int limit) {
    if (auto ok = check_ids(organization_id, id); !ok) return ok.error();
    if (limit < 1 || limit > 200) return make_error(ErrorCode::validation, "limit must be between 1 and 200");
    auto position = paging::decode_cursor(cursor);
    if (!position) return position.error();
    const std::optional<std::string> before_time = position->created_at, before_id = position->id;
    return m_pool.transact([&](db::Transaction& tx) -> Result<DeliveryPage> {
        if (!repo::find(tx, organization_id, id)) return not_found("webhook '" + id + "'");
        DeliveryPage page;
        page.deliveries = repo::deliveries(tx, id, before_time, before_id, limit + 1);
        if (static_cast<int>(page.deliveries.size()) > limit) {
            page.deliveries.resize(limit);
            page.next_cursor = paging::encode_cursor(page.deliveries.back().created_at, page.deliveries.back().id);
        }
        return page;
    });
}

Result<QueuedDelivery> WebhookService::redeliver(const std::string& organization_id, const std::string& id,
                                                 const std::string& delivery_id, const Actor& actor) {
    if (auto ok = check_ids(organization_id, id); !ok) return ok.error();
    if (!is_uuid(delivery_id)) return not_found("delivery '" + delivery_id + "'");
    return m_pool.transact([&](db::Transaction& tx) -> Result<QueuedDelivery> {
        auto endpoint = repo::find(tx, organization_id, id);
        if (!endpoint) return not_found("webhook '" + id + "'");
        auto delivery = repo::find_delivery(tx, id, delivery_id);
        if (!delivery) return not_found("delivery '" + delivery_id + "' of webhook '" + id + "'");
        QueuedDelivery queued;
        queued.event_id = delivery->event_id;
        queued.job_id = job_for(tx, id, delivery->event_id, "redelivery", audit::k_webhook_max_attempts);
        audit_event(tx, actor, "webhook.redelivery_requested", *endpoint,
                    {{"delivery_id", delivery_id}, {"event_id", delivery->event_id}});
        return queued;
    });
}

Result<QueuedDelivery> WebhookService::send_test(const std::string& organization_id, const std::string& id,
                                                 const Actor& actor) {
    if (auto ok = check_ids(organization_id, id); !ok) return ok.error();
    return m_pool.transact([&](db::Transaction& tx) -> Result<QueuedDelivery> {
        auto endpoint = repo::find(tx, organization_id, id);
        if (!endpoint) return not_found("webhook '" + id + "'");
        QueuedDelivery queued;
        queued.event_id = audit_event(tx, actor, audit::k_webhook_test_action, *endpoint,
                                      {{"message", "a test delivery from Janua"}});
        // One attempt: a test reports what happens now and never marks the endpoint failing.
        queued.job_id = job_for(tx, id, queued.event_id, "test", 1);
        return queued;
    });
}

void WebhookService::register_delivery_handler(jobs::Worker& worker) {
    worker.on(audit::k_webhook_job_kind, [this](const jobs::Job& job) { return deliver(job); });
}

Status WebhookService::deliver(const jobs::Job& job) {
    const std::string endpoint_id = job.payload.value("endpoint_id", "");
    const std::string event_id = job.payload.value("event_id", "");
    const std::string reason = job.payload.value("reason", "event");
    if (!is_uuid(endpoint_id) || !is_uuid(event_id))
        return make_error(ErrorCode::validation, "webhook job payload lacks endpoint_id or event_id");
    struct Loaded {
        std::optional<repo::Target> target;
        std::optional<audit::LogEntry> event;
    };
    auto loaded = m_pool.transact([&](db::Transaction& tx) {
        return Loaded{repo::find_target(tx, endpoint_id), audit::find(tx, event_id)};
    });
    if (!loaded.target) return Ok{};  // the endpoint was deleted: nothing left to deliver to
    if (!loaded.target->endpoint.enabled && reason == "event") return Ok{};
    if (!loaded.event) return make_error(ErrorCode::validation, "audit event " + event_id + " does not exist");
    const Endpoint& endpoint = loaded.target->endpoint;
    auto secret = m_cipher.decrypt(loaded.target->secret_encrypted);
    if (!secret) return make_error(ErrorCode::internal, "cannot decrypt the secret of webhook " + endpoint_id);

    const std::string body = event_payload(audit::to_json(*loaded.event)).dump();
    Delivery d;
    d.endpoint_id = endpoint_id;
    d.event_id = event_id;
    d.event_type = loaded.event->action;
    d.job_id = job.id;
    d.attempt = job.attempts;

    std::optional<std::string> failure;
    auto url = parse_url(endpoint.url);
    auto destination = url ? resolve(*url, m_settings.allow_private) : Result<ResolvedDestination>(url.error());
    if (!destination) {
        failure = destination.error().message;
    } else {
        const std::vector<std::pair<std::string, std::string>> headers = {
            {"Content-Type", "application/json"},
            {"User-Agent", "Janua-Webhooks/" JANUA_VERSION},
            {"Janua-Event", loaded.event->action},
            {"Janua-Delivery", job.id},
            {"Janua-Signature", signature_header(secret.value(), unix_seconds_now(), body)}};
        const PostResult sent = post(*destination, endpoint.url, body, headers, m_settings.timeout_seconds);
        d.latency_ms = sent.latency_ms;
        if (sent.http_status > 0) d.http_status = sent.http_status;
        if (!sent.excerpt.empty()) d.response_excerpt = sent.excerpt;
        if (!sent.sent) failure = sent.error;
        else if (sent.http_status < 200 || sent.http_status > 299)
            failure = "the receiver answered HTTP " + std::to_string(sent.http_status);
    }
    d.outcome = failure ? "failed" : "succeeded";
    if (failure) d.error = failure->substr(0, 500);
    const bool give_up = failure && reason != "test" && job.attempts >= job.max_attempts;
    m_pool.transact([&](db::Transaction& tx) {
        repo::record_delivery(tx, d);
        if (!failure) repo::mark_success(tx, endpoint_id);
        else if (reason != "test") repo::mark_failure(tx, endpoint_id, give_up);
    });
    if (!failure) return Ok{};
    if (give_up)
        log::warn("webhook endpoint marked failing", {{"endpoint_id", endpoint_id}, {"attempts", job.attempts}});
    return make_error(ErrorCode::unavailable, "webhook delivery failed: " + *failure);
}

std::unique_ptr<WebhookService> make_webhook_service(db::Pool& pool, const config::Config& config) {
    return std::make_unique<WebhookService>(
        pool, crypto::make_field_keyring(config.field_encryption_keys, config.secret_key),
        WebhookSettings{config.webhook_allow_private, config.webhook_timeout_seconds, config.max_webhooks_per_tenant});
}

jobs::BackoffPolicy webhook_backoff(const config::Config& config) {
    return jobs::BackoffPolicy{std::chrono::milliseconds(config.webhook_retry_base_ms), std::chrono::hours(1)};
}

std::chrono::milliseconds webhook_lease(const config::Config& config) {
    return std::chrono::seconds(2 * config.webhook_timeout_seconds + 5);
}

}  // namespace janua::webhooks
