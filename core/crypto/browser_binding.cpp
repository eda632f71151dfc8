#include "core/crypto/browser_binding.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

#include <algorithm>

namespace janua::crypto::browser_binding {
namespace {

constexpr std::size_t k_bytes = 32;
constexpr std::size_t k_chars = 43;  // unpadded base64url of 32 bytes

bool well_formed(const std::string& value) {
    return value.size() == k_chars && std::all_of(value.begin(), value.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_';
           });
}

}  // namespace

std::string value_for(const std::string& presented) {
    return well_formed(presented) ? presented : random_token(k_bytes);
}

std::string hash_of(const std::string& value) { return sha256(value); }

bool matches(const std::optional<std::string>& stored_hash, const std::string& presented) {
    if (!stored_hash) return true;
    if (!well_formed(presented)) return false;
    return constant_time_equals(*stored_hash, sha256(presented));
}

}  // namespace janua::crypto::browser_binding
