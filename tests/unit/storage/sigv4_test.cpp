// AWS Signature Version 4 (core/storage/sigv4) against AWS's published examples, computed here and
// compared: the get-vanilla case of the SigV4 test suite, and the GET Object example of the S3
// API reference (a payload hash and a Range header signed, key with a path).
#include "core/crypto/hash.hpp"
#include "core/storage/object_store.hpp"
#include "core/storage/sigv4.hpp"

#include <catch2/catch.hpp>

using namespace janua::storage;

namespace {

const std::string k_empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace

TEST_CASE("sigv4 reproduces the get-vanilla vector of the AWS test suite", "[storage][sigv4]") {
    sigv4::SignedRequest request;
    request.method = "GET";
    request.canonical_path = "/";
    request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    request.payload_sha256_hex = janua::crypto::sha256_hex("");
    const sigv4::Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"};

    const std::string canonical = sigv4::canonical_request(request);
    CHECK(canonical ==
          "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + k_empty_sha256);
    CHECK(janua::crypto::sha256_hex(canonical) == "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    CHECK(sigv4::string_to_sign("20150830T123600Z", sigv4::credential_scope("20150830T123600Z", credentials), canonical) ==
          "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
          "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    CHECK(sigv4::authorization(request, credentials, "20150830T123600Z") ==
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

    // Any change to what is signed changes the signature.
    auto other = request;
    other.method = "PUT";
    CHECK(sigv4::signature(other, credentials, "20150830T123600Z") != sigv4::signature(request, credentials, "20150830T123600Z"));
    auto wrong_key = credentials;
    wrong_key.secret_access_key += "x";
    CHECK(sigv4::signature(request, wrong_key, "20150830T123600Z") != sigv4::signature(request, credentials, "20150830T123600Z"));
}

TEST_CASE("sigv4 reproduces the S3 GET Object example of the AWS documentation", "[storage][sigv4]") {
    sigv4::SignedRequest request;
    request.method = "GET";
    request.canonical_path = "/" + sigv4::uri_encode("test.txt", true);
    // Out of order and with stray spaces: canonicalisation sorts, lower-cases and trims.
    request.headers = {{"x-amz-date", "20130524T000000Z"},
                       {"Range", " bytes=0-9 "},
                       {"Host", "examplebucket.s3.amazonaws.com"},
                       {"x-amz-content-sha256", k_empty_sha256}};
    request.payload_sha256_hex = k_empty_sha256;
    const sigv4::Credentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3"};
    CHECK(janua::crypto::sha256_hex(sigv4::canonical_request(request)) ==
          "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    CHECK(sigv4::authorization(request, credentials, "20130524T000000Z") ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
          "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
          "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("sigv4 encodes URIs as AWS specifies and formats amz dates", "[storage][sigv4]") {
    CHECK(sigv4::uri_encode("avatars/a-b_c.d~e", true) == "avatars/a-b_c.d~e");
    CHECK(sigv4::uri_encode("avatars/a b+c", false) == "avatars%2Fa%20b%2Bc");
    CHECK(sigv4::uri_encode("\xc3\xa9", true) == "%C3%A9");
    CHECK(sigv4::amz_date(1440938160) == "20150830T123600Z");
}

TEST_CASE("object keys are restricted to what Janua makes", "[storage]") {
    CHECK(valid_key("avatars/abcDEF0123_-"));
    // base64url keys begin with '-' or '_' one time in 32: those must be usable too.
    CHECK(valid_key("avatars/-abcDEF0123"));
    CHECK(valid_key("avatars/_abcDEF0123"));
    for (int i = 0; i < 500; ++i) CHECK(valid_key(new_key("avatars")));
    CHECK(new_key("avatars") != new_key("avatars"));
    for (const char* bad : {"", "../etc/passwd", "avatars/../x", "avatars/.hidden", "a/b/c", "avatars/", "/x", "a b",
                            "avatars/x%2F"})
        CHECK_FALSE(valid_key(bad));
}
