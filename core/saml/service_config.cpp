// SamlService: the management half (configure, get, list, delete, test, SP metadata).
#include "core/audit/audit.hpp"
#include "core/billing/limits.hpp"
#include "core/db/atomically.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/org_service.hpp"
#include "core/saml/metadata.hpp"
#include "core/saml/redirect.hpp"
#include "core/saml/repository.hpp"
#include "core/saml/service.hpp"
#include "core/saml/xml.hpp"
#include "core/webhooks/destination.hpp"
#include "core/webhooks/http_post.hpp"

#include "core/common/time.hpp"

#include <algorithm>
#include <set>

namespace janua::saml {
namespace {

const std::set<std::string> k_known_members = {
    "protocol", "enabled", "metadata_xml", "metadata_url", "idp_entity_id", "idp_sso_url", "idp_slo_url",
    "idp_certificates", "attribute_mapping", "group_roles", "allowed_domains", "default_role", "default_return_to",
    "jit_provisioning", "allow_idp_initiated", "want_assertions_signed", "want_response_signed", "sign_authn_requests",
    "allow_sha1", "clock_skew_seconds"};

Error field_error(const std::string& field, const std::string& message, ErrorCode code = ErrorCode::validation) {
    Error e = make_error(code, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"rule", "type"}, {"message", message}}});
    return e;
}

Error not_configured(const std::string& org) {
    return failure(ErrorCode::not_found, "saml_not_configured",
                   "organization '" + org + "' has no SAML connection; create one with PUT .../sso or `janua sso configure`");
}

bool http_url(const std::string& url) {
    return (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) && url.size() < 2048 &&
           url.find_first_of(" \r\n\"<>") == std::string::npos;
}

audit::Event event_for(const rbac::Caller& caller, const std::string& action, const std::string& organization_id) {
    audit::Event e;
    e.action = action;
    e.actor_type = caller.actor.type;
    e.actor_id = caller.actor.id;
    e.organization_id = organization_id;
    e.target_type = "sso_connection";
    e.target_id = organization_id;
    e.ip_address = caller.actor.ip;
    e.request_id = caller.actor.request_id;
    return e;
}

nlohmann::json fingerprints(const std::vector<std::string>& certs) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& pem : certs) out.push_back(certificate_fingerprint(pem));
    return out;
}

// The IdP half of a connection from whichever source the body names.
struct IdpSource {
    bool given = false;
    IdpMetadata idp;
    std::optional<std::string> metadata_url;
};

}  // namespace

Result<std::string> SamlService::fetch_metadata(const std::string& url) const {
    if (auto ok = webhooks::check_url(url, m_settings.allow_private_metadata); !ok) {
        Error e = failure(ErrorCode::sso_metadata, "saml_metadata_url_refused", "metadata_url is refused: " + ok.error().message);
        return e;
    }
    auto parsed = webhooks::parse_url(url);
    if (!parsed) return failure(ErrorCode::sso_metadata, "saml_metadata_url_refused", "metadata_url is not a valid URL");
    auto destination = webhooks::resolve(*parsed, m_settings.allow_private_metadata);
    if (!destination)
        return failure(ErrorCode::sso_metadata, "saml_metadata_url_refused", "metadata_url is refused: " + destination.error().message);
    auto got = webhooks::get(*destination, url, k_max_xml_bytes, m_settings.fetch_timeout_seconds * 1000L);
    if (!got.received)
        return failure(ErrorCode::sso_metadata, "saml_metadata_fetch_failed",
                       "cannot fetch the IdP metadata from " + url + ": " + got.error);
    if (got.http_status != 200)
        return failure(ErrorCode::sso_metadata, "saml_metadata_fetch_failed",
                       "the IdP metadata URL answered HTTP " + std::to_string(got.http_status) + " (expected 200)");
    return got.body;
}

Result<nlohmann::json> SamlService::render(const Connection& c) const {
    const auto sp = sp_endpoints(m_settings.base_url, c.organization_id);
    auto out = to_json(c, sp);
    SpMetadata md;
    md.entity_id = sp.entity_id;
    md.acs_url = sp.acs_url;
    md.slo_url = sp.slo_url;
    md.certificate_pem = c.sp_certificate;
    md.authn_requests_signed = c.settings.sign_authn_requests;
    md.want_assertions_signed = c.settings.want_assertions_signed;
    out["sp"]["metadata_xml"] = sp_metadata_xml(md);
    return out;
}

Result<nlohmann::json> SamlService::configure(const rbac::Caller& caller, const std::string& org_ref, const nlohmann::json& body) {
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!k_known_members.count(it.key())) return field_error(it.key(), "is not a member of an SSO connection");
    if (body.contains("protocol") && body["protocol"] != "saml")
        return field_error("protocol", "must be \"saml\" (upstream OIDC connections are configured elsewhere)");

    // Where the IdP's identity comes from: exactly one source, or none to keep the current one.
    const bool has_xml = body.contains("metadata_xml") && !body["metadata_xml"].is_null();
    const bool has_url = body.contains("metadata_url") && !body["metadata_url"].is_null();
    const bool has_manual = (body.contains("idp_entity_id") && !body["idp_entity_id"].is_null()) ||
                            (body.contains("idp_sso_url") && !body["idp_sso_url"].is_null()) ||
                            (body.contains("idp_certificates") && !body["idp_certificates"].is_null());
    if (int(has_xml) + int(has_url) + int(has_manual) > 1)
        return field_error("metadata_xml", "give one of metadata_xml, metadata_url, or idp_entity_id + idp_sso_url + idp_certificates");
    IdpSource source;
    if (has_xml || has_url) {
        std::string xml;
        if (has_xml) {
            if (!body["metadata_xml"].is_string()) return field_error("metadata_xml", "must be the IdP metadata document (a string)");
            xml = body["metadata_xml"].get<std::string>();
        } else {
            if (!body["metadata_url"].is_string()) return field_error("metadata_url", "must be a URL");
            source.metadata_url = body["metadata_url"].get<std::string>();
            auto fetched = fetch_metadata(*source.metadata_url);
            if (!fetched) return fetched.error();
            xml = std::move(*fetched);
        }
        auto idp = parse_idp_metadata(xml);
        if (!idp) return idp.error();
        source.idp = std::move(*idp);
        source.given = true;
    } else if (has_manual) {
        for (const char* f : {"idp_entity_id", "idp_sso_url"})
            if (!body.contains(f) || !body[f].is_string() || body[f].get<std::string>().empty())
                return field_error(f, "is required with a manual IdP configuration (a string)");
        if (!body.contains("idp_certificates") || !body["idp_certificates"].is_array() || body["idp_certificates"].empty() ||
            body["idp_certificates"].size() > 10)
            return field_error("idp_certificates", "must list 1 to 10 PEM certificates of the IdP (several during a key rollover)",
                               ErrorCode::sso_certificate);
        source.idp.entity_id = body["idp_entity_id"].get<std::string>();
        source.idp.sso_url = body["idp_sso_url"].get<std::string>();
        for (const auto& c : body["idp_certificates"]) {
            if (!c.is_string()) return field_error("idp_certificates", "must be PEM strings", ErrorCode::sso_certificate);
            auto pem = normalize_certificate(c.get<std::string>());
            if (!pem) return pem.error();
            source.idp.certificates_pem.push_back(*pem);
        }
        source.given = true;
    }
    if (body.contains("idp_slo_url") && !body["idp_slo_url"].is_null()) {
        if (!body["idp_slo_url"].is_string() || (!body["idp_slo_url"].get<std::string>().empty() && !http_url(body["idp_slo_url"])))
            return field_error("idp_slo_url", "must be an http(s) URL");
    }
    if (source.given) {
        if (source.idp.entity_id.size() > 1024) return field_error("idp_entity_id", "is longer than 1024 characters");
        if (!http_url(source.idp.sso_url)) return field_error("idp_sso_url", "must be an http(s) URL", ErrorCode::sso_configuration);
        if (!source.idp.slo_url.empty() && !http_url(source.idp.slo_url)) source.idp.slo_url.clear();
    }
    if (body.contains("enabled") && !body["enabled"].is_null() && !body["enabled"].is_boolean())
        return field_error("enabled", "must be true or false");

    return db::atomically<nlohmann::json>(m_pool, [&](db::Transaction& tx) -> Result<nlohmann::json> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        auto current = repo::find(tx, m_cipher, org->id);
        if (!current)
            if (auto allowed = billing::require_feature(tx, org->id, billing::Feature::sso); !allowed) return allowed.error();
        Connection next;
        if (current) next = *current;
        next.organization_id = org->id;
        next.organization_slug = org->slug;
        if (!current && !source.given)
            return field_error("metadata_xml", "is required to create a connection: give metadata_xml, metadata_url, or "
                                               "idp_entity_id + idp_sso_url + idp_certificates",
                               ErrorCode::sso_configuration);
        if (source.given) {
            next.idp_entity_id = source.idp.entity_id;
            next.idp_sso_url = source.idp.sso_url;
            next.idp_slo_url = source.idp.slo_url;
            next.idp_certificates = source.idp.certificates_pem;
            next.metadata_url = source.metadata_url;
        }
        if (body.contains("idp_slo_url") && !body["idp_slo_url"].is_null()) next.idp_slo_url = body["idp_slo_url"].get<std::string>();
        if (body.contains("enabled") && body["enabled"].is_boolean()) next.enabled = body["enabled"].get<bool>();
        if (auto ok = apply_settings(body, next.settings); !ok) return ok.error();
        if (!repo::role_exists(tx, org->id, next.settings.default_role))
            return field_error("default_role", "names no role of this organization ('" + next.settings.default_role + "')");
        for (const auto& [group, role] : next.settings.group_roles)
            if (!repo::role_exists(tx, org->id, role))
                return field_error("group_roles." + group, "names no role of this organization ('" + role + "')");
        if (!current) {
            auto keys = generate_sp_key("Janua SAML SP " + org->slug);
            next.sp_private_key = keys.private_key_pem;
            next.sp_certificate = keys.certificate_pem;
        }
        const bool created = repo::save(tx, m_cipher, next, caller.user_id);
        auto e = event_for(caller, created ? "sso.connection_created" : "sso.connection_updated", org->id);
        nlohmann::json changed = nlohmann::json::array();
        for (auto it = body.begin(); it != body.end(); ++it) changed.push_back(it.key());
        e.details = {{"protocol", "saml"},
                     {"fields", changed},
                     {"idp_entity_id", next.idp_entity_id},
                     {"certificates", fingerprints(next.idp_certificates)},
                     {"enabled", next.enabled}};
        audit::record(tx, e);
        auto saved = repo::find(tx, m_cipher, org->id);
        auto out = render(*saved);
        if (out) (*out)["created"] = created;
        return out;
    });
}

Result<nlohmann::json> SamlService::get(const std::string& org_ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<nlohmann::json> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        auto c = repo::find(tx, m_cipher, org->id);
        if (!c) return not_configured(org->slug);
        return render(*c);
    });
}

bool SamlService::has_enabled_connection() {
    return m_pool.transact([](db::Transaction& tx) { return repo::any_enabled(tx); });
}

Result<nlohmann::json> SamlService::list() {
    return m_pool.transact([&](db::Transaction& tx) -> Result<nlohmann::json> {
        nlohmann::json data = nlohmann::json::array();
        for (const auto& c : repo::list(tx, m_cipher)) data.push_back(*render(c));
        return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
    });
}

Status SamlService::remove(const rbac::Caller& caller, const std::string& org_ref) {
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Status {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        auto current = repo::find(tx, m_cipher, org->id);
        if (!current) return not_configured(org->slug);
        repo::remove(tx, org->id);
        auto e = event_for(caller, "sso.connection_deleted", org->id);
        e.details = {{"protocol", "saml"}, {"idp_entity_id", current->idp_entity_id}};
        audit::record(tx, e);
        return Ok{};
    });
}

Result<nlohmann::json> SamlService::test(const rbac::Caller& caller, const std::string& org_ref, const nlohmann::json& body) {
    auto shown = get(org_ref);
    if (!shown) return shown.error();
    const std::string org_id = (*shown)["organization_id"];
    auto connection = m_pool.transact([&](db::Transaction& tx) { return repo::find(tx, m_cipher, org_id); });
    if (!connection) return not_configured(org_ref);
    const Connection& c = *connection;
    nlohmann::json checks = nlohmann::json::array();
    bool all_ok = true;
    auto check = [&](const std::string& name, bool ok, const std::string& message) {
        checks.push_back({{"check", name}, {"ok", ok}, {"message", message}});
        all_ok = all_ok && ok;
    };
    if (c.metadata_url) {
        auto fetched = fetch_metadata(*c.metadata_url);
        if (!fetched) check("metadata_fetch", false, fetched.error().message);
        else {
            auto idp = parse_idp_metadata(*fetched);
            if (!idp) check("metadata_valid", false, idp.error().message);
            else {
                check("metadata_valid", true, "the metadata at " + *c.metadata_url + " parses");
                check("metadata_entity_id", idp->entity_id == c.idp_entity_id,
                      idp->entity_id == c.idp_entity_id ? "entity id unchanged"
                                                        : "the IdP now calls itself '" + idp->entity_id + "'; run configure again");
                std::set<std::string> have(c.idp_certificates.begin(), c.idp_certificates.end());
                bool same = true;
                for (const auto& pem : idp->certificates_pem) same = same && have.count(pem);
                check("metadata_certificates", same,
                      same ? "the configured certificates include every certificate the IdP publishes"
                           : "the IdP publishes a certificate that is not configured (a key rollover?); run configure again");
            }
        }
    }
    const auto now = unix_seconds_now();
    for (const auto& pem : c.idp_certificates) {
        const std::string not_after = certificate_not_after(pem);
        const auto expires = parse_rfc3339(not_after);
        const bool valid = expires && *expires > now;
        check("certificate " + certificate_fingerprint(pem).substr(0, 23), valid,
              valid ? "valid until " + not_after
                    : "expired on " + not_after + " (Janua pins the key and still accepts it, but the IdP should roll it)");
    }
    check("idp_sso_url", http_url(c.idp_sso_url), c.idp_sso_url);
    if (c.idp_slo_url.empty()) check("idp_slo_url", true, "no IdP single-logout URL: logout ends the Janua session only");

    // What a login would map to, from sample attributes.
    nlohmann::json mapped = nlohmann::json::object();
    if (body.contains("attributes") && body["attributes"].is_object()) {
        const auto& attrs = body["attributes"];
        auto first = [&](const std::string& name) -> nlohmann::json {
            if (name.empty() || !attrs.contains(name)) return nullptr;
            const auto& v = attrs[name];
            if (v.is_string()) return v;
            if (v.is_array() && !v.empty() && v[0].is_string()) return v[0];
            return nullptr;
        };
        mapped["email"] = first(c.settings.attributes.email);
        if (mapped["email"].is_null() && body.contains("name_id") && body["name_id"].is_string()) mapped["email"] = body["name_id"];
        mapped["first_name"] = first(c.settings.attributes.first_name);
        mapped["last_name"] = first(c.settings.attributes.last_name);
        std::string role = c.settings.default_role;
        if (attrs.contains(c.settings.attributes.groups)) {
            const auto& g = attrs[c.settings.attributes.groups];
            std::vector<std::string> groups;
            if (g.is_string()) groups.push_back(g.get<std::string>());
            if (g.is_array())
                for (const auto& v : g)
                    if (v.is_string()) groups.push_back(v.get<std::string>());
            for (const auto& name : groups)
                if (auto it = c.settings.group_roles.find(name); it != c.settings.group_roles.end()) {
                    role = it->second;
                    if (role == "admin") break;
                }
        }
        mapped["role"] = role;
        if (mapped["email"].is_string()) {
            const std::string email = mapped["email"];
            const std::string domain = email.substr(email.find('@') + 1);
            const auto& allowed = c.settings.allowed_domains;
            mapped["domain_allowed"] = allowed.empty() || std::find(allowed.begin(), allowed.end(), domain) != allowed.end();
        }
    }
    m_pool.transact([&](db::Transaction& tx) {
        auto e = event_for(caller, "sso.connection_tested", c.organization_id);
        e.outcome = all_ok ? "success" : "failure";
        e.details = {{"checks", checks.size()}, {"ok", all_ok}};
        audit::record(tx, e);
    });
    return nlohmann::json{{"ok", all_ok}, {"checks", checks}, {"mapping", to_json(c.settings)["attribute_mapping"]},
                          {"mapped", mapped}, {"connection", *shown}};
}

Result<std::string> SamlService::sp_metadata(const std::string& org_ref) {
    auto c = m_pool.transact([&](db::Transaction& tx) -> Result<Connection> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        auto found = repo::find(tx, m_cipher, org->id);
        if (!found) return not_configured(org->slug);
        return *found;
    });
    if (!c) return c.error();
    auto rendered = render(*c);
    return (*rendered)["sp"]["metadata_xml"].get<std::string>();
}

}  // namespace janua::saml
