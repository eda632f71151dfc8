#include "core/federation/provider.hpp"

#include "core/federation/apple_secret.hpp"
#include "core/federation/presets.hpp"
#include "core/webhooks/destination.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace janua::federation {
namespace {

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

const std::set<std::string> k_known_members = {
    "slug",           "display_name",     "preset",        "issuer",           "authorization_endpoint",
    "token_endpoint", "userinfo_endpoint", "emails_endpoint", "client_id",      "client_secret",
    "scopes",         "enabled",          "allowed_domains", "jit_provisioning", "default_role",
    "apple_signing_key", "store_tokens"};

// A string member: absent (nullopt), null (empty optional inside) or a string within `max` bytes.
Result<std::optional<std::optional<std::string>>> string_member(const nlohmann::json& body, const char* field,
                                                                std::size_t max) {
    using Out = std::optional<std::optional<std::string>>;
    if (!body.contains(field)) return Out{};
    if (body[field].is_null()) return Out{std::optional<std::string>{}};
    if (!body[field].is_string()) return invalid(field, "must be a string");
    const auto value = body[field].get<std::string>();
    if (value.size() > max) return invalid(field, "must be at most " + std::to_string(max) + " characters");
    return Out{std::optional<std::string>{value}};
}

Result<std::optional<std::vector<std::string>>> list_member(const nlohmann::json& body, const char* field,
                                                            std::size_t max_items) {
    using Out = std::optional<std::vector<std::string>>;
    if (!body.contains(field)) return Out{};
    if (!body[field].is_array()) return invalid(field, "must be an array of strings");
    if (body[field].size() > max_items) return invalid(field, "may have at most " + std::to_string(max_items) + " entries");
    std::vector<std::string> out;
    for (const auto& item : body[field]) {
        if (!item.is_string() || item.get<std::string>().empty() || item.get<std::string>().size() > 255)
            return invalid(field, "must be an array of non-empty strings (at most 255 characters each)");
        out.push_back(item.get<std::string>());
    }
    return Out{out};
}

Result<std::optional<bool>> bool_member(const nlohmann::json& body, const char* field) {
    if (!body.contains(field)) return std::optional<bool>{};
    if (!body[field].is_boolean()) return invalid(field, "must be true or false");
    return std::optional<bool>{body[field].get<bool>()};
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

IdentityProvider new_provider(const std::optional<std::string>& organization_id) {
    IdentityProvider p;
    p.organization_id = organization_id;
    return p;
}

nlohmann::json to_json(const IdentityProvider& p) {
    nlohmann::json out = {{"id", p.id},
                          {"organization_id", optional_json(p.organization_id)},
                          {"slug", p.slug},
                          {"display_name", p.display_name},
                          {"preset", p.preset},
                          {"protocol", p.protocol},
                          {"issuer", optional_json(p.issuer)},
                          {"authorization_endpoint", optional_json(p.authorization_endpoint)},
                          {"token_endpoint", optional_json(p.token_endpoint)},
                          {"userinfo_endpoint", optional_json(p.userinfo_endpoint)},
                          {"emails_endpoint", optional_json(p.emails_endpoint)},
                          {"client_id", p.client_id},
                          {"client_secret_set", p.client_secret_encrypted.has_value()},
                          {"scopes", p.scopes},
                          {"enabled", p.enabled},
                          {"store_tokens", p.store_tokens},
                          {"created_at", p.created_at},
                          {"updated_at", p.updated_at}};
    if (p.organization_id) {
        out["allowed_domains"] = p.allowed_domains;
        out["jit_provisioning"] = p.jit_provisioning;
        out["default_role"] = p.default_role;
    }
    return out;
}

Status apply_spec(IdentityProvider& t, const nlohmann::json& body, bool creating, bool allow_private,
                  std::optional<std::string>& new_secret) {
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!k_known_members.count(it.key()))
            return invalid(it.key(), "is not a member of an identity provider configuration");

    auto preset_name = string_member(body, "preset", 32);
    if (!preset_name) return preset_name.error();
    if (!creating && preset_name.value() && preset_name.value().value_or("") != t.preset)
        return invalid("preset", "cannot change; delete the provider and create it again");
    if (creating) {
        auto issuer_given = body.contains("issuer") && body["issuer"].is_string();
        t.preset = preset_name.value() && preset_name.value()->has_value() ? **preset_name.value()
                                                                          : (issuer_given ? "oidc" : "");
        if (t.preset.empty()) return invalid("preset", "is required (google, github, microsoft, ...) unless issuer is given");
    }
    const auto preset = find_preset(t.preset);
    if (!preset) {
        std::string names;
        for (const auto& p : all_presets()) names += (names.empty() ? "" : ", ") + p.name;
        return invalid("preset", "must be one of " + names);
    }
    if (creating) {
        t.protocol = preset->protocol;
        t.display_name = preset->display_name;
        t.scopes = preset->scopes;
        if (!t.organization_id && preset->name != "oidc") t.slug = preset->name;
        auto preset_url = [](const std::string& v) { return v.empty() ? std::optional<std::string>{} : std::optional<std::string>{v}; };
        t.issuer = preset_url(preset->issuer);
        t.authorization_endpoint = preset_url(preset->authorization_endpoint);
        t.token_endpoint = preset_url(preset->token_endpoint);
        t.userinfo_endpoint = preset_url(preset->userinfo_endpoint);
        t.emails_endpoint = preset_url(preset->emails_endpoint);
    }

    struct Text {
        const char* field;
        std::size_t max;
        std::optional<std::string>* target;
    };
    for (const Text& text : {Text{"issuer", 2048, &t.issuer}, Text{"authorization_endpoint", 2048, &t.authorization_endpoint},
                             Text{"token_endpoint", 2048, &t.token_endpoint}, Text{"userinfo_endpoint", 2048, &t.userinfo_endpoint},
                             Text{"emails_endpoint", 2048, &t.emails_endpoint}}) {
        auto value = string_member(body, text.field, text.max);
        if (!value) return value.error();
        if (value.value()) *text.target = *value.value();
    }
    for (auto [field, target] : {std::pair<const char*, std::string*>{"slug", &t.slug},
                                 {"display_name", &t.display_name}, {"client_id", &t.client_id},
                                 {"default_role", &t.default_role}}) {
        auto value = string_member(body, field, field == std::string("client_id") ? 512 : 200);
        if (!value) return value.error();
        if (value.value()) {
            if (!value.value()->has_value()) return invalid(field, "cannot be null");
            *target = **value.value();
        }
    }
    auto secret = string_member(body, "client_secret", 8192);
    if (!secret) return secret.error();
    if (secret.value()) {
        if (secret.value()->has_value() && (*secret.value())->empty()) return invalid("client_secret", "must not be empty (send null to remove it)");
        new_secret = *secret.value();
        if (!new_secret) t.client_secret_encrypted.reset();
    }
    // Sign in with Apple: the .p8 key januad signs each client-secret JWT with, instead of a JWT
    // the administrator makes and renews (core/federation/apple_secret.hpp).
    if (body.contains("apple_signing_key")) {
        const auto& k = body["apple_signing_key"];
        if (t.preset != "apple") return invalid("apple_signing_key", "is only for the apple preset");
        if (body.contains("client_secret")) return invalid("apple_signing_key", "give either client_secret or apple_signing_key");
        if (!k.is_object() || !k.contains("team_id") || !k["team_id"].is_string() || !k.contains("key_id") ||
            !k["key_id"].is_string() || !k.contains("private_key") || !k["private_key"].is_string() ||
            k["private_key"].get<std::string>().size() > 8192)
            return invalid("apple_signing_key", "must be an object with team_id, key_id and private_key (the .p8 file's text)");
        AppleSigningKey key{k["team_id"].get<std::string>(), k["key_id"].get<std::string>(), k["private_key"].get<std::string>()};
        if (auto ok = check_apple_signing_key(key); !ok) return ok.error();
        new_secret = serialize_apple_signing_key(key);
    }
    auto scopes = list_member(body, "scopes", 32);
    if (!scopes) return scopes.error();
    if (scopes.value()) t.scopes = *scopes.value();
    auto domains = list_member(body, "allowed_domains", 100);
    if (!domains) return domains.error();
    if (domains.value()) {
        t.allowed_domains.clear();
        for (const auto& d : *domains.value()) t.allowed_domains.push_back(lower(d));
    }
    auto enabled = bool_member(body, "enabled");
    if (!enabled) return enabled.error();
    if (enabled.value()) t.enabled = *enabled.value();
    auto jit = bool_member(body, "jit_provisioning");
    if (!jit) return jit.error();
    if (jit.value()) t.jit_provisioning = *jit.value();
    auto store = bool_member(body, "store_tokens");
    if (!store) return store.error();
    if (store.value()) t.store_tokens = *store.value();

    // The result as a whole.
    static const std::regex slug_pattern("^[a-z0-9][a-z0-9-]{0,62}$");
    if (!std::regex_match(t.slug, slug_pattern))
        return invalid("slug", t.slug.empty() ? "is required for this preset (lower-case letters, digits and '-')"
                                              : "must be 1-63 lower-case letters, digits or '-', starting with a letter or digit");
    if (t.display_name.empty()) return invalid("display_name", "must not be empty");
    if (t.client_id.empty()) return invalid("client_id", "is required");
    if (t.protocol == "oidc" && !t.issuer) return invalid("issuer", "is required for an OpenID Connect provider");
    if (t.protocol == "oauth2") {
        for (auto [field, value] : {std::pair<const char*, std::optional<std::string>*>{"authorization_endpoint", &t.authorization_endpoint},
                                    {"token_endpoint", &t.token_endpoint}, {"userinfo_endpoint", &t.userinfo_endpoint}})
            if (!*value) return invalid(field, "is required for an OAuth 2.0 provider");
    }
    for (auto [field, value] : {std::pair<const char*, const std::optional<std::string>*>{"issuer", &t.issuer},
                                {"authorization_endpoint", &t.authorization_endpoint}, {"token_endpoint", &t.token_endpoint},
                                {"userinfo_endpoint", &t.userinfo_endpoint}, {"emails_endpoint", &t.emails_endpoint}}) {
        if (!*value) continue;
        if (auto checked = webhooks::check_url(**value, allow_private); !checked) {
            Error e = checked.error();
            e.message = std::string(field) + e.message.substr(3);  // "url must ..." -> "<field> must ..."
            e.details = nlohmann::json::array({{{"field", field}, {"message", e.message}}});
            return e;
        }
        if (value->value().find('?') != std::string::npos && std::string(field) == "issuer")
            return invalid("issuer", "must not have a query");
    }
    for (const auto& scope : t.scopes)
        for (char c : scope)
            if (c <= 0x20 || c == '"' || c == '\\' || c >= 0x7f) return invalid("scopes", "must be scope tokens without spaces or quotes");
    if (t.protocol == "oidc" && std::find(t.scopes.begin(), t.scopes.end(), "openid") == t.scopes.end())
        return invalid("scopes", "must include openid for an OpenID Connect provider");
    static const std::regex domain_pattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$");
    for (const auto& d : t.allowed_domains)
        if (!std::regex_match(d, domain_pattern)) return invalid("allowed_domains", "must hold domain names such as example.com");
    if (!t.organization_id) {
        if (body.contains("allowed_domains") || body.contains("jit_provisioning") || body.contains("default_role"))
            return invalid(body.contains("allowed_domains") ? "allowed_domains"
                                                            : (body.contains("jit_provisioning") ? "jit_provisioning" : "default_role"),
                           "applies to an organization's enterprise connection only");
    } else if (t.store_tokens) {
        // Upstream API access is a user's integration (GET /api/v1/integrations), not the organization's.
        return invalid("store_tokens", "applies to a platform social provider only");
    }
    return Ok{};
}

bool email_domain_allowed(const std::string& email, const std::vector<std::string>& domains) {
    if (domains.empty()) return true;
    const auto at = email.rfind('@');
    if (at == std::string::npos) return false;
    const std::string domain = lower(email.substr(at + 1));
    return std::find(domains.begin(), domains.end(), domain) != domains.end();
}

}  // namespace janua::federation
