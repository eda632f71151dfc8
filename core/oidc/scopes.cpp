#include "core/oidc/scopes.hpp"

#include "core/common/time.hpp"

#include <algorithm>
#include <sstream>

namespace janua::oidc {

std::vector<std::string> parse_scope(const std::string& scope) {
    std::vector<std::string> out;
    std::istringstream in(scope);
    std::string token;
    while (in >> token)
        if (std::find(out.begin(), out.end(), token) == out.end()) out.push_back(token);
    return out;
}

std::string join_scope(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
    return out;
}

bool has_scope(const std::string& scope, const std::string& wanted) {
    const auto scopes = parse_scope(scope);
    return std::find(scopes.begin(), scopes.end(), wanted) != scopes.end();
}

bool scopes_allowed(const std::vector<std::string>& requested, const std::vector<std::string>& allowed) {
    return std::all_of(requested.begin(), requested.end(), [&](const std::string& s) {
        return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
    });
}

const std::vector<std::string>& supported_scopes() {
    static const std::vector<std::string> scopes = {"openid",  "profile",        "email",
                                                   "phone",   "offline_access", "address",
                                                   // A user's upstream tokens (core/integrations): only with their consent.
                                                   "integrations:read"};
    return scopes;
}

const std::vector<std::string>& supported_claims() {
    static const std::vector<std::string> claims = {
        "sub",         "iss",      "aud",         "exp",       "iat",         "auth_time",  "nonce",
        "acr",         "amr",      "sid",         "at_hash",   "name",        "given_name", "family_name",
        "preferred_username",      "picture",     "locale",    "zoneinfo",    "updated_at", "email",
        "email_verified",          "phone_number", "address"};
    return claims;
}

std::string acr_for(const std::vector<std::string>& amr) {
    const bool second_factor = std::any_of(amr.begin(), amr.end(), [](const std::string& m) {
        return m == "otp" || m == "hwk" || m == "mfa" || m == "swk";
    });
    return second_factor ? "aal2" : "aal1";
}

nlohmann::json user_claims(const identity::User& user, const std::string& scope) {
    nlohmann::json claims = {{"sub", user.id}};
    if (has_scope(scope, "profile")) {
        std::string name = user.display_name.value_or("");
        if (name.empty()) name = (user.first_name.value_or("") + " " + user.last_name.value_or(""));
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (!name.empty()) claims["name"] = name;
        if (user.first_name) claims["given_name"] = *user.first_name;
        if (user.last_name) claims["family_name"] = *user.last_name;
        if (user.username) claims["preferred_username"] = *user.username;
        if (user.avatar_url) claims["picture"] = *user.avatar_url;
        if (user.locale) claims["locale"] = *user.locale;
        if (user.timezone) claims["zoneinfo"] = *user.timezone;
        if (auto t = parse_rfc3339(user.updated_at)) claims["updated_at"] = *t;
    }
    if (has_scope(scope, "email")) {
        claims["email"] = user.email;
        claims["email_verified"] = user.email_verified;
    }
    if (has_scope(scope, "phone") && user.phone) claims["phone_number"] = *user.phone;
    // Janua keeps no postal address columns; an "address" object in the user's metadata is released.
    if (has_scope(scope, "address") && user.metadata.contains("address") && user.metadata["address"].is_object())
        claims["address"] = user.metadata["address"];
    return claims;
}

}  // namespace janua::oidc
