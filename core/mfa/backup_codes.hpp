#pragma once
// Single-use recovery codes: 16 characters of Crockford-like Base32 (78 bits, so a SHA-256 digest
// is enough to store them, like API keys), shown as xxxx-xxxx-xxxx-xxxx.

#include <optional>
#include <string>
#include <vector>

namespace janua::mfa {

constexpr int k_backup_code_count = 10;

// `count` fresh codes in their display spelling.
std::vector<std::string> generate_backup_codes(int count = k_backup_code_count);

// The canonical form of what a user typed (case and dashes/spaces ignored), or nullopt when it
// cannot be a backup code.
std::optional<std::string> normalize_backup_code(const std::string& typed);

// What is stored: SHA-256 of the canonical form.
std::string backup_code_hash(const std::string& canonical);

}  // namespace janua::mfa
