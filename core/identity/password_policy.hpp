#pragma once
// The password rules from configuration; every unmet rule is named so the client can show all
// of them at once (422 with one detail per rule).

#include "core/common/result.hpp"
#include "core/config/config.hpp"

#include <string>
#include <vector>

namespace janua::identity {

struct PasswordPolicy {
    int min_length = 12;
    bool require_uppercase = true;
    bool require_lowercase = true;
    bool require_digit = true;
    bool require_special = false;
};

PasswordPolicy password_policy_from(const config::Config& config);

// Each unmet rule as {"rule": "...", "message": "..."}; empty when the password is acceptable.
std::vector<std::pair<std::string, std::string>> unmet_rules(const PasswordPolicy& policy, const std::string& password);

// A VALIDATION_ERROR naming each unmet rule, or Ok.
Status check_password(const PasswordPolicy& policy, const std::string& password);

}  // namespace janua::identity
