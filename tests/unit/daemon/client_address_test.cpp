#include "daemon/client_address.hpp"

#include <catch2/catch.hpp>

using janua::daemon::ClientAddressResolver;

TEST_CASE("without trusted proxies the peer address is the client", "[client_address]") {
    ClientAddressResolver resolver({});
    CHECK(resolver.resolve("203.0.113.9", "198.51.100.1") == "203.0.113.9");
}

TEST_CASE("X-Forwarded-For is believed only from a trusted peer", "[client_address]") {
    ClientAddressResolver resolver({"127.0.0.1", "10.0.0.0/8"});
    CHECK(resolver.resolve("203.0.113.9", "198.51.100.1") == "203.0.113.9");
    CHECK(resolver.resolve("127.0.0.1", "198.51.100.1") == "198.51.100.1");
    CHECK(resolver.resolve("127.0.0.1", "") == "127.0.0.1");
}

TEST_CASE("the first untrusted hop from the right is the client", "[client_address]") {
    ClientAddressResolver resolver({"127.0.0.1", "10.0.0.0/8"});
    // The client forged the leftmost entry; the proxies appended the rest.
    CHECK(resolver.resolve("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3") == "198.51.100.7");
    // Every hop trusted: the leftmost one is as far as the chain goes.
    CHECK(resolver.resolve("127.0.0.1", "10.0.0.5,10.0.0.6") == "10.0.0.5");
    CHECK(resolver.resolve("127.0.0.1", "2001:db8::7") == "2001:db8::7");
}

TEST_CASE("a malformed hop ends the walk at the last trusted one", "[client_address]") {
    ClientAddressResolver resolver({"127.0.0.1", "10.0.0.0/8"});
    CHECK(resolver.resolve("127.0.0.1", "evil, 10.0.0.9") == "10.0.0.9");
    CHECK(resolver.resolve("127.0.0.1", "not-an-ip") == "127.0.0.1");
    CHECK(resolver.resolve("127.0.0.1", " , ") == "127.0.0.1");
}

TEST_CASE("a bad TRUSTED_PROXIES entry is refused with its text", "[client_address]") {
    CHECK_THROWS_WITH(ClientAddressResolver({"10.0.0.1/8"}), Catch::Contains("TRUSTED_PROXIES"));
    CHECK_THROWS_WITH(ClientAddressResolver({"proxy.local"}), Catch::Contains("proxy.local"));
}
