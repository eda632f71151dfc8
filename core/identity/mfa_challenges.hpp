#pragma once
// The step between a first factor (password, magic link) and the second one for a user with MFA:
// an opaque `mfa_token`, stored hashed, short-lived, bound to the user and to the channel it was
// issued on (the API or the hosted login page), spent by a successful second factor and burnt
// after too many wrong codes.

#include "core/db/pool.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::identity::mfa_challenges {

constexpr int k_lifetime_minutes = 5;
constexpr int k_max_attempts = 5;

struct Challenge {
    std::string id;
    std::string user_id;
    std::vector<std::string> first_factor;  // amr values of the first factor
    int attempts = 0;
    std::optional<std::string> organization_id;  // an enterprise SSO first factor: the sign-in's organization
};

// Issue a challenge for `user_id` on `channel` ("api" or "browser"); the returned token is shown once.
std::string issue(db::Transaction& tx, const std::string& user_id, const std::vector<std::string>& first_factor,
                  const std::string& channel, const std::string& ip, const std::string& user_agent,
                  const std::optional<std::string>& organization_id = std::nullopt);

// The live (unexpired, unspent, not burnt) challenge behind `token` on `channel`, locked for update.
std::optional<Challenge> find_live(db::Transaction& tx, const std::string& token, const std::string& channel);

// Count a wrong code; returns the attempts so far. At k_max_attempts the challenge is spent.
int record_failure(db::Transaction& tx, const std::string& challenge_id);

void spend(db::Transaction& tx, const std::string& challenge_id);

}  // namespace janua::identity::mfa_challenges
