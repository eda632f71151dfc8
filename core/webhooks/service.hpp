#pragma once
// Webhook endpoints of an organization (the admin API and `janua webhook ...`), and the
// delivery of queued events. Events are queued by audit::record in the transaction of the
// change (core/audit/audit.hpp); delivery runs on the job queue, so every daemon shares the
// work, a crash loses nothing (the job's lease expires and it runs again: at least once), and
// failures retry with exponential backoff and jitter until the endpoint is marked failing.

#include "core/common/result.hpp"
#include "core/config/config.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/identity/user_admin.hpp"
#include "core/jobs/worker.hpp"
#include "core/webhooks/endpoint.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace janua::webhooks {

using Actor = identity::Actor;

struct WebhookSettings {
    bool allow_private = false;  // WEBHOOK_ALLOW_PRIVATE
    int timeout_seconds = 10;    // WEBHOOK_TIMEOUT_SECONDS
    int max_per_organization = 10;  // MAX_WEBHOOKS_PER_TENANT
};

struct CreatedEndpoint {
    Endpoint endpoint;
    std::string secret;  // shown once
};

struct DeliveryPage {
    std::vector<Delivery> deliveries;
    std::optional<std::string> next_cursor;
};

// A delivery queued by redeliver or test.
struct QueuedDelivery {
    std::string job_id;
    std::string event_id;
};

nlohmann::json to_json(const CreatedEndpoint& created);
nlohmann::json to_json(const QueuedDelivery& queued);

// The JSON body a receiver gets for an audit entry.
nlohmann::json event_payload(const nlohmann::json& audit_entry);

class WebhookService {
public:
    WebhookService(db::Pool& pool, crypto::FernetKeyring cipher, WebhookSettings settings)
        : m_pool(pool), m_cipher(std::move(cipher)), m_settings(settings) {}

    Result<CreatedEndpoint> create(const std::string& organization_id, const EndpointSpec& spec, const Actor& actor);
    Result<std::vector<Endpoint>> list(const std::string& organization_id);
    Result<Endpoint> get(const std::string& organization_id, const std::string& id);
    Result<Endpoint> update(const std::string& organization_id, const std::string& id, const EndpointSpec& spec,
                            const Actor& actor);
    Status remove(const std::string& organization_id, const std::string& id, const Actor& actor);
    // Issue a new secret (shown once); the old one stops signing at once.
    Result<CreatedEndpoint> rotate_secret(const std::string& organization_id, const std::string& id,
                                          const Actor& actor);
    Result<DeliveryPage> deliveries(const std::string& organization_id, const std::string& id,
                                    std::optional<std::string> cursor, int limit);
    // Queue the event of an earlier delivery again, for this endpoint only.
    Result<QueuedDelivery> redeliver(const std::string& organization_id, const std::string& id,
                                     const std::string& delivery_id, const Actor& actor);
    // Record a webhook.test event and send it to this endpoint only.
    Result<QueuedDelivery> send_test(const std::string& organization_id, const std::string& id, const Actor& actor);

    // Register the "webhook" job handler on `worker`; this service must outlive it.
    void register_delivery_handler(jobs::Worker& worker);
    // Deliver one job (the handler's body; public for tests).
    Status deliver(const jobs::Job& job);

    const WebhookSettings& settings() const { return m_settings; }

private:
    db::Pool& m_pool;
    crypto::FernetKeyring m_cipher;
    WebhookSettings m_settings;
};

// The service for a configuration (FIELD_ENCRYPTION_KEY, WEBHOOK_* settings).
std::unique_ptr<WebhookService> make_webhook_service(db::Pool& pool, const config::Config& config);

// The retry schedule of webhook jobs (WEBHOOK_RETRY_BASE_MS doubling, capped at one hour).
jobs::BackoffPolicy webhook_backoff(const config::Config& config);

// How long a delivery job stays leased: well past the slowest attempt.
std::chrono::milliseconds webhook_lease(const config::Config& config);

}  // namespace janua::webhooks
