// Imported password hashes: Auth0's official custom_password_hash examples verify with their
// passwords, the rest is refused, and absurd work factors never reach the CPU.
#include "core/identity/legacy_password.hpp"

#include <catch2/catch.hpp>

using janua::identity::legacy::check_custom_password_hash;
using janua::identity::legacy::verify;
using nlohmann::json;

namespace {

std::string stored(const json& custom) {
    auto checked = check_custom_password_hash(custom);
    INFO(checked.problem.code << " " << checked.problem.message);
    REQUIRE(checked.spec);
    return checked.spec->dump();
}

std::string problem_code(const json& custom) { return check_custom_password_hash(custom).problem.code; }

}  // namespace

TEST_CASE("Auth0's official custom_password_hash examples verify with their passwords", "[identity][migration]") {
    const std::vector<std::pair<json, std::string>> examples = {
        {{{"algorithm", "md4"}, {"hash", {{"value", "AbuUujgF0pPPkJPSFRTpmA=="}, {"encoding", "base64"}}}}, "shh"},
        {{{"algorithm", "sha256"},
          {"hash", {{"value", "d24e794fce503c3ddb1cd1ba1dd5d9b250cf9917336a0316fefd87fecf79200f"}, {"encoding", "hex"}}},
          {"salt", {{"value", "abc123"}, {"position", "prefix"}}}},
         "shh"},
        {{{"algorithm", "bcrypt"}, {"hash", {{"value", "$2b$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG"}}}}, "shh"},
        {{{"algorithm", "argon2"},
          {"hash", {{"value", "$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos"}}}},
         "shh"},
        {{{"algorithm", "pbkdf2"},
          {"hash", {{"value", "$pbkdf2-sha512$i=100000,l=64$KNyFsA2rWoE$I2CQGI9H0JxdDf3kERRI97kPCGxh0KWBIV3MxyaS191gDGfzVBGyS4BibhgqWQ0/ails8mHuU9ckASxHOOq58w"}}}},
         "shh"},
        {{{"algorithm", "ldap"},
          {"hash", {{"value", "{SSHA384}/cgEjdoZh85DhurDeOQEMO1rMlAur93SVPbYe5XSD4lF7nNuvrBju5hUeg9A6agRemgSXGl5YuE="}, {"encoding", "utf8"}}}},
         "shh"},
        {{{"algorithm", "hmac"},
          {"hash", {{"value", "cg7f42jH39/2EaAU4wNd4s2lKIk="}, {"encoding", "base64"}, {"digest", "sha1"}, {"key", {{"value", "736868"}, {"encoding", "hex"}}}}}},
         "test"},
        {{{"algorithm", "scrypt"},
          {"hash", {{"value", "097f6197e1b41538f723e32aa7a68e8d76227d8e432ce5faa4882a913032db29"}, {"encoding", "hex"}}},
          {"salt", {{"value", "abc123"}, {"encoding", "utf8"}}},
          {"keylen", 32},
          {"cost", 4096}},
         "password"},
    };
    for (const auto& [custom, password] : examples) {
        INFO(custom.dump());
        const auto spec = stored(custom);
        CHECK(verify(password, spec));
        CHECK_FALSE(verify(password + "x", spec));
        CHECK_FALSE(verify("", spec));
    }
}

TEST_CASE("the plain bcrypt example of Auth0 verifies, and the pbkdf2-md4 example parses", "[identity][migration]") {
    CHECK(verify("hello", stored({{"algorithm", "bcrypt"}, {"hash", {{"value", "$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K"}}}})));
    const auto md4 = stored({{"algorithm", "pbkdf2"},
                             {"hash", {{"value", "$pbkdf2-md4$i=100000,l=64$+N375B8q0Fw$fp2R9KAM4hK/votGHC5Fu+jhqbxUD8+Nic/EMSGvNC3UP/k7wSHI0uXluHRSkZfl/BOheYqNOemayG90ZaSSQw"}, {"encoding", "utf8"}}}});
    CHECK(verify("shh", md4));
}

TEST_CASE("salt position, URL-safe base64 and password encodings follow Auth0's rules", "[identity][migration]") {
    // md5("password" + "NaCl") and sha1 of the UTF-16LE password, computed independently.
    CHECK(verify("password", stored({{"algorithm", "md5"},
                                     {"hash", {{"value", "F25B019A9470318D44D60E1416631F34"}, {"encoding", "hex"}}},
                                     {"salt", {{"value", "NaCl"}, {"position", "suffix"}}}})));
    CHECK(verify("pässword", stored({{"algorithm", "sha1"},
                                     {"hash", {{"value", "abc0ad4a961eafe8ca6e6f93f1b9d88aa44e53ee"}, {"encoding", "hex"}}},
                                     {"password", {{"encoding", "utf16le"}}}})));
}

TEST_CASE("malformed or unsupported hash descriptions are refused with Auth0 error codes", "[identity][migration]") {
    CHECK(problem_code({{"algorithm", "crypt"}, {"hash", {{"value", "x"}}}}) == "ENUM_MISMATCH");
    CHECK(problem_code({{"algorithm", "md5"}}) == "OBJECT_REQUIRED");
    CHECK(problem_code({{"algorithm", "md5"}, {"hash", {{"value", "zz"}, {"encoding", "hex"}}}}) == "FORMAT");
    CHECK(problem_code({{"algorithm", "md5"}, {"hash", {{"value", "00"}, {"encoding", "hex"}}}}) == "FORMAT");  // wrong length
    CHECK(problem_code({{"algorithm", "bcrypt"}, {"hash", {{"value", "$2x$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG"}}}}) == "FORMAT");
    CHECK(problem_code({{"algorithm", "ldap"}, {"hash", {{"value", "{CRYPT}abcdefgh"}}}}) == "ENUM_MISMATCH");
    CHECK(problem_code({{"algorithm", "argon2"}, {"hash", {{"value", "$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04q"}}},
                        {"salt", {{"value", "x"}}}}) == "NOT_PASSED");
    CHECK(problem_code({{"algorithm", "md5"}, {"hash", {{"value", "00"}}}, {"extra", 1}}) == "OBJECT_ADDITIONAL_PROPERTIES");
    CHECK(problem_code({{"algorithm", "hmac"}, {"hash", {{"value", "00"}, {"encoding", "hex"}, {"digest", "sha1"}}}}) == "OBJECT_REQUIRED");
}

TEST_CASE("absurd work factors are refused at import and never verify", "[identity][migration]") {
    CHECK(problem_code({{"algorithm", "pbkdf2"}, {"hash", {{"value", "$pbkdf2-sha256$i=900000000,l=32$YWJj$" + std::string(43, 'A')}}}}) == "MAXIMUM");
    CHECK(problem_code({{"algorithm", "argon2"}, {"hash", {{"value", "$argon2id$v=19$m=4194304,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos"}}}}) == "MAXIMUM");
    CHECK(problem_code({{"algorithm", "scrypt"}, {"hash", {{"value", std::string(64, 'a')}, {"encoding", "hex"}}},
                        {"salt", {{"value", "s"}}}, {"keylen", 32}, {"cost", 1 << 24}}) == "MAXIMUM");
    CHECK(problem_code({{"algorithm", "bcrypt"}, {"hash", {{"value", "$2b$25$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG"}}}}) == "MAXIMUM");
    // A stored description edited past the bounds (bypassing the importer) still never verifies.
    CHECK_FALSE(verify("password", R"({"algorithm":"scrypt","hash":{"value":"097f6197e1b41538f723e32aa7a68e8d76227d8e432ce5faa4882a913032db29","encoding":"hex"},"salt":{"value":"abc123"},"keylen":32,"cost":16777216})"));
    CHECK_FALSE(verify("password", "not json"));
}
