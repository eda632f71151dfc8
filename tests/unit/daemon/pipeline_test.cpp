#include "daemon/pipeline.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using namespace janua::daemon;

namespace {

struct Fixture {
    DaemonContext context;
    Router router;
    Fixture() {
        context.config.cors_origins = {"https://app.example"};
        context.config.base_url = "http://localhost:4100";
        context.pool = std::make_unique<db::Pool>(db::PoolSettings{"postgresql://127.0.0.1:1/none", 1, 1, 10, 0, "t"});
        router.add("GET", "/things/{id}", Access::public_route, [](Request& r) {
            return Response::json(200, {{"id", r.param("id")}});
        });
        router.add("GET", "/things/special", Access::public_route, [](Request&) {
            return Response::json(200, {{"special", true}});
        });
        router.add("GET", "/boom", Access::public_route, [](Request&) -> Response {
            throw std::runtime_error("secret internal detail");
        });
        router.add("GET", "/db", Access::public_route, [](Request&) -> Response {
            throw db::DatabaseUnavailable("down");
        });
        router.add("GET", "/private", Access::user, [](Request&) { return Response::json(200, {}); });
    }
    Response call(const std::string& method, const std::string& path, HeaderMap headers = {}) {
        Pipeline pipeline(router, context);
        Request request;
        request.method = method;
        request.path = path;
        request.headers = std::move(headers);
        return pipeline.handle(request);
    }
};

nlohmann::json body_of(const Response& r) { return nlohmann::json::parse(r.body); }

}  // namespace

TEST_CASE("error envelope has code, message, details and request id", "[daemon]") {
    Response r = error_response(make_error(ErrorCode::validation, "bad email"), "req-1");
    CHECK(r.status == 422);
    auto body = body_of(r);
    CHECK(body["error"]["code"] == "VALIDATION_ERROR");
    CHECK(body["error"]["message"] == "bad email");
    CHECK(body["error"]["details"].is_array());
    CHECK(body["error"]["request_id"] == "req-1");
}

TEST_CASE("each error code maps to its HTTP status", "[daemon]") {
    CHECK(http_status(ErrorCode::bad_request) == 400);
    CHECK(http_status(ErrorCode::authentication) == 401);
    CHECK(http_status(ErrorCode::token) == 401);
    CHECK(http_status(ErrorCode::authorization) == 403);
    CHECK(http_status(ErrorCode::not_found) == 404);
    CHECK(http_status(ErrorCode::conflict) == 409);
    CHECK(http_status(ErrorCode::payload_too_large) == 413);
    CHECK(http_status(ErrorCode::account_locked) == 423);
    CHECK(http_status(ErrorCode::rate_limited) == 429);
    CHECK(http_status(ErrorCode::internal) == 500);
    CHECK(http_status(ErrorCode::unavailable) == 503);
}

TEST_CASE("unknown paths get a 404 envelope and wrong methods a 405 with Allow", "[daemon]") {
    Fixture f;
    Response missing = f.call("GET", "/nope");
    CHECK(missing.status == 404);
    CHECK(body_of(missing)["error"]["code"] == "NOT_FOUND_ERROR");
    Response wrong = f.call("DELETE", "/things/1");
    CHECK(wrong.status == 405);
    CHECK(body_of(wrong)["error"]["code"] == "BAD_REQUEST");
    bool has_allow = false;
    for (const auto& [n, v] : wrong.headers) has_allow |= (n == "Allow" && v == "GET");
    CHECK(has_allow);
}

TEST_CASE("literal path segments win over parameters", "[daemon]") {
    Fixture f;
    CHECK(body_of(f.call("GET", "/things/special"))["special"] == true);
    CHECK(body_of(f.call("GET", "/things/42"))["id"] == "42");
}

TEST_CASE("internal errors never leak their detail", "[daemon]") {
    Fixture f;
    Response r = f.call("GET", "/boom");
    CHECK(r.status == 500);
    CHECK(r.body.find("secret internal detail") == std::string::npos);
    CHECK(body_of(r)["error"]["code"] == "INTERNAL_ERROR");
    Response d = f.call("GET", "/db");
    CHECK(d.status == 503);
    CHECK(d.has_header("Retry-After"));
}

TEST_CASE("request ids are echoed when sane and generated otherwise", "[daemon]") {
    Fixture f;
    Response echoed = f.call("GET", "/nope", {{"X-Request-Id", "abc-123"}});
    CHECK(body_of(echoed)["error"]["request_id"] == "abc-123");
    Response replaced = f.call("GET", "/nope", {{"X-Request-Id", "bad id\nwith newline"}});
    CHECK(body_of(replaced)["error"]["request_id"] != "bad id\nwith newline");
    CHECK(body_of(replaced)["error"]["request_id"].get<std::string>().size() == 32);
}

TEST_CASE("security and CORS headers are set", "[daemon]") {
    Fixture f;
    Response allowed = f.call("GET", "/things/1", {{"Origin", "https://app.example"}});
    std::map<std::string, std::string> h(allowed.headers.begin(), allowed.headers.end());
    CHECK(h["Access-Control-Allow-Origin"] == "https://app.example");
    CHECK(h["X-Content-Type-Options"] == "nosniff");
    CHECK(h["Cache-Control"] == "no-store");
    Response other = f.call("GET", "/things/1", {{"Origin", "https://evil.example"}});
    CHECK_FALSE(other.has_header("Access-Control-Allow-Origin"));
    Response preflight = f.call("OPTIONS", "/things/1", {{"Origin", "https://app.example"},
                                                         {"Access-Control-Request-Method", "GET"}});
    CHECK(preflight.status == 204);
    CHECK(preflight.has_header("Access-Control-Allow-Methods"));
}

TEST_CASE("protected routes refuse anonymous callers", "[daemon]") {
    Fixture f;
    Response r = f.call("GET", "/private");
    CHECK(r.status == 401);
    CHECK(body_of(r)["error"]["code"] == "TOKEN_ERROR");
}
