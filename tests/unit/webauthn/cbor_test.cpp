// The bounded CBOR reader: RFC 8949 examples, and the inputs that make an unbounded decoder
// allocate gigabytes or read past the end.
#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/cbor.hpp"
#include "core/webauthn/cose_key.hpp"

#include <catch2/catch.hpp>

using namespace janua::webauthn;

namespace {
std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}
}  // namespace

TEST_CASE("cbor decodes the RFC 8949 examples WebAuthn uses", "[unit][webauthn]") {
    CHECK(cbor::decode(bytes({0x00}))->integer == 0);
    CHECK(cbor::decode(bytes({0x18, 0x64}))->integer == 100);
    CHECK(cbor::decode(bytes({0x39, 0x01, 0x00}))->integer == -257);
    CHECK(cbor::decode(bytes({0x26}))->integer == -7);
    auto text = cbor::decode(bytes({0x64, 'I', 'E', 'T', 'F'}));
    REQUIRE(text);
    CHECK(text->type == cbor::Value::Type::text);
    CHECK(text->string == "IETF");
    auto map = cbor::decode(bytes({0xa2, 0x01, 0x02, 0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e'}));
    REQUIRE(map);
    CHECK(map->find(1)->integer == 2);
    CHECK(map->find("fmt")->string == "none");
    auto array = cbor::decode(bytes({0x83, 0x01, 0x02, 0x03}));
    REQUIRE(array);
    CHECK(array->array->size() == 3);
    CHECK(cbor::decode(bytes({0xf5}))->boolean);
}

TEST_CASE("cbor refuses declared lengths beyond the input before allocating", "[unit][webauthn]") {
    std::string why;
    // A map declaring ~3.1 billion pairs in five bytes (what makes libcbor 0.8 ask for ~50 GB).
    CHECK_FALSE(cbor::decode(bytes({0xba, 0xba, 0xba, 0xba, 0xba}), &why));
    CHECK(why == "map longer than the input");
    CHECK_FALSE(cbor::decode(bytes({0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), &why));  // array of 2^63
    CHECK(why == "array longer than the input");
    CHECK_FALSE(cbor::decode(bytes({0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), &why));  // 2^64-1 byte string
    CHECK_FALSE(cbor::decode(bytes({0x45, 'a', 'b'}), &why));  // 5-byte string, 2 bytes there
    CHECK(why == "string longer than the input");
}

TEST_CASE("cbor refuses truncation, depth bombs, indefinite lengths, duplicates and trailing bytes", "[unit][webauthn]") {
    CHECK_FALSE(cbor::decode(""));
    CHECK_FALSE(cbor::decode(bytes({0x19, 0x01})));        // truncated argument
    CHECK_FALSE(cbor::decode(bytes({0x82, 0x01})));        // array missing an element
    CHECK_FALSE(cbor::decode(std::string(100, '\x81')));   // 100 nested arrays
    CHECK_FALSE(cbor::decode(bytes({0x9f, 0x01, 0xff})));  // indefinite array
    CHECK_FALSE(cbor::decode(bytes({0xa2, 0x01, 0x01, 0x01, 0x02})));  // duplicate key
    CHECK_FALSE(cbor::decode(bytes({0xc0, 0x01})));        // a tag
    CHECK_FALSE(cbor::decode(bytes({0xf9, 0x3c, 0x00})));  // a float
    CHECK_FALSE(cbor::decode(bytes({0x01, 0x02})));        // trailing byte
    auto prefix = cbor::decode_prefix(bytes({0x01, 0x02}));
    REQUIRE(prefix);
    CHECK(prefix->consumed == 1);
}

TEST_CASE("authenticator data: lengths are checked against the bytes present", "[unit][webauthn]") {
    CHECK_FALSE(parse_authenticator_data(std::string(36, '\0')));
    std::string minimal(37, '\0');
    minimal[32] = 0x05;  // UP + UV
    auto ok = parse_authenticator_data(minimal);
    REQUIRE(ok);
    CHECK(ok->user_present());
    CHECK(ok->user_verified());
    // AT set but the attested data is missing or declares a longer credential id than present.
    std::string attested = minimal;
    attested[32] = 0x45;
    CHECK_FALSE(parse_authenticator_data(attested));
    attested += std::string(16, '\0') + bytes({0xff, 0xff}) + "abc";
    CHECK_FALSE(parse_authenticator_data(attested));
    // Backup state without backup eligibility is invalid.
    std::string bs = minimal;
    bs[32] = 0x15;
    CHECK_FALSE(parse_authenticator_data(bs));
    // Trailing bytes are refused.
    CHECK_FALSE(parse_authenticator_data(minimal + "x"));
    // Garbage attestation objects: clear errors.
    CHECK_FALSE(parse_attestation_object(bytes({0xba, 0xba, 0xba, 0xba, 0xba})));
    CHECK_FALSE(parse_attestation_object(bytes({0xa0})));
}

TEST_CASE("COSE keys: unsupported algorithms and wrong key types are refused", "[unit][webauthn]") {
    // {1: 2, 3: -7, -1: 1} without x/y.
    CHECK_FALSE(public_key_from_cose_bytes(bytes({0xa3, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01})));
    // alg -36 (ES512) is not offered.
    CHECK_FALSE(public_key_from_cose_bytes(bytes({0xa2, 0x01, 0x02, 0x03, 0x38, 0x23})));
    CHECK_FALSE(public_key_from_cose_bytes(bytes({0x01})));
}

TEST_CASE("cbor refuses containers with more entries than WebAuthn ever sends", "[unit][webauthn]") {
    // 65 and 64 one-byte integers: the input is long enough, only the count is refused.
    std::string many(1, static_cast<char>(0x98));  // array, one-byte count follows
    many += static_cast<char>(65);
    many += std::string(65, '\x01');
    std::string why;
    CHECK_FALSE(cbor::decode(many, &why));
    CHECK(why.find("too many") != std::string::npos);
    std::string enough(1, static_cast<char>(0x98));
    enough += static_cast<char>(64);
    enough += std::string(64, '\x01');
    CHECK(cbor::decode(enough));
    // A map of 65 distinct integer keys is refused before the duplicate-key scan runs.
    std::string map(1, static_cast<char>(0xb8));
    map += static_cast<char>(65);
    for (int i = 0; i < 65; ++i) map += std::string{static_cast<char>(0x18), static_cast<char>(i + 24), '\x00'};
    CHECK_FALSE(cbor::decode(map, &why));
}
