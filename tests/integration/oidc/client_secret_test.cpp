// Client secrets against a real database, in process: ClientService::authenticate_secret during
// and after a rotation's grace period, for disabled, public and unknown clients; and the audit
// trail of every change.
#include "core/common/time.hpp"
#include "core/db/pool.hpp"
#include "core/oidc/client_service.hpp"
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

#include <cstdlib>
#include <thread>

using namespace janua;
using namespace janua::test;

namespace {

// A migrated database and a ClientService on a small pool of its own.
struct Clients {
    TempDatabase db;
    std::unique_ptr<db::Pool> pool;
    std::unique_ptr<oidc::ClientService> service;

    Clients() {
        test::identity::migrate(db);
        db::PoolSettings settings;
        settings.url = db.url();
        settings.size = 2;
        settings.application_name = "janua-client-test";
        pool = std::make_unique<db::Pool>(settings);
        service = std::make_unique<oidc::ClientService>(*pool);
    }
};

const oidc::Actor k_actor{"system", std::string("client-test"), "", ""};

oidc::ClientSpec confidential(const std::string& client_id) {
    oidc::ClientSpec spec;
    spec.client_id = client_id;
    spec.name = "Backend " + client_id;
    spec.grant_types = {oidc::k_grant_client_credentials};
    spec.scopes = {"invoices:read"};
    return spec;
}

std::string created_secret(oidc::ClientService& service, const oidc::ClientSpec& spec) {
    auto created = service.create(spec, k_actor);
    INFO((created ? std::string() : created.error().message));
    REQUIRE(created);
    REQUIRE(created->client_secret);
    return *created->client_secret;
}

bool authenticates(oidc::ClientService& service, const std::string& client_id, const std::string& secret) {
    auto result = service.authenticate_secret(client_id, secret);
    if (!result) {
        CHECK(result.error().code == ErrorCode::authentication);
        CHECK(result.error().message == "client authentication failed");
        return false;
    }
    CHECK(result->client_id == client_id);
    return true;
}

}  // namespace

TEST_CASE("a generated client secret authenticates and a wrong one does not", "[clients]") {
    Clients c;
    const auto secret = created_secret(*c.service, confidential("billing"));
    CHECK(secret.size() == 43);
    CHECK(authenticates(*c.service, "billing", secret));
    CHECK_FALSE(authenticates(*c.service, "billing", secret + "x"));
    CHECK_FALSE(authenticates(*c.service, "billing", ""));
    CHECK_FALSE(authenticates(*c.service, "nobody", secret));
    CHECK_FALSE(authenticates(*c.service, "bad id", secret));

    // The database holds the SHA-256 of the secret, never the secret.
    pqxx::connection conn(c.db.url());
    pqxx::nontransaction tx(conn);
    const auto stored = tx.exec1("SELECT secret_hash FROM oauth_clients WHERE client_id = 'billing'")[0].as<std::string>();
    CHECK(stored == oidc::hash_client_secret(secret));
    CHECK(stored != secret);
}

TEST_CASE("rotate-secret keeps the old secret working during the grace period only", "[clients]") {
    Clients c;
    const auto first = created_secret(*c.service, confidential("rotating"));

    auto second = c.service->rotate_secret("rotating", 3600, k_actor);
    REQUIRE(second);
    REQUIRE(second->client_secret);
    CHECK(*second->client_secret != first);
    CHECK_FALSE(second->previous_secret_expires_at.empty());
    CHECK(authenticates(*c.service, "rotating", first));
    CHECK(authenticates(*c.service, "rotating", *second->client_secret));

    // A second rotation retires the first secret at once: only one previous secret is kept.
    auto third = c.service->rotate_secret("rotating", 1, k_actor);
    REQUIRE(third);
    CHECK_FALSE(authenticates(*c.service, "rotating", first));
    CHECK(authenticates(*c.service, "rotating", *third->client_secret));

    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK_FALSE(authenticates(*c.service, "rotating", *second->client_secret));
    CHECK(authenticates(*c.service, "rotating", *third->client_secret));

    // Grace 0: the old secret stops at once and no expiry is reported.
    auto fourth = c.service->rotate_secret("rotating", 0, k_actor);
    REQUIRE(fourth);
    CHECK(fourth->previous_secret_expires_at.empty());
    CHECK_FALSE(authenticates(*c.service, "rotating", *third->client_secret));
    CHECK(authenticates(*c.service, "rotating", *fourth->client_secret));
}

TEST_CASE("the default grace period is 24 hours and its bounds are checked", "[clients]") {
    Clients c;
    created_secret(*c.service, confidential("defaults"));
    auto rotated = c.service->rotate_secret("defaults", std::nullopt, k_actor);
    REQUIRE(rotated);
    const auto expires = parse_rfc3339(rotated->previous_secret_expires_at);
    REQUIRE(expires);
    CHECK(std::abs(*expires - (unix_seconds_now() + 24 * 3600)) < 120);

    CHECK(c.service->rotate_secret("defaults", -1, k_actor).error().code == ErrorCode::validation);
    CHECK(c.service->rotate_secret("defaults", 31 * 24 * 3600, k_actor).error().code == ErrorCode::validation);
    CHECK(c.service->rotate_secret("missing", 10, k_actor).error().code == ErrorCode::not_found);
    CHECK(c.service->rotate_secret("defaults", 10, k_actor, std::string("too-short")).error().code ==
          ErrorCode::validation);

    const std::string supplied(48, 'S');
    auto chosen = c.service->rotate_secret("defaults", 0, k_actor, supplied);
    REQUIRE(chosen);
    CHECK_FALSE(chosen->client_secret);  // the operator has it already
    CHECK(authenticates(*c.service, "defaults", supplied));
}

TEST_CASE("disabled, public and private_key_jwt clients do not authenticate with a secret", "[clients]") {
    Clients c;
    const auto secret = created_secret(*c.service, confidential("switch-off"));
    auto disabled = c.service->update("switch-off", {{"enabled", false}}, k_actor);
    REQUIRE(disabled);
    CHECK_FALSE(disabled->enabled);
    CHECK_FALSE(authenticates(*c.service, "switch-off", secret));
    REQUIRE(c.service->update("switch-off", {{"enabled", true}}, k_actor));
    CHECK(authenticates(*c.service, "switch-off", secret));

    oidc::ClientSpec spa;
    spa.client_id = "spa";
    spa.name = "SPA";
    spa.is_public = true;
    spa.redirect_uris = {"http://localhost:5173/callback"};
    auto created = c.service->create(spa, k_actor);
    REQUIRE(created);
    CHECK_FALSE(created->client_secret);
    CHECK_FALSE(authenticates(*c.service, "spa", ""));
    CHECK(c.service->rotate_secret("spa", 0, k_actor).error().code == ErrorCode::validation);

    // Switching to private_key_jwt stops the secret from working.
    REQUIRE(c.service->update("switch-off",
                              {{"token_endpoint_auth_method", "private_key_jwt"},
                               {"jwks_uri", "https://backend.example/jwks.json"}},
                              k_actor));
    CHECK_FALSE(authenticates(*c.service, "switch-off", secret));
}

TEST_CASE("every change to a client is audited", "[clients]") {
    Clients c;
    created_secret(*c.service, confidential("audited"));
    REQUIRE(c.service->update("audited", {{"name", "Audited"}}, k_actor));
    REQUIRE(c.service->rotate_secret("audited", 0, k_actor));
    REQUIRE(c.service->remove("audited", k_actor));
    CHECK(c.service->get("audited").error().code == ErrorCode::not_found);

    pqxx::connection conn(c.db.url());
    pqxx::nontransaction tx(conn);
    std::vector<std::string> actions;
    for (const auto& row : tx.exec("SELECT action, details->>'client_id', actor_type, actor_id FROM audit_events "
                                   "WHERE target_type = 'oauth_client' ORDER BY seq")) {
        actions.push_back(row[0].as<std::string>());
        CHECK(row[1].as<std::string>() == "audited");
        CHECK(row[2].as<std::string>() == "system");
        CHECK(row[3].as<std::string>() == "client-test");
    }
    CHECK(actions == std::vector<std::string>{"client.created", "client.updated", "client.secret_rotated", "client.deleted"});
    const auto text = tx.exec1("SELECT string_agg(details::text, ' ') FROM audit_events")[0].as<std::string>();
    CHECK(text.find("secret_hash") == std::string::npos);
}
