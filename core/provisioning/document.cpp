#include "core/provisioning/document.hpp"

#include "core/orgs/organization.hpp"
#include "core/rbac/permissions.hpp"
#include "core/saml/connection.hpp"
#include "core/saml/metadata.hpp"
#include "core/webhooks/endpoint.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace janua::provisioning {
namespace {

constexpr std::size_t k_max_file_bytes = 4 * 1024 * 1024;  // bounded parsing
constexpr std::size_t k_max_secret_bytes = 4096;

constexpr std::size_t k_max_metadata_bytes = 1024 * 1024;

nlohmann::json yaml_to_json(const YAML::Node& node);

// Collects every problem of a file with its line, so that one run shows all of them.
class Reader {
public:
    Reader(std::string file, std::string base_dir) : m_file(std::move(file)), m_base_dir(std::move(base_dir)) {}

    Where at(const YAML::Node& node, const std::string& field) const {
        int line = node.IsDefined() ? node.Mark().line + 1 : 0;
        return Where{m_file, line < 1 ? 0 : line, field};
    }
    void problem(const YAML::Node& node, const std::string& field, const std::string& message) {
        problem(at(node, field), message);
    }
    void problem(const Where& where, const std::string& message) {
        m_problems.push_back({where, message});
    }
    bool ok() const { return m_problems.empty(); }

    Error error() const {
        auto problems = m_problems;  // in the order of the file
        std::stable_sort(problems.begin(), problems.end(),
                         [](const auto& a, const auto& b) { return a.first.line < b.first.line; });
        return problems_error(problems);
    }

    // Refuse members this object does not know (a typo would otherwise be ignored silently).
    void known(const YAML::Node& map, const std::string& field, const std::set<std::string>& names) {
        for (const auto& item : map) {
            const auto key = item.first.Scalar();
            if (!names.count(key)) {
                std::string list;
                for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
                problem(item.first, field + "." + key, "unknown field; expected one of: " + list);
            }
        }
    }

    std::optional<std::string> text(const YAML::Node& map, const std::string& key, const std::string& field,
                                    bool required) {
        const auto node = map[key];
        if (!node.IsDefined() || node.IsNull()) {
            if (required) problem(map, field + "." + key, "is required");
            return std::nullopt;
        }
        if (!node.IsScalar()) {
            problem(node, field + "." + key, "must be a string");
            return std::nullopt;
        }
        return node.Scalar();
    }

    std::optional<bool> boolean(const YAML::Node& map, const std::string& key, const std::string& field) {
        const auto node = map[key];
        if (!node.IsDefined() || node.IsNull()) return std::nullopt;
        if (node.IsScalar() && node.Tag() != "!") {
            if (node.Scalar() == "true") return true;
            if (node.Scalar() == "false") return false;
        }
        problem(node, field + "." + key, "must be true or false");
        return std::nullopt;
    }

    std::optional<int> integer(const YAML::Node& map, const std::string& key, const std::string& field, int min, int max) {
        const auto node = map[key];
        if (!node.IsDefined() || node.IsNull()) return std::nullopt;
        const auto value = node.IsScalar() && node.Tag() != "!" ? yaml_to_json(node) : nlohmann::json();
        if (value.is_number_integer() && value.get<long long>() >= min && value.get<long long>() <= max)
            return value.get<int>();
        problem(node, field + "." + key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
        return std::nullopt;
    }

    std::optional<std::vector<std::string>> strings(const YAML::Node& map, const std::string& key,
                                                    const std::string& field) {
        const auto node = map[key];
        if (!node.IsDefined() || node.IsNull()) return std::nullopt;
        if (!node.IsSequence()) {
            problem(node, field + "." + key, "must be a list of strings");
            return std::nullopt;
        }
        std::vector<std::string> out;
        for (std::size_t i = 0; i < node.size(); ++i) {
            if (!node[i].IsScalar()) {
                problem(node[i], field + "." + key + "[" + std::to_string(i) + "]", "must be a string");
                continue;
            }
            out.push_back(node[i].Scalar());
        }
        return out;
    }

    // A list of maps under `key`; none when the key is absent.
    std::optional<YAML::Node> list(const YAML::Node& map, const std::string& key, const std::string& field) {
        const auto node = map[key];
        if (!node.IsDefined()) return std::nullopt;
        if (node.IsNull()) return YAML::Node(YAML::NodeType::Sequence);  // `roles:` with nothing: an empty list
        if (!node.IsSequence()) {
            problem(node, field + "." + key, "must be a list");
            return std::nullopt;
        }
        return node;
    }

    bool is_map(const YAML::Node& node, const std::string& field) {
        if (node.IsMap()) return true;
        problem(node, field, "must be a mapping (key: value lines)");
        return false;
    }

    // secret_from: {env: NAME} | {file: PATH}, or the short forms secret_env / secret_file.
    std::optional<std::string> secret(const YAML::Node& map, const std::string& field) {
        // (yaml-cpp nodes are references: assigning one to another would rewrite the document,
        // so the place of the problem is kept as a Where.)
        std::optional<std::string> env, file;
        Where where = at(map, field + ".secret_from");
        if (const auto from = map["secret_from"]; from.IsDefined()) {
            where = at(from, field + ".secret_from");
            if (!from.IsMap() || from.size() != 1 || (!from["env"].IsDefined() && !from["file"].IsDefined())) {
                problem(where, "must be {env: VARIABLE} or {file: PATH}");
                return std::nullopt;
            }
            env = text(from, "env", field + ".secret_from", false);
            file = text(from, "file", field + ".secret_from", false);
        }
        if (map["secret_env"].IsDefined()) {
            env = text(map, "secret_env", field, true);
            where = at(map["secret_env"], field + ".secret_env");
        }
        if (map["secret_file"].IsDefined()) {
            file = text(map, "secret_file", field, true);
            where = at(map["secret_file"], field + ".secret_file");
        }
        if (env && file) {
            problem(where, "give the secret's environment variable or its file, not both");
            return std::nullopt;
        }
        std::string value;
        if (env) {
            const char* found = std::getenv(env->c_str());
            if (!found || !*found) {
                problem(where, "environment variable " + *env + " is not set (or empty)");
                return std::nullopt;
            }
            value = found;
        } else if (file) {
            auto path = resolve(*file);
            std::ifstream in(path, std::ios::binary);
            if (!in) {
                problem(where, "cannot read secret file '" + path + "'");
                return std::nullopt;
            }
            // The first line, read no further than the size limit (a device or a huge file must
            // not be read whole).
            for (char c; value.size() <= k_max_secret_bytes && in.get(c) && c != '\n';) value += c;
            if (!value.empty() && value.back() == '\r') value.pop_back();
            if (value.empty()) {
                problem(where, "secret file '" + path + "' is empty");
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
        if (value.size() > k_max_secret_bytes) {
            problem(where, "the secret is longer than 4096 bytes");
            return std::nullopt;
        }
        return value;
    }

    // A path in the file is relative to the file's directory (like kustomize), so that CI can
    // run apply from anywhere.
    std::string resolve(const std::string& path) const {
        if (path.empty() || path.front() == '/' || m_base_dir.empty()) return path;
        return (std::filesystem::path(m_base_dir) / path).string();
    }

    // The text of a file the YAML names (relative to the YAML file), at most `max` bytes.
    std::optional<std::string> file_text(const YAML::Node& node, const std::string& field, const std::string& name,
                                         std::size_t max) {
        const auto path = resolve(name);
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            problem(node, field, "cannot read '" + path + "'");
            return std::nullopt;
        }
        std::string text(max + 1, '\0');
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
        if (text.size() > max) {
            problem(node, field, "'" + path + "' is larger than " + std::to_string(max / 1024) + " KiB");
            return std::nullopt;
        }
        return text;
    }

    std::optional<std::string> output_path(const YAML::Node& map, const std::string& field) {
        auto path = text(map, "save_secret_to", field, false);
        if (!path) return std::nullopt;
        if (path->empty()) {
            problem(map["save_secret_to"], field + ".save_secret_to", "must be a file path");
            return std::nullopt;
        }
        return resolve(*path);
    }

private:
    std::string m_file;
    std::string m_base_dir;
    std::vector<std::pair<Where, std::string>> m_problems;
};

nlohmann::json yaml_to_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            nlohmann::json out = nlohmann::json::object();
            for (const auto& item : node) out[item.first.Scalar()] = yaml_to_json(item.second);
            return out;
        }
        case YAML::NodeType::Sequence: {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& item : node) out.push_back(yaml_to_json(item));
            return out;
        }
        case YAML::NodeType::Scalar: {
            const auto& s = node.Scalar();
            if (node.Tag() == "!") return s;  // quoted: always a string
            if (s == "true") return true;
            if (s == "false") return false;
            if (s == "null" || s == "~") return nullptr;
            try {
                std::size_t used = 0;
                long long n = std::stoll(s, &used);
                if (used == s.size()) return n;
                double d = std::stod(s, &used);
                if (used == s.size()) return d;
            } catch (const std::exception&) {
            }
            return s;
        }
        default: return nullptr;
    }
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string item_field(const std::string& parent, const std::string& key, std::size_t i) {
    return parent + (parent.empty() ? "" : ".") + key + "[" + std::to_string(i) + "]";
}

void read_roles(Reader& in, const YAML::Node& list, const std::string& parent, std::vector<DesiredRole>& out) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto node = list[i];
        const auto field = item_field(parent, "roles", i);
        if (!in.is_map(node, field)) continue;
        in.known(node, field, {"name", "permissions", "description"});
        DesiredRole role;
        role.where = in.at(node, field);
        role.name = in.text(node, "name", field, true).value_or("");
        role.permissions = in.strings(node, "permissions", field);
        role.description = in.text(node, "description", field, false);
        if (!role.name.empty() && !orgs::is_valid_role_name(role.name))
            in.problem(node["name"], field + ".name", "must be 1-63 of a-z, 0-9, '_', '.', '-', starting with a letter or digit");
        if (role.name == orgs::k_owner_role || role.name == orgs::k_admin_role || role.name == orgs::k_member_role ||
            role.name == "viewer")
            in.problem(node["name"], field + ".name", "'" + role.name + "' is a built-in role; built-in roles cannot be changed");
        if (!role.name.empty() && !seen.insert(role.name).second)
            in.problem(node["name"], field + ".name", "role '" + role.name + "' is listed twice");
        if (role.permissions) {
            for (std::size_t p = 0; p < role.permissions->size(); ++p)
                if (!rbac::is_valid_permission((*role.permissions)[p]))
                    in.problem(node["permissions"][p], field + ".permissions[" + std::to_string(p) + "]",
                               "must look like 'resource:action', 'resource:*' or '*'");
        }
        out.push_back(std::move(role));
    }
}

void read_members(Reader& in, const YAML::Node& list, const std::string& parent, std::vector<DesiredMember>& out) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto node = list[i];
        const auto field = item_field(parent, "members", i);
        if (!in.is_map(node, field)) continue;
        in.known(node, field, {"email", "role"});
        DesiredMember member;
        member.where = in.at(node, field);
        member.email = in.text(node, "email", field, true).value_or("");
        std::transform(member.email.begin(), member.email.end(), member.email.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        member.role = in.text(node, "role", field, false).value_or(orgs::k_member_role);
        if (!member.email.empty() && member.email.find('@') == std::string::npos)
            in.problem(node["email"], field + ".email", "must be an email address");
        if (!member.email.empty() && !seen.insert(member.email).second)
            in.problem(node["email"], field + ".email", "member '" + member.email + "' is listed twice");
        out.push_back(std::move(member));
    }
}

void read_webhooks(Reader& in, const YAML::Node& list, const std::string& parent, std::vector<DesiredWebhook>& out) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto node = list[i];
        const auto field = item_field(parent, "webhooks", i);
        if (!in.is_map(node, field)) continue;
        in.known(node, field, {"url", "event_types", "description", "enabled", "save_secret_to"});
        DesiredWebhook hook;
        hook.where = in.at(node, field);
        hook.url = in.text(node, "url", field, true).value_or("");
        hook.event_types = in.strings(node, "event_types", field);
        if (node["description"].IsDefined()) {
            if (node["description"].IsNull()) hook.description = std::optional<std::string>();
            else if (auto d = in.text(node, "description", field, false)) hook.description = *d;
        }
        hook.enabled = in.boolean(node, "enabled", field);
        hook.save_secret_to = in.output_path(node, field);
        if (!hook.url.empty() && !seen.insert(hook.url).second)
            in.problem(node["url"], field + ".url", "webhook '" + hook.url + "' is listed twice");
        if (hook.event_types) {
            if (auto valid = webhooks::validate_event_types(*hook.event_types); !valid)
                in.problem(node["event_types"], field + ".event_types", valid.error().message);
        }
        out.push_back(std::move(hook));
    }
}

void read_scim_tokens(Reader& in, const YAML::Node& list, const std::string& parent, std::vector<DesiredScimToken>& out) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto node = list[i];
        const auto field = item_field(parent, "scim_tokens", i);
        if (!in.is_map(node, field)) continue;
        in.known(node, field, {"name", "save_secret_to"});
        DesiredScimToken token;
        token.where = in.at(node, field);
        token.name = in.text(node, "name", field, true).value_or("");
        token.save_secret_to = in.output_path(node, field);
        if (token.name.size() > 200) in.problem(node["name"], field + ".name", "must be at most 200 characters");
        if (!token.name.empty() && !seen.insert(token.name).second)
            in.problem(node["name"], field + ".name", "SCIM token '" + token.name + "' is listed twice");
        out.push_back(std::move(token));
    }
}

// The members of an SSO connection's settings (PUT .../sso) a file may set, besides the IdP.
const std::set<std::string> k_saml_settings = {"enabled", "idp_slo_url", "attribute_mapping", "group_roles",
                                               "allowed_domains", "default_role", "default_return_to", "jit_provisioning",
                                               "allow_idp_initiated", "want_assertions_signed", "want_response_signed",
                                               "sign_authn_requests", "allow_sha1", "clock_skew_seconds"};
const std::set<std::string> k_saml_idp = {"metadata_url", "metadata_file", "idp_entity_id", "idp_sso_url", "idp_certificates"};

bool http_url(const std::string& url) {
    return (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) && url.size() < 2048 &&
           url.find_first_of(" \r\n\"<>") == std::string::npos;
}

// A problem the server's own rules found in some members: point at the member they name.
void settings_problem(Reader& in, const YAML::Node& node, const std::string& field, const Error& e) {
    std::string member;
    if (e.details.is_array() && !e.details.empty()) member = e.details[0].value("field", "");
    const auto root = member.substr(0, member.find('.'));
    const auto at = !root.empty() && node[root].IsDefined() ? node[root] : node;
    std::string message = e.message;
    if (!member.empty() && message.rfind(member + " ", 0) == 0) message = message.substr(member.size() + 1);
    in.problem(at, field + (member.empty() ? "" : "." + member), message);
}

std::optional<DesiredSaml> read_saml(Reader& in, const YAML::Node& node, const std::string& field) {
    if (!in.is_map(node, field)) return std::nullopt;
    std::set<std::string> known = k_saml_settings;
    known.insert(k_saml_idp.begin(), k_saml_idp.end());
    if (node["metadata_xml"].IsDefined()) {
        in.problem(node["metadata_xml"], field + ".metadata_xml", "put the IdP's metadata in a file and name it with metadata_file");
        known.insert("metadata_xml");
    }
    in.known(node, field, known);
    DesiredSaml conn;
    conn.where = in.at(node, field);
    for (const auto& item : node)
        if (k_saml_settings.count(item.first.Scalar())) conn.settings[item.first.Scalar()] = yaml_to_json(item.second);
    saml::ConnectionSettings defaults;
    if (auto ok = saml::apply_settings(conn.settings, defaults); !ok) settings_problem(in, node, field, ok.error());
    if (conn.settings.contains("enabled") && !conn.settings["enabled"].is_boolean())
        in.problem(node["enabled"], field + ".enabled", "must be true or false");
    if (conn.settings.contains("idp_slo_url") && !conn.settings["idp_slo_url"].is_null() &&
        (!conn.settings["idp_slo_url"].is_string() || !http_url(conn.settings["idp_slo_url"].get<std::string>())))
        in.problem(node["idp_slo_url"], field + ".idp_slo_url", "must be an http(s) URL");

    const bool by_url = node["metadata_url"].IsDefined(), by_file = node["metadata_file"].IsDefined();
    const bool by_hand = node["idp_entity_id"].IsDefined() || node["idp_sso_url"].IsDefined() || node["idp_certificates"].IsDefined();
    if (int(by_url) + int(by_file) + int(by_hand) != 1) {
        in.problem(node, field, "name the IdP once: metadata_url, metadata_file, or idp_entity_id + idp_sso_url + idp_certificates");
        return conn;
    }
    if (by_url) {
        conn.metadata_url = in.text(node, "metadata_url", field, true);
        if (conn.metadata_url && !http_url(*conn.metadata_url))
            in.problem(node["metadata_url"], field + ".metadata_url", "must be an http(s) URL");
    } else if (by_file) {
        auto name = in.text(node, "metadata_file", field, true);
        auto xml = name ? in.file_text(node["metadata_file"], field + ".metadata_file", *name, k_max_metadata_bytes) : std::nullopt;
        if (xml) {
            auto idp = saml::parse_idp_metadata(*xml);
            if (!idp) {
                in.problem(node["metadata_file"], field + ".metadata_file", idp.error().message);
            } else {
                DesiredSaml::Idp found{idp->entity_id, idp->sso_url, idp->slo_url, {}};
                for (const auto& pem : idp->certificates_pem)
                    if (auto normal = saml::normalize_certificate(pem)) found.certificates.push_back(*normal);
                conn.idp = found;
                conn.metadata_xml = std::move(*xml);
            }
        }
    } else {
        DesiredSaml::Idp idp;
        idp.entity_id = in.text(node, "idp_entity_id", field, true).value_or("");
        idp.sso_url = in.text(node, "idp_sso_url", field, true).value_or("");
        if (!idp.sso_url.empty() && !http_url(idp.sso_url))
            in.problem(node["idp_sso_url"], field + ".idp_sso_url", "must be an http(s) URL");
        const auto certs = node["idp_certificates"];
        if (!certs.IsDefined() || !certs.IsSequence() || certs.size() == 0 || certs.size() > 10) {
            in.problem(certs.IsDefined() ? certs : node, field + ".idp_certificates",
                       "must list 1 to 10 certificates of the IdP: PEM text, or {file: PATH}");
        } else {
            for (std::size_t i = 0; i < certs.size(); ++i) {
                const auto cert_field = field + ".idp_certificates[" + std::to_string(i) + "]";
                std::optional<std::string> text;
                if (certs[i].IsScalar()) text = certs[i].Scalar();
                else if (certs[i].IsMap() && certs[i].size() == 1 && certs[i]["file"].IsScalar())
                    text = in.file_text(certs[i], cert_field, certs[i]["file"].Scalar(), 64 * 1024);
                else in.problem(certs[i], cert_field, "must be PEM text or {file: PATH}");
                if (!text) continue;
                auto pem = saml::normalize_certificate(*text);
                if (!pem) in.problem(certs[i], cert_field, pem.error().message);
                else idp.certificates.push_back(*pem);
            }
        }
        conn.idp = idp;
        conn.idp_by_hand = true;
    }
    return conn;
}

const std::set<std::string> k_idp_fields = {"slug",           "display_name",      "preset",          "issuer",
                                            "authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                                            "emails_endpoint", "client_id",        "scopes",          "enabled",
                                            "allowed_domains", "jit_provisioning", "default_role",    "secret_from",
                                            "secret_env",      "secret_file"};

void read_identity_providers(Reader& in, const YAML::Node& list, const std::string& parent,
                             std::vector<DesiredIdentityProvider>& out) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto node = list[i];
        const auto field = item_field(parent, "identity_providers", i);
        if (!in.is_map(node, field)) continue;
        if (node["client_secret"].IsDefined())
            in.problem(node["client_secret"], field + ".client_secret", "never write a secret into the file: use secret_from");
        auto known = k_idp_fields;
        known.insert("client_secret");
        in.known(node, field, known);
        DesiredIdentityProvider idp;
        idp.where = in.at(node, field);
        idp.slug = in.text(node, "slug", field, true).value_or("");
        if (!idp.slug.empty() && !seen.insert(idp.slug).second)
            in.problem(node["slug"], field + ".slug", "identity provider '" + idp.slug + "' is listed twice");
        for (const auto& item : node) {
            const auto key = item.first.Scalar();
            if (key == "slug" || key.rfind("secret_", 0) == 0 || key == "client_secret" || !k_idp_fields.count(key)) continue;
            idp.settings[key] = yaml_to_json(item.second);
        }
        if (idp.settings.contains("allowed_domains") && idp.settings["allowed_domains"].is_array())
            for (auto& d : idp.settings["allowed_domains"])  // the server keeps them lower-case
                if (d.is_string()) d = lower(d.get<std::string>());
        idp.secret = in.secret(node, field);
        out.push_back(std::move(idp));
    }
}

std::optional<DesiredSso> read_sso(Reader& in, const YAML::Node& node, const std::string& field) {
    if (node.IsNull()) return std::nullopt;
    if (!in.is_map(node, field)) return std::nullopt;
    in.known(node, field, {"saml", "identity_providers"});
    DesiredSso sso;
    sso.where = in.at(node, field);
    if (const auto saml_node = node["saml"]; saml_node.IsDefined()) {
        if (saml_node.IsNull()) sso.saml.emplace();
        else if (auto read = read_saml(in, saml_node, field + ".saml")) sso.saml = std::optional<DesiredSaml>(std::move(*read));
    }
    if (auto list = in.list(node, "identity_providers", field))
        read_identity_providers(in, *list, field, sso.identity_providers.emplace());
    return sso;
}

DesiredOrganization read_organization(Reader& in, const YAML::Node& node, const std::string& field) {
    in.known(node, field, {"slug", "name", "owner", "settings", "metadata", "roles", "members", "webhooks",
                           "scim_tokens", "clients", "sso"});
    DesiredOrganization org;
    org.where = in.at(node, field);
    org.slug = in.text(node, "slug", field, true).value_or("");
    if (!org.slug.empty() && !orgs::is_valid_slug(org.slug))
        in.problem(node["slug"], field + ".slug", "must be 1-63 lower-case letters, digits or '-', starting with a letter or digit");
    org.name = in.text(node, "name", field, false);
    if (org.name && (org.name->empty() || org.name->size() > 200))
        in.problem(node["name"], field + ".name", "must be 1-200 characters");
    org.owner = in.text(node, "owner", field, false);
    for (const char* key : {"settings", "metadata"}) {
        const auto value = node[key];
        if (!value.IsDefined()) continue;
        if (!value.IsMap() && !value.IsNull()) {
            in.problem(value, field + "." + key, "must be a mapping");
            continue;
        }
        auto json = value.IsNull() ? nlohmann::json::object() : yaml_to_json(value);
        (std::string(key) == "settings" ? org.settings : org.metadata) = json;
    }
    if (node["sso"].IsDefined()) org.sso = read_sso(in, node["sso"], field + ".sso");
    if (node["clients"].IsDefined())
        in.problem(node["clients"], field + ".clients",
                   "OAuth clients are not bound to an organization: list them under the top-level 'clients:' key");
    if (auto list = in.list(node, "roles", field)) read_roles(in, *list, field, org.roles.emplace());
    if (auto list = in.list(node, "members", field)) read_members(in, *list, field, org.members.emplace());
    if (auto list = in.list(node, "webhooks", field)) read_webhooks(in, *list, field, org.webhooks.emplace());
    if (auto list = in.list(node, "scim_tokens", field)) read_scim_tokens(in, *list, field, org.scim_tokens.emplace());
    return org;
}

// The API members of a client (the body of POST /api/v1/oauth/clients) that a file may set,
// and how its secret is given.
std::set<std::string> client_fields() {
    const auto& settings = client_setting_names();
    std::set<std::string> out(settings.begin(), settings.end());
    out.insert({"client_id", "response_types", "secret_from", "secret_env", "secret_file", "secret_grace_seconds"});
    return out;
}

void read_clients(Reader& in, const YAML::Node& list, std::vector<DesiredClient>& out) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto node = list[i];
        const auto field = item_field("", "clients", i);
        if (!in.is_map(node, field)) continue;
        static const auto k_client_fields = client_fields();
        in.known(node, field, k_client_fields);
        DesiredClient client;
        client.where = in.at(node, field);
        client.client_id = in.text(node, "client_id", field, true).value_or("");
        if (!client.client_id.empty() && !seen.insert(client.client_id).second)
            in.problem(node["client_id"], field + ".client_id", "client '" + client.client_id + "' is listed twice");
        if (node["client_secret"].IsDefined())
            in.problem(node["client_secret"], field + ".client_secret", "never write a secret into the file: use secret_from");
        for (const auto& item : node) {
            const auto key = item.first.Scalar();
            if (key == "client_id" || key.rfind("secret_", 0) == 0 || !k_client_fields.count(key)) continue;
            client.settings[key] = yaml_to_json(item.second);
        }
        client.secret = in.secret(node, field);
        if (node["secret_grace_seconds"].IsDefined()) {
            client.secret_grace_seconds = in.integer(node, "secret_grace_seconds", field, 0, 30 * 24 * 3600);
            if (!client.secret)
                in.problem(node["secret_grace_seconds"], field + ".secret_grace_seconds",
                           "only applies when apply sets the secret from secret_from");
        }
        out.push_back(std::move(client));
    }
}

}  // namespace

std::string describe(const Where& where, const std::string& message) {
    std::string out = where.file;
    if (where.line > 0) out += ":" + std::to_string(where.line);
    if (!where.field.empty()) out += ": " + where.field;
    return out + ": " + message;
}

Error problems_error(const std::vector<std::pair<Where, std::string>>& problems) {
    std::string text;
    nlohmann::json details = nlohmann::json::array();
    for (const auto& [where, message] : problems) {
        text += (text.empty() ? "" : "\n") + describe(where, message);
        details.push_back({{"file", where.file}, {"line", where.line}, {"field", where.field}, {"message", message}});
    }
    Error e = make_error(ErrorCode::validation, text);
    e.details = details;
    return e;
}

const std::vector<std::string>& client_setting_names() {
    static const std::vector<std::string> names = {"name",
                                                   "is_public",
                                                   "token_endpoint_auth_method",
                                                   "redirect_uris",
                                                   "post_logout_redirect_uris",
                                                   "grant_types",
                                                   "scopes",
                                                   "jwks",
                                                   "jwks_uri",
                                                   "access_token_ttl_seconds",
                                                   "refresh_token_ttl_seconds",
                                                   "require_consent",
                                                   "enabled",
                                                   "require_pushed_authorization_requests"};
    return names;
}

Result<Document> parse_document(const std::string& text, const std::string& file_name, const std::string& base_dir) {
    Reader in(file_name, base_dir);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        in.problem(Where{file_name, e.mark.line + 1, ""}, "not valid YAML: " + e.msg);
        return in.error();
    }
    Document doc;
    doc.file = file_name;
    if (root.IsNull() || !root.IsDefined()) return doc;  // an empty file: nothing to do (and nothing to delete)
    if (!root.IsMap()) {
        in.problem(root, "", "the file must be a mapping with 'organizations:' and/or 'clients:'");
        return in.error();
    }
    in.known(root, "", {"organizations", "clients", "sso"});
    if (root["sso"].IsDefined())
        in.problem(root["sso"], "sso", "SSO is configured per organization: put sso: under the organization it belongs to");
    if (auto list = in.list(root, "organizations", "")) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto field = item_field("", "organizations", i);
            if (!in.is_map((*list)[i], field)) continue;
            auto org = read_organization(in, (*list)[i], field);
            if (!org.slug.empty() && !seen.insert(org.slug).second)
                in.problem((*list)[i]["slug"], field + ".slug", "organization '" + org.slug + "' is listed twice");
            doc.organizations.push_back(std::move(org));
        }
    }
    if (auto list = in.list(root, "clients", "")) read_clients(in, *list, doc.clients.emplace());
    if (!in.ok()) return in.error();
    return doc;
}

Result<Document> load_document(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return make_error(ErrorCode::validation, "cannot read '" + path + "'");
    std::string text;
    text.resize(k_max_file_bytes + 1);
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    if (text.size() > k_max_file_bytes) return make_error(ErrorCode::payload_too_large, path + ": larger than 4 MiB");
    const auto dir = std::filesystem::path(path).parent_path().string();
    return parse_document(text, path, dir);
}

}  // namespace janua::provisioning
