// Webhook destinations (SSRF defence) and the signature header.
#include "core/webhooks/destination.hpp"
#include "core/webhooks/endpoint.hpp"
#include "core/webhooks/signature.hpp"

#include <catch2/catch.hpp>

using namespace janua::webhooks;

TEST_CASE("non-public addresses are recognised", "[webhooks]") {
    for (const char* a : {"127.0.0.1", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                          "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::",
                          "fe80::1", "fd00::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
                          "64:ff9b::a00:1", "2001:db8::1", "not-an-address", ""}) {
        INFO(a);
        CHECK_FALSE(is_public_address(a));
    }
    for (const char* a : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
                          "::ffff:93.184.216.34"}) {
        INFO(a);
        CHECK(is_public_address(a));
    }
}

TEST_CASE("webhook URLs are parsed strictly", "[webhooks]") {
    auto u = parse_url("https://Hooks.Example.com:8443/janua?x=1");
    REQUIRE(u.ok());
    CHECK(u->host == "hooks.example.com");
    CHECK(u->port == 8443);
    CHECK(u->target == "/janua?x=1");
    auto v6 = parse_url("http://[::1]/x");
    REQUIRE(v6.ok());
    CHECK(v6->host == "::1");
    CHECK(v6->port == 80);
    for (const char* bad : {"ftp://x.example/", "https://user:pw@x.example/", "https://x.example/#frag", "x.example",
                            "https://x.example:99999/", "https:///path", "https://x .example/"}) {
        INFO(bad);
        CHECK_FALSE(parse_url(bad).ok());
    }
}

TEST_CASE("check_url refuses http and private literals unless private destinations are allowed", "[webhooks]") {
    CHECK(check_url("https://hooks.example.com/x", false).ok());
    CHECK_FALSE(check_url("http://hooks.example.com/x", false).ok());
    CHECK_FALSE(check_url("https://127.0.0.1/x", false).ok());
    CHECK_FALSE(check_url("https://localhost:8443/x", false).ok());
    CHECK_FALSE(check_url("https://[fe80::1]/x", false).ok());
    CHECK(check_url("http://127.0.0.1:8080/x", true).ok());
}

TEST_CASE("a name that resolves to loopback is refused at delivery time", "[webhooks]") {
    auto url = parse_url("https://localhost/x");
    REQUIRE(url.ok());
    auto refused = resolve(*url, false);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error().message, Catch::Contains("non-public address"));
    auto allowed = resolve(*url, true);
    REQUIRE(allowed.ok());
    CHECK_FALSE(is_public_address(allowed->address));
}

TEST_CASE("the signature header is t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>", "[webhooks]") {
    // Reference value: printf '%s' '1700000000.{"id":"evt"}' | openssl dgst -sha256 -hmac whsec_test
    CHECK(signature_header("whsec_test", 1700000000, R"({"id":"evt"})") ==
          "t=1700000000,v1=a94cea056df1fbb92eadafcf2c5cd541dbe0c6ef736e4748202dd53f86694a3e");
    const auto secret = generate_secret();
    CHECK(secret.rfind("whsec_", 0) == 0);
    CHECK(secret.size() == 6 + 43);
    CHECK(generate_secret() != secret);
}

TEST_CASE("event type patterns", "[webhooks]") {
    CHECK(validate_event_types({"*"}).ok());
    CHECK(validate_event_types({"user.signin", "user.*", "session.refresh_token_reused"}).ok());
    CHECK_FALSE(validate_event_types({}).ok());
    CHECK_FALSE(validate_event_types({"User.Signin"}).ok());
    CHECK_FALSE(validate_event_types({"user.*.x"}).ok());
    CHECK_FALSE(validate_event_types({"user."}).ok());
}
