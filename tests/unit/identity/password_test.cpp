#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/password_hash.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/identity/password_policy.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <thread>

using namespace janua;
using namespace janua::identity;

namespace {

std::set<std::string> rules_of(const PasswordPolicy& policy, const std::string& password) {
    std::set<std::string> rules;
    for (const auto& [rule, message] : unmet_rules(policy, password)) rules.insert(rule);
    return rules;
}

}  // namespace

TEST_CASE("password policy names every unmet rule", "[identity]") {
    PasswordPolicy policy{12, true, true, true, true};
    CHECK(rules_of(policy, "short") == std::set<std::string>{"min_length", "uppercase", "digit", "special"});
    CHECK(rules_of(policy, "ALLUPPERCASE1!") == std::set<std::string>{"lowercase"});
    CHECK(rules_of(policy, "Good-Password-1").empty());
    CHECK(rules_of(policy, std::string(73, 'a') + "A1!").count("max_length") == 1);

    auto status = check_password(policy, "short");
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::validation);
    CHECK(status.error().details.size() == 4);
    CHECK(status.error().details[0]["field"] == "password");
}

TEST_CASE("password length counts characters, not bytes", "[identity]") {
    PasswordPolicy policy{4, false, false, false, false};
    CHECK(rules_of(policy, "\xc3\xa9\xc3\xa9\xc3\xa9").count("min_length") == 1);  // three characters, six bytes
    CHECK(rules_of(policy, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9").empty());
}

TEST_CASE("imported PBKDF2 hashes in PHC form verify", "[identity]") {
    const std::string salt = "saltsaltsalt";
    const auto derived = crypto::pbkdf2_hmac(crypto::Pbkdf2Digest::sha256, "hunter2", salt, 1000, 32);
    const std::string phc = "$pbkdf2-sha256$i=1000,l=32$" + crypto::base64_encode(salt) + "$" + crypto::base64_encode(derived);
    CHECK(verify_password_hash("hunter2", phc, "pbkdf2-sha256"));
    CHECK_FALSE(verify_password_hash("hunter3", phc, "pbkdf2-sha256"));
    CHECK_FALSE(verify_password_hash("hunter2", phc, "pbkdf2-sha512"));  // algorithm must match the hash
    CHECK_FALSE(verify_password_hash("hunter2", "$pbkdf2-sha256$i=1000$garbage", "pbkdf2-sha256"));
    // Unpadded base64, as PHC strings usually are.
    std::string unpadded = phc;
    while (unpadded.back() == '=') unpadded.pop_back();
    CHECK(verify_password_hash("hunter2", unpadded, "pbkdf2-sha256"));
}

TEST_CASE("imported salted SHA hashes verify with prefix or suffix salt", "[identity]") {
    const auto prefix = crypto::hex_encode(crypto::sha256("abc123" + std::string("correct horse")));
    CHECK(verify_password_hash("correct horse", "prefix$abc123$" + prefix, "salted-sha256"));
    CHECK_FALSE(verify_password_hash("correct horse", "suffix$abc123$" + prefix, "salted-sha256"));
    const auto suffix = crypto::hex_encode(crypto::sha256(std::string("correct horse") + "abc123"));
    CHECK(verify_password_hash("correct horse", "suffix$abc123$" + suffix, "salted-sha256"));
    CHECK_FALSE(verify_password_hash("wrong", "suffix$abc123$" + suffix, "salted-sha256"));
    CHECK_FALSE(verify_password_hash("x", "nonsense", "salted-sha256"));
    CHECK_FALSE(verify_password_hash("x", "whatever", "md5"));
}

TEST_CASE("the hashing pool hashes, verifies and flags hashes to upgrade", "[identity]") {
    PasswordHasher hasher({1, 4, 10000, 5});
    auto hash = hasher.hash("Correct-Horse-9");
    REQUIRE(hash.ok());
    CHECK(crypto::bcrypt_cost(*hash) == 5);
    CHECK(hasher.verify("Correct-Horse-9", *hash, "bcrypt").value());
    CHECK_FALSE(hasher.verify("Correct-Horse-8", *hash, "bcrypt").value());
    CHECK(hasher.needs_rehash(crypto::bcrypt_hash("x", 4), "bcrypt"));
    CHECK_FALSE(hasher.needs_rehash(*hash, "bcrypt"));
    CHECK(hasher.needs_rehash("prefix$s$00", "salted-sha256"));
}

TEST_CASE("a full hashing pool answers unavailable with Retry-After instead of waiting", "[identity]") {
    // One worker, one queue slot, a slow cost: the third and later concurrent callers are turned away.
    PasswordHasher hasher({1, 1, 20000, 12});
    std::vector<std::thread> threads;
    std::atomic<int> refused{0}, served{0};
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&] {
            auto r = hasher.hash("Correct-Horse-9");
            if (r.ok()) ++served;
            else {
                CHECK(r.error().code == ErrorCode::unavailable);
                CHECK(r.error().retry_after_seconds > 0);
                ++refused;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(refused >= 1);
    CHECK(served >= 1);
}
