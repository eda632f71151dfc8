#include "core/federation/upstream_profile.hpp"

#include "core/federation/failure.hpp"

namespace janua::federation {
namespace {

std::optional<std::string> text(const nlohmann::json& object, const char* name, std::size_t max = 255) {
    if (!object.is_object() || !object.contains(name) || !object[name].is_string()) return std::nullopt;
    auto value = object[name].get<std::string>();
    if (value.empty() || value.size() > max) return std::nullopt;
    return value;
}

bool truthy(const nlohmann::json& object, const char* name) {
    if (!object.is_object() || !object.contains(name)) return false;
    const auto& v = object[name];
    return (v.is_boolean() && v.get<bool>()) || (v.is_string() && v.get<std::string>() == "true");
}

// A subject from a string or an integer id (GitHub and Discord use numbers or numeric strings).
std::optional<std::string> id_of(const nlohmann::json& object, const char* name) {
    if (!object.is_object() || !object.contains(name)) return std::nullopt;
    const auto& v = object[name];
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
    if (v.is_string() && !v.get<std::string>().empty() && v.get<std::string>().size() <= 255) return v.get<std::string>();
    return std::nullopt;
}

Error no_subject(const char* provider) {
    return login_failure("subject_missing", std::string("the ") + provider + " profile has no user id");
}

}  // namespace

UpstreamProfile profile_from_claims(const nlohmann::json& claims, const std::string& verified_claim) {
    UpstreamProfile p;
    p.subject = text(claims, "sub").value_or("");
    p.email = text(claims, "email", 320);
    p.email_verified = p.email && truthy(claims, verified_claim.c_str());
    p.first_name = text(claims, "given_name");
    p.last_name = text(claims, "family_name");
    p.name = text(claims, "name");
    return p;
}

Result<UpstreamProfile> github_profile(const nlohmann::json& user, const nlohmann::json& emails) {
    UpstreamProfile p;
    auto id = id_of(user, "id");
    if (!id) return no_subject("GitHub");
    p.subject = *id;
    p.name = text(user, "name");
    if (emails.is_array()) {
        for (const auto& entry : emails) {
            if (!entry.is_object() || !truthy(entry, "primary")) continue;
            p.email = text(entry, "email", 320);
            p.email_verified = p.email && truthy(entry, "verified");
            break;
        }
    }
    return p;
}

Result<UpstreamProfile> discord_profile(const nlohmann::json& me) {
    UpstreamProfile p;
    auto id = id_of(me, "id");
    if (!id) return no_subject("Discord");
    p.subject = *id;
    p.email = text(me, "email", 320);
    p.email_verified = p.email && truthy(me, "verified");
    p.name = text(me, "global_name");
    if (!p.name) p.name = text(me, "username");
    return p;
}

Result<UpstreamProfile> twitter_profile(const nlohmann::json& me) {
    UpstreamProfile p;
    const auto data = me.is_object() && me.contains("data") ? me["data"] : nlohmann::json();
    auto id = id_of(data, "id");
    if (!id) return no_subject("X");
    p.subject = *id;
    p.name = text(data, "name");
    return p;
}

}  // namespace janua::federation
