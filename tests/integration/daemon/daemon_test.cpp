#include "tests/support/harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace janua::test;
using nlohmann::json;

namespace {

void migrate(const TempDatabase& db) {
    auto result = run_janua({"db", "migrate", "--database-url", db.url()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

json error_of(const HttpResponse& r) {
    auto body = json::parse(r.body);
    REQUIRE(body.contains("error"));
    return body["error"];
}

int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

void send_all(int fd, const std::string& text) { REQUIRE(::send(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())); }

std::string read_all(int fd) {
    std::string out;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) out.append(buffer, static_cast<size_t>(n));
    return out;
}

}  // namespace

TEST_CASE("januad is ready once the schema is current and answers health probes", "[daemon]") {
    TempDatabase db;
    DaemonProcess daemon(db.url());
    REQUIRE(daemon.wait_live());

    auto not_ready = http("GET", daemon.base_url(), "/health/ready");
    CHECK(not_ready.status == 503);
    CHECK(json::parse(not_ready.body)["checks"]["migrations"] == "behind");

    migrate(db);
    REQUIRE(daemon.wait_ready(std::chrono::seconds(5)));
    auto ready = http("GET", daemon.base_url(), "/ready");
    CHECK(ready.status == 200);
    CHECK(json::parse(ready.body)["status"] == "ready");
    CHECK(json::parse(http("GET", daemon.base_url(), "/health").body)["status"] == "healthy");
    CHECK(json::parse(http("GET", daemon.base_url(), "/health/live").body)["status"] == "alive");
    CHECK_FALSE(ready.header("X-Request-Id").empty());
}

TEST_CASE("januad --migrate applies migrations before serving", "[daemon]") {
    TempDatabase db;
    DaemonProcess daemon(db.url(), {}, {"--migrate"});
    REQUIRE(daemon.wait_ready());
}

TEST_CASE("januad answers 404, 405 and 413 with the error envelope", "[daemon]") {
    TempDatabase db;
    migrate(db);
    DaemonProcess daemon(db.url(), {{"MAX_REQUEST_BODY_BYTES", "2048"}});
    REQUIRE(daemon.wait_ready());

    auto missing = http("GET", daemon.base_url(), "/no/such/route", "", {{"X-Request-Id", "trace-42"}});
    CHECK(missing.status == 404);
    CHECK(error_of(missing)["code"] == "NOT_FOUND_ERROR");
    CHECK(error_of(missing)["request_id"] == "trace-42");
    CHECK(missing.header("X-Request-Id") == "trace-42");

    auto wrong_method = http("POST", daemon.base_url(), "/health", "{}");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.header("Allow") == "GET");

    auto too_big = http("POST", daemon.base_url(), "/api/v1/auth/signup", std::string(4096, 'x'));
    CHECK(too_big.status == 413);
    CHECK(error_of(too_big)["code"] == "PAYLOAD_TOO_LARGE");

    CHECK(missing.header("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("januad exposes Prometheus metrics by route and status", "[daemon]") {
    TempDatabase db;
    migrate(db);
    DaemonProcess daemon(db.url());
    REQUIRE(daemon.wait_ready());
    http("GET", daemon.base_url(), "/health");
    http("GET", daemon.base_url(), "/missing");
    auto metrics = http("GET", daemon.base_url(), "/metrics");
    REQUIRE(metrics.status == 200);
    CHECK(metrics.header("Content-Type").find("text/plain") == 0);
    CHECK(metrics.body.find(R"(janua_http_requests_total{method="GET",route="/health",status="200"} 1)") != std::string::npos);
    CHECK(metrics.body.find(R"(route="unmatched",status="404")") != std::string::npos);
    CHECK(metrics.body.find("janua_http_request_duration_seconds_bucket") != std::string::npos);
    CHECK(metrics.body.find("janua_db_pool_connections{state=\"idle\"}") != std::string::npos);
}

TEST_CASE("januad reports 503 while PostgreSQL is down and recovers by itself", "[daemon][postgres-restart]") {
    TempDatabase db;
    migrate(db);
    DaemonProcess daemon(db.url());
    REQUIRE(daemon.wait_ready());

    stop_postgres();
    const auto before = std::chrono::steady_clock::now();
    auto down = http("GET", daemon.base_url(), "/health/ready");
    const auto took = std::chrono::steady_clock::now() - before;
    start_postgres();  // restart first so a failed check below cannot leave the cluster down
    CHECK(down.status == 503);
    CHECK(json::parse(down.body)["checks"]["database"] == "unreachable");
    CHECK(took < std::chrono::seconds(3));

    CHECK(daemon.wait_ready(std::chrono::seconds(15)));
}

TEST_CASE("januad finishes in-flight requests on SIGTERM and then exits", "[daemon]") {
    TempDatabase db;
    migrate(db);
    DaemonProcess daemon(db.url());
    REQUIRE(daemon.wait_ready());

    // A request whose body is still arriving when the signal comes.
    const int fd = connect_to(daemon.port());
    send_all(fd, "POST /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                 "Content-Length: 10\r\n\r\n{\"a\":");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    daemon.signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(daemon.running());
    send_all(fd, "12345");
    const std::string response = read_all(fd);
    ::close(fd);
    CHECK(response.rfind("HTTP/1.1 404", 0) == 0);
    CHECK(response.find("NOT_FOUND_ERROR") != std::string::npos);

    auto code = daemon.wait_exit(std::chrono::seconds(15));
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(http("GET", daemon.base_url(), "/health").status == 0);  // no longer listening
}

TEST_CASE("januad refuses an invalid setting with one line naming it", "[daemon]") {
    auto result = run_process({januad_path(), "--check-config"}, {{"BCRYPT_ROUNDS", "many"}});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("BCRYPT_ROUNDS") != std::string::npos);
    auto prod = run_process({januad_path(), "--check-config"}, {{"ENVIRONMENT", "production"}});
    CHECK(prod.exit_code == 2);
    CHECK(prod.err.find("FIELD_ENCRYPTION_KEY") != std::string::npos);
}

TEST_CASE("sign-in attempts over the per-IP budget get 429 with Retry-After", "[daemon][ratelimit]") {
    TempDatabase db;
    migrate(db);
    DaemonProcess daemon(db.url(), {{"RATE_LIMIT_PER_MINUTE", "3"}, {"RATE_LIMIT_PER_HOUR", "100"}});
    REQUIRE(daemon.wait_ready());
    const std::string body = R"({"email":"nobody@example.com","password":"Wrong-Password-1"})";
    int limited = 0;
    std::string retry_after;
    for (int i = 0; i < 5; ++i) {
        auto r = http("POST", daemon.base_url(), "/api/v1/auth/signin", body);
        // Every answer tells the client its budget (RateLimit-* of the IETF httpapi draft).
        CHECK(r.header("RateLimit-Limit") == "3");
        CHECK(r.header("RateLimit-Policy") == "3;w=60");
        CHECK_FALSE(r.header("RateLimit-Reset").empty());
        if (r.status == 429) {
            ++limited;
            retry_after = r.header("Retry-After");
            CHECK(error_of(r)["code"] == "RATE_LIMIT_ERROR");
            CHECK(r.header("RateLimit-Remaining") == "0");
        } else {
            CHECK(r.status == 401);
            CHECK(std::stoi(r.header("RateLimit-Remaining")) <= 2);
        }
    }
    // Within one minute window at most 3 pass; a window boundary during the loop may allow up to 3 more.
    CHECK(limited >= 1);
    CHECK_FALSE(retry_after.empty());
    // Routes outside the budget are unaffected.
    auto health = http("GET", daemon.base_url(), "/health");
    CHECK(health.status == 200);
    CHECK(health.header("RateLimit-Limit").empty());
}
