#include "core/identity/password_policy.hpp"

#include "core/crypto/password_hash.hpp"

#include <algorithm>
#include <cctype>

namespace janua::identity {

PasswordPolicy password_policy_from(const config::Config& c) {
    return {c.password_min_length, c.password_require_uppercase, c.password_require_lowercase, c.password_require_digit,
            c.password_require_special};
}

std::vector<std::pair<std::string, std::string>> unmet_rules(const PasswordPolicy& policy, const std::string& password) {
    std::vector<std::pair<std::string, std::string>> unmet;
    auto any = [&](int (*predicate)(int)) {
        return std::any_of(password.begin(), password.end(), [&](unsigned char c) { return predicate(c) != 0; });
    };
    // Length counts characters, not bytes, so non-ASCII passwords are not penalised.
    const auto characters = std::count_if(password.begin(), password.end(),
                                          [](unsigned char c) { return (c & 0xC0) != 0x80; });
    if (characters < policy.min_length)
        unmet.emplace_back("min_length", "must be at least " + std::to_string(policy.min_length) + " characters");
    // bcrypt ignores everything after 72 bytes: refuse rather than silently truncate.
    if (password.size() > crypto::bcrypt_max_password_bytes)
        unmet.emplace_back("max_length", "must be at most 72 bytes");
    if (password.find('\0') != std::string::npos) unmet.emplace_back("no_nul", "must not contain NUL characters");
    if (policy.require_uppercase && !any(::isupper)) unmet.emplace_back("uppercase", "must contain an upper-case letter");
    if (policy.require_lowercase && !any(::islower)) unmet.emplace_back("lowercase", "must contain a lower-case letter");
    if (policy.require_digit && !any(::isdigit)) unmet.emplace_back("digit", "must contain a digit");
    if (policy.require_special &&
        !std::any_of(password.begin(), password.end(), [](unsigned char c) { return !std::isalnum(c); }))
        unmet.emplace_back("special", "must contain a character that is not a letter or digit");
    return unmet;
}

Status check_password(const PasswordPolicy& policy, const std::string& password) {
    const auto unmet = unmet_rules(policy, password);
    if (unmet.empty()) return Ok{};
    Error error = make_error(ErrorCode::validation, "password does not meet the policy");
    error.details = nlohmann::json::array();
    for (const auto& [rule, message] : unmet)
        error.details.push_back({{"field", "password"}, {"rule", rule}, {"message", "password " + message}});
    return error;
}

}  // namespace janua::identity
