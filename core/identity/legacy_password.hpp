#pragma once
// Verification of password hashes imported from other identity systems (Auth0's
// custom_password_hash, Keycloak credentials), stored as users.password_algorithm = 'legacy'
// with the hash description as JSON in users.password_hash. A successful sign-in re-hashes the
// password to bcrypt, so these only live until each user's next sign-in.
//
// Every work factor is bounded (k_limits): an import file is admin input, but a hash with an
// absurd cost would let any anonymous sign-in attempt burn seconds of CPU or gigabytes of memory.
// Hashes beyond the bounds are refused at import and never verify.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace janua::identity::legacy {

struct Limits {
    int bcrypt_max_cost = 16;
    long pbkdf2_max_iterations = 1'000'000;
    int max_key_bytes = 256;
    unsigned long scrypt_max_cost = 1UL << 20;
    unsigned long scrypt_max_memory_bytes = 256UL << 20;  // 128 * N * r
    unsigned long scrypt_max_work = 1UL << 27;            // N * r * p
    unsigned argon2_max_memory_kib = 262'144;
    unsigned argon2_max_time = 16;
    unsigned argon2_max_lanes = 16;
    std::size_t max_field_chars = 2048;
};
inline constexpr Limits k_limits{};

// Why a hash description was refused, with the Auth0 bulk-import error code it maps to
// (ENUM_MISMATCH, INVALID_TYPE, OBJECT_REQUIRED, FORMAT, MAXIMUM, ...) and the field path.
struct Problem {
    std::string code;
    std::string field;
    std::string message;
};

struct Checked {
    std::optional<nlohmann::json> spec;  // the normalized description to store
    Problem problem;                      // when spec is empty
};

// Check an Auth0 custom_password_hash object (current schema: hash is an object) and return
// the normalized description: defaults filled in, every value decodable, every work factor in
// bounds. The legacy schema (hash as a string) is converted by the importer first.
Checked check_custom_password_hash(const nlohmann::json& custom);

// Whether `password` (UTF-8, as typed) matches a stored description. Malformed descriptions,
// unknown algorithms and out-of-bounds parameters give false; comparisons are constant-time.
bool verify(std::string_view password, const std::string& stored);

}  // namespace janua::identity::legacy
