#include "core/provisioning/export.hpp"

#include "core/provisioning/document.hpp"

#include <yaml-cpp/yaml.h>

namespace janua::provisioning {
namespace {

// A string that an apply file would read back as something else (true, 12, null) is quoted.
bool needs_quotes(const std::string& s) {
    if (s.empty() || s == "true" || s == "false" || s == "null" || s == "~") return true;
    try {
        std::size_t used = 0;
        (void)std::stod(s, &used);
        if (used == s.size()) return true;
    } catch (const std::exception&) {
    }
    return false;
}

void emit(YAML::Emitter& out, const json& value) {
    if (value.is_object()) {
        out << YAML::BeginMap;
        for (const auto& [k, v] : value.items()) {
            out << YAML::Key << k << YAML::Value;
            emit(out, v);
        }
        out << YAML::EndMap;
    } else if (value.is_array()) {
        out << YAML::BeginSeq;
        for (const auto& v : value) emit(out, v);
        out << YAML::EndSeq;
    } else if (value.is_null()) {
        out << YAML::Null;
    } else if (value.is_string()) {
        const auto s = value.get<std::string>();
        if (s.find('\n') != std::string::npos) out << YAML::Literal << s;  // PEM certificates
        else if (needs_quotes(s)) out << YAML::DoubleQuoted << s;
        else out << s;
    } else if (value.is_boolean()) {
        out << YAML::TrueFalseBool << value.get<bool>();
    } else {
        out << value.dump();
    }
}

void entry(YAML::Emitter& out, const std::string& key, const json& value) {
    out << YAML::Key << key << YAML::Value;
    emit(out, value);
}

std::string text_of(const json& object, const char* key) {
    return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : std::string();
}

// The SAML settings that export writes (every one, so that a round trip compares equal).
const char* k_saml_settings[] = {"attribute_mapping", "group_roles",           "allowed_domains",        "default_role",
                                 "default_return_to", "jit_provisioning",      "allow_idp_initiated",    "want_assertions_signed",
                                 "want_response_signed", "sign_authn_requests", "allow_sha1",            "clock_skew_seconds"};
const char* k_provider_settings[] = {"preset",          "display_name",   "issuer",           "authorization_endpoint",
                                     "token_endpoint",  "userinfo_endpoint", "emails_endpoint", "client_id",
                                     "scopes",          "enabled",        "allowed_domains",  "jit_provisioning",
                                     "default_role"};

void saml_connection(YAML::Emitter& out, const std::optional<json>& found) {
    out << YAML::Key << "saml" << YAML::Value;
    if (!found) {
        out << YAML::Null;  // "no SAML connection": apply --prune keeps it that way
        return;
    }
    const json& c = *found;
    const json idp = c.value("idp", json::object());
    out << YAML::BeginMap;
    entry(out, "enabled", c.value("enabled", true));
    if (c.value("metadata_url", json()).is_string()) {
        entry(out, "metadata_url", c["metadata_url"]);
    } else {
        entry(out, "idp_entity_id", idp.value("entity_id", ""));
        entry(out, "idp_sso_url", idp.value("sso_url", ""));
        json pems = json::array();
        for (const auto& cert : idp.value("certificates", json::array())) pems.push_back(cert.value("pem", ""));
        entry(out, "idp_certificates", pems);
        if (idp.value("slo_url", json()).is_string()) entry(out, "idp_slo_url", idp["slo_url"]);
    }
    for (const char* key : k_saml_settings)
        if (c.contains(key)) entry(out, key, c[key]);
    out << YAML::EndMap;
}

void identity_providers(YAML::Emitter& out, const json& list) {
    out << YAML::Key << "identity_providers" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : list) {
        out << YAML::BeginMap;
        entry(out, "slug", p["slug"]);
        for (const char* key : k_provider_settings)
            if (p.contains(key) && !p[key].is_null()) entry(out, key, p[key]);
        if (p.value("client_secret_set", false))
            out << YAML::Comment("client secret not exported; add: secret_from: {env: VARIABLE} or {file: PATH}");
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

Status organization(YAML::Emitter& out, Target& target, const std::string& ref) {
    auto found = target.find_organization(ref);
    if (!found) return found.error();
    if (!*found) return make_error(ErrorCode::not_found, "organization '" + ref + "' not found");
    const json org = **found;
    const auto id = text_of(org, "id");
    auto roles = target.roles(id);
    if (!roles) return roles.error();
    auto members = target.members(id);
    if (!members) return members.error();
    auto hooks = target.webhooks(id);
    if (!hooks) return hooks.error();
    auto tokens = target.scim_tokens(id);
    if (!tokens) return tokens.error();
    auto saml_found = target.saml_connection(id);
    if (!saml_found) return saml_found.error();
    auto providers = target.identity_providers(id);
    if (!providers) return providers.error();

    out << YAML::BeginMap;
    entry(out, "slug", org["slug"]);
    entry(out, "name", org["name"]);
    for (const auto& m : *members)
        if (text_of(m, "user_id") == text_of(org, "owner_id")) entry(out, "owner", m["email"]);
    if (org.contains("settings") && !org["settings"].empty()) entry(out, "settings", org["settings"]);
    if (org.contains("metadata") && !org["metadata"].empty()) entry(out, "metadata", org["metadata"]);

    out << YAML::Key << "roles" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : *roles) {
        if (r.value("is_system", false)) continue;
        out << YAML::BeginMap;
        entry(out, "name", r["name"]);
        if (r.contains("description") && !r["description"].is_null()) entry(out, "description", r["description"]);
        out << YAML::Key << "permissions" << YAML::Value << YAML::Flow;
        emit(out, r["permissions"]);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "members" << YAML::Value << YAML::BeginSeq;
    for (const auto& m : *members) {
        out << YAML::BeginMap;
        entry(out, "email", m["email"]);
        entry(out, "role", m["role"]);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "webhooks" << YAML::Value << YAML::BeginSeq;
    for (const auto& h : *hooks) {
        out << YAML::BeginMap;
        entry(out, "url", h["url"]);
        out << YAML::Key << "event_types" << YAML::Value << YAML::Flow;
        emit(out, h["event_types"]);
        if (h.contains("description") && !h["description"].is_null()) entry(out, "description", h["description"]);
        entry(out, "enabled", h.value("enabled", true));
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "scim_tokens" << YAML::Value << YAML::BeginSeq;
    for (const auto& t : *tokens) {
        if (text_of(t, "status") == "revoked") continue;
        out << YAML::BeginMap;
        entry(out, "name", t["name"]);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "sso" << YAML::Value << YAML::BeginMap;
    saml_connection(out, *saml_found);
    identity_providers(out, *providers);
    out << YAML::EndMap;
    out << YAML::EndMap;
    return Ok{};
}

Status clients(YAML::Emitter& out, Target& target) {
    auto list = target.list_clients();
    if (!list) return list.error();
    out << YAML::Key << "clients" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : *list) {
        out << YAML::BeginMap;
        entry(out, "client_id", c["client_id"]);
        for (const auto& key : client_setting_names()) {
            if (!c.contains(key) || c[key].is_null()) continue;
            entry(out, key, c[key]);
        }
        const auto method = text_of(c, "token_endpoint_auth_method");
        if (!c.value("is_public", false) && (method == "client_secret_basic" || method == "client_secret_post"))
            out << YAML::Comment("secret not exported; to create this client elsewhere add: secret_from: {env: VARIABLE}");
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    return Ok{};
}

}  // namespace

Result<std::string> export_yaml(Target& target, const ExportOptions& options) {
    YAML::Emitter out;
    out << YAML::Comment(
        "Written by janua export. Apply with: janua apply -f FILE. Secrets (client secrets, webhook signing secrets, "
        "SCIM tokens, upstream identity provider secrets) are never exported.");
    out << YAML::BeginMap;
    if (!options.organizations.empty()) {
        out << YAML::Key << "organizations" << YAML::Value << YAML::BeginSeq;
        for (const auto& ref : options.organizations)
            if (auto done = organization(out, target, ref); !done) return done.error();
        out << YAML::EndSeq;
    }
    if (options.clients)
        if (auto done = clients(out, target); !done) return done.error();
    out << YAML::EndMap;
    if (!out.good()) return make_error(ErrorCode::internal, std::string("cannot write YAML: ") + out.GetLastError());
    return std::string(out.c_str()) + "\n";
}

}  // namespace janua::provisioning
