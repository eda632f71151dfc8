#include "core/saml/connection.hpp"

#include "core/saml/metadata.hpp"

#include <algorithm>
#include <cctype>

namespace janua::saml {
namespace {

Error field_error(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"rule", "type"}, {"message", message}}});
    return e;
}

bool valid_domain(const std::string& d) {
    if (d.empty() || d.size() > 253 || d.find('.') == std::string::npos || d.front() == '.' || d.back() == '.') return false;
    return std::all_of(d.begin(), d.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
}

bool valid_role_name(const std::string& r) {
    if (r.empty() || r.size() > 63 || r == "owner") return false;
    return std::all_of(r.begin(), r.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
               c == '.' || c == '-';
    });
}

// A relative path on this server (same origin): no scheme, no "//", no backslash or line break.
bool valid_local_path(const std::string& p) {
    return p.size() < 2048 && p.rfind("/", 0) == 0 && p.rfind("//", 0) != 0 && p.find('\\') == std::string::npos &&
           p.find('\r') == std::string::npos && p.find('\n') == std::string::npos;
}

}  // namespace

nlohmann::json to_json(const ConnectionSettings& s) {
    return {{"attribute_mapping",
             {{"email", s.attributes.email},
              {"first_name", s.attributes.first_name},
              {"last_name", s.attributes.last_name},
              {"groups", s.attributes.groups}}},
            {"group_roles", s.group_roles},
            {"allowed_domains", s.allowed_domains},
            {"default_role", s.default_role},
            {"default_return_to", s.default_return_to},
            {"jit_provisioning", s.jit_provisioning},
            {"allow_idp_initiated", s.allow_idp_initiated},
            {"want_assertions_signed", s.want_assertions_signed},
            {"want_response_signed", s.want_response_signed},
            {"sign_authn_requests", s.sign_authn_requests},
            {"allow_sha1", s.allow_sha1},
            {"clock_skew_seconds", s.clock_skew_seconds}};
}

Status apply_settings(const nlohmann::json& body, ConnectionSettings& s) {
    auto flag = [&](const char* name, bool& slot) -> std::optional<Error> {
        if (!body.contains(name) || body[name].is_null()) return std::nullopt;
        if (!body[name].is_boolean()) return field_error(name, "must be true or false");
        slot = body[name].get<bool>();
        return std::nullopt;
    };
    for (auto [name, slot] : std::initializer_list<std::pair<const char*, bool*>>{
             {"jit_provisioning", &s.jit_provisioning},
             {"allow_idp_initiated", &s.allow_idp_initiated},
             {"want_assertions_signed", &s.want_assertions_signed},
             {"want_response_signed", &s.want_response_signed},
             {"sign_authn_requests", &s.sign_authn_requests},
             {"allow_sha1", &s.allow_sha1}})
        if (auto e = flag(name, *slot)) return *e;
    if (body.contains("clock_skew_seconds") && !body["clock_skew_seconds"].is_null()) {
        const auto& v = body["clock_skew_seconds"];
        if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 600)
            return field_error("clock_skew_seconds", "must be a whole number of seconds from 0 to 600");
        s.clock_skew_seconds = v.get<int>();
    }
    if (body.contains("default_role") && !body["default_role"].is_null()) {
        if (!body["default_role"].is_string() || !valid_role_name(body["default_role"].get<std::string>()))
            return field_error("default_role", "must be the name of an organization role other than owner");
        s.default_role = body["default_role"].get<std::string>();
    }
    if (body.contains("default_return_to") && !body["default_return_to"].is_null()) {
        if (!body["default_return_to"].is_string() ||
            (!body["default_return_to"].get<std::string>().empty() && !valid_local_path(body["default_return_to"].get<std::string>())))
            return field_error("default_return_to", "must be a path on this server, such as /account");
        s.default_return_to = body["default_return_to"].get<std::string>();
    }
    if (body.contains("allowed_domains") && !body["allowed_domains"].is_null()) {
        const auto& v = body["allowed_domains"];
        if (!v.is_array() || v.size() > 100) return field_error("allowed_domains", "must be a list of up to 100 email domains");
        std::vector<std::string> domains;
        for (const auto& d : v) {
            if (!d.is_string()) return field_error("allowed_domains", "must be a list of email domains");
            std::string domain = d.get<std::string>();
            std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return std::tolower(c); });
            if (!valid_domain(domain)) return field_error("allowed_domains", "has '" + domain.substr(0, 100) + "', which is not a domain name");
            if (std::find(domains.begin(), domains.end(), domain) == domains.end()) domains.push_back(domain);
        }
        s.allowed_domains = std::move(domains);
    }
    if (body.contains("attribute_mapping") && !body["attribute_mapping"].is_null()) {
        const auto& m = body["attribute_mapping"];
        if (!m.is_object()) return field_error("attribute_mapping", "must be an object {email, first_name, last_name, groups}");
        for (auto it = m.begin(); it != m.end(); ++it) {
            std::string* slot = it.key() == "email"        ? &s.attributes.email
                                : it.key() == "first_name" ? &s.attributes.first_name
                                : it.key() == "last_name"  ? &s.attributes.last_name
                                : it.key() == "groups"     ? &s.attributes.groups
                                                           : nullptr;
            if (!slot) return field_error("attribute_mapping." + it.key(), "is not a mapped field (email, first_name, last_name, groups)");
            if (!it->is_string() || it->get<std::string>().size() > 512)
                return field_error("attribute_mapping." + it.key(), "must be the name of a SAML attribute");
            *slot = it->get<std::string>();
        }
    }
    if (body.contains("group_roles") && !body["group_roles"].is_null()) {
        const auto& m = body["group_roles"];
        if (!m.is_object() || m.size() > 200) return field_error("group_roles", "must be an object of IdP group -> role name");
        std::map<std::string, std::string> roles;
        for (auto it = m.begin(); it != m.end(); ++it) {
            if (!it->is_string() || !valid_role_name(it->get<std::string>()))
                return field_error("group_roles." + it.key(), "must be the name of an organization role other than owner");
            roles[it.key()] = it->get<std::string>();
        }
        s.group_roles = std::move(roles);
    }
    return Ok{};
}

SpEndpoints sp_endpoints(const std::string& base_url, const std::string& organization_id) {
    std::string base = base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    SpEndpoints sp;
    sp.entity_id = base + "/api/v1/sso/saml/metadata/" + organization_id;
    sp.metadata_url = sp.entity_id;
    sp.acs_url = base + "/api/v1/sso/saml/acs";
    sp.slo_url = base + "/api/v1/sso/saml/slo";
    return sp;
}

nlohmann::json to_json(const Connection& c, const SpEndpoints& sp) {
    nlohmann::json certs = nlohmann::json::array();
    for (const auto& pem : c.idp_certificates)
        certs.push_back({{"fingerprint_sha256", certificate_fingerprint(pem)}, {"not_after", certificate_not_after(pem)}, {"pem", pem}});
    nlohmann::json out = {{"organization_id", c.organization_id},
                          {"organization_slug", c.organization_slug},
                          {"protocol", "saml"},
                          {"enabled", c.enabled},
                          {"idp",
                           {{"entity_id", c.idp_entity_id},
                            {"sso_url", c.idp_sso_url},
                            {"slo_url", c.idp_slo_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.idp_slo_url)},
                            {"certificates", certs}}},
                          {"metadata_url", c.metadata_url ? nlohmann::json(*c.metadata_url) : nlohmann::json(nullptr)},
                          {"sp",
                           {{"entity_id", sp.entity_id},
                            {"acs_url", sp.acs_url},
                            {"slo_url", sp.slo_url},
                            {"metadata_url", sp.metadata_url},
                            {"certificate", c.sp_certificate}}},
                          {"created_at", c.created_at},
                          {"updated_at", c.updated_at}};
    out.update(to_json(c.settings));
    return out;
}

}  // namespace janua::saml
