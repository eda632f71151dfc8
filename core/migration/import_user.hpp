#pragma once
// One account to import, whatever system it came from, and why a record was refused.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::migration {

// A refused record or field: an Auth0 bulk-import error code (ANY_OF_MISSING, CONFLICT_EMAIL,
// DUPLICATED_USER, ENUM_MISMATCH, FORMAT, INVALID_TYPE, MAX_LENGTH, MFA_FACTORS_FAILED, PATTERN, ...),
// the field it concerns and a reason for people.
struct Problem {
    std::string code;
    std::string field;
    std::string reason;
};

struct LinkedIdentity {
    std::string provider;
    std::string connection;
    std::string subject;
    bool is_social = false;
    nlohmann::json profile = nlohmann::json::object();
};

struct ImportUser {
    std::string external_id;  // the source's id ("auth0|…", a Keycloak id); empty: matched on email
    std::string email;
    bool email_verified = false;
    std::optional<std::string> username, first_name, last_name, display_name, avatar_url, phone;
    bool blocked = false;
    std::optional<std::string> password_hash;
    std::string password_algorithm = "bcrypt";
    nlohmann::json metadata = nlohmann::json::object();  // {app_metadata, user_metadata, ...}
    std::optional<std::string> totp_secret;               // unpadded base32
    std::vector<LinkedIdentity> identities;
    std::vector<std::string> roles;  // role names in the target organization (Keycloak)
    // A password-hash export record: sets the password of the user it names (creating the
    // user from its email when the user export did not have it).
    bool password_only = false;
    std::vector<Problem> warnings;  // imported anyway (e.g. an SMS factor Janua cannot carry)
};

// A record is either a user to import or a problem that refuses it.
struct Mapped {
    std::optional<ImportUser> user;
    Problem problem;
};

}  // namespace janua::migration
