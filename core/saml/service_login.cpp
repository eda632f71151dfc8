// SamlService: the Web Browser SSO profile (AuthnRequest out, Response in) and JIT provisioning.
#include "core/audit/audit.hpp"
#include "core/billing/limits.hpp"
#include "core/common/time.hpp"
#include "core/crypto/browser_binding.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "core/db/atomically.hpp"
#include "core/identity/user_repository.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/org_service.hpp"
#include "core/saml/redirect.hpp"
#include "core/saml/repository.hpp"
#include "core/saml/response.hpp"
#include "core/saml/service.hpp"
#include "core/saml/xml.hpp"

#include <algorithm>

namespace janua::saml {
namespace {

constexpr const char* k_email_format = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

std::string new_message_id() { return "_" + crypto::hex_encode(crypto::random_bytes(20)); }

std::string first_value(const ValidatedAssertion& a, const std::string& name) {
    if (name.empty()) return {};
    auto it = a.attributes.find(name);
    return it == a.attributes.end() || it->second.empty() ? std::string() : it->second.front();
}

audit::Event login_event(const identity::RequestMeta& meta, const std::optional<std::string>& organization_id) {
    audit::Event e;
    e.action = "sso.login";
    e.actor_type = "anonymous";
    e.organization_id = organization_id;
    e.ip_address = meta.ip;
    e.user_agent = meta.user_agent;
    e.request_id = meta.request_id;
    return e;
}

// The organization a posted Response is meant for, read from the untrusted message only to pick
// the connection whose rules then judge it: the request it answers, else its Issuer.
std::optional<std::string> route_response(db::Transaction& tx, std::string_view xml) {
    auto doc = parse_untrusted(xml);
    if (!doc) return std::nullopt;
    Node root = doc->root();
    if (auto irt = attribute(root, "InResponseTo"); irt && !irt->empty())
        if (auto request = repo::lock_request(tx, *irt, "authn")) return request->organization_id;
    std::string issuer = text(first_child(first_child(root, k_ns_assertion, "Assertion"), k_ns_assertion, "Issuer"));
    if (issuer.empty()) issuer = text(first_child(root, k_ns_assertion, "Issuer"));
    if (issuer.empty()) return std::nullopt;
    auto orgs = repo::organizations_for_idp(tx, issuer);
    if (orgs.size() == 1) return orgs.front();
    return std::nullopt;
}

}  // namespace

std::optional<std::string> safe_return_to(const std::string& target, const std::string& base_url) {
    std::string path = target;
    std::string base = base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (!base.empty() && path.rfind(base + "/", 0) == 0) path = path.substr(base.size());
    const bool ok = path.size() < 2048 && path.rfind("/", 0) == 0 && path.rfind("//", 0) != 0 &&
                    path.find('\\') == std::string::npos && path.find('\r') == std::string::npos &&
                    path.find('\n') == std::string::npos && path.find('\0') == std::string::npos;
    if (!ok) return std::nullopt;
    return path;
}

void SamlService::record_login_failure(const std::optional<std::string>& organization_id, const Error& error,
                                       const identity::RequestMeta& meta, const nlohmann::json& extra) {
    m_pool.transact([&](db::Transaction& tx) {
        auto e = login_event(meta, organization_id);
        e.outcome = "failure";
        e.details = {{"protocol", "saml"}, {"code", error_code_name(error.code)}, {"reason", reason_of(error)},
                     {"message", error.message}};
        e.details.update(extra);
        audit::record(tx, e);
    });
}

Result<Redirect> SamlService::initiate(const std::optional<std::string>& org_ref, const std::optional<std::string>& domain,
                                       const std::string& return_to, const identity::RequestMeta&,
                                       const std::string& browser_binding) {
    if (!org_ref && !domain)
        return failure(ErrorCode::validation, "saml_no_organization", "give org (id or slug) or domain (the user's email domain)");
    std::string target;
    if (!return_to.empty()) {
        auto safe = safe_return_to(return_to, m_settings.base_url);
        if (!safe) {
            Error e = make_error(ErrorCode::validation, "return_to must be a path on this server (no other site)");
            e.details = nlohmann::json::array({{{"field", "return_to"}, {"rule", "same_origin"}, {"message", "must be a path on this server"}}});
            return e;
        }
        target = *safe;
    }
    const std::string request_id = new_message_id();
    const std::string relay_state = crypto::random_token(16);
    const std::string binding = crypto::browser_binding::value_for(browser_binding);
    auto connection = m_pool.transact([&](db::Transaction& tx) -> Result<Connection> {
        std::string org_id;
        if (org_ref) {
            auto org = orgs::repo::find(tx, *org_ref);
            if (!org) return orgs::organization_not_found();
            org_id = org->id;
        } else {
            std::string d = *domain;
            if (auto at = d.rfind('@'); at != std::string::npos) d = d.substr(at + 1);
            std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::tolower(c); });
            auto found = repo::organizations_for_domain(tx, d);
            if (found.empty())
                return failure(ErrorCode::sso_configuration, "saml_not_configured",
                               "no organization signs in users of '" + d.substr(0, 200) + "' with SSO");
            if (found.size() > 1)
                return failure(ErrorCode::sso_configuration, "saml_domain_ambiguous",
                               "several organizations claim '" + d.substr(0, 200) + "'; start the sign-in with ?org=");
            org_id = found.front();
        }
        auto c = repo::find(tx, m_cipher, org_id);
        if (!c) return failure(ErrorCode::sso_configuration, "saml_not_configured", "this organization has no SAML connection");
        if (!c->enabled)
            return failure(ErrorCode::sso_configuration, "saml_connection_disabled",
                           "the organization's SAML connection is disabled; an administrator can enable it");
        repo::purge_expired(tx);
        repo::insert_request(tx, request_id, org_id, "authn", relay_state, target, "", m_settings.request_ttl_seconds,
                             crypto::browser_binding::hash_of(binding));
        return *c;
    });
    if (!connection) return connection.error();
    const auto sp = sp_endpoints(m_settings.base_url, connection->organization_id);
    const std::string xml =
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" + request_id + "\" Version=\"2.0\" IssueInstant=\"" +
        xml_time(unix_seconds_now()) + "\" Destination=\"" + xml_escape(connection->idp_sso_url) +
        "\" AssertionConsumerServiceURL=\"" + xml_escape(sp.acs_url) +
        "\" ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"><saml:Issuer>" + xml_escape(sp.entity_id) +
        "</saml:Issuer><samlp:NameIDPolicy Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\" "
        "AllowCreate=\"true\"/></samlp:AuthnRequest>";
    return Redirect{redirect_url(connection->idp_sso_url, "SAMLRequest", xml, relay_state,
                                 connection->settings.sign_authn_requests ? connection->sp_private_key : std::string()),
                    binding};
}

Result<AcsOutcome> SamlService::consume(const std::string& saml_response, const std::string& relay_state,
                                        const identity::RequestMeta& meta, const std::string& browser_binding) {
    if (!m_auth) throw std::logic_error("SamlService::consume needs the auth service");
    auto xml = decode_post_message(saml_response);
    if (!xml) {
        record_login_failure(std::nullopt, xml.error(), meta);
        return xml.error();
    }
    if (auto parsed = parse_untrusted(*xml); !parsed) {
        record_login_failure(std::nullopt, parsed.error(), meta);
        return parsed.error();
    }
    auto connection = m_pool.transact([&](db::Transaction& tx) -> std::optional<Connection> {
        auto org = route_response(tx, *xml);
        if (!org) return std::nullopt;
        return repo::find(tx, m_cipher, *org);
    });
    if (!connection || !connection->enabled) {
        Error e = failure(ErrorCode::sso_configuration, "saml_unknown_idp",
                          "the Response answers no request of ours and its Issuer matches no enabled SAML connection; "
                          "check the IdP entity id configured for the organization");
        record_login_failure(connection ? std::optional<std::string>(connection->organization_id) : std::nullopt, e, meta);
        return e;
    }
    const Connection& c = *connection;
    const auto sp = sp_endpoints(m_settings.base_url, c.organization_id);
    ResponseRules rules;
    rules.sp_entity_id = sp.entity_id;
    rules.acs_url = sp.acs_url;
    rules.idp_entity_id = c.idp_entity_id;
    rules.certificates_pem = c.idp_certificates;
    rules.want_assertions_signed = c.settings.want_assertions_signed;
    rules.want_response_signed = c.settings.want_response_signed;
    rules.allow_sha1 = c.settings.allow_sha1;
    rules.clock_skew_seconds = c.settings.clock_skew_seconds;
    rules.now = unix_seconds_now();
    auto assertion = validate_response(*xml, rules);
    if (!assertion) {
        record_login_failure(c.organization_id, assertion.error(), meta);
        return assertion.error();
    }
    const ValidatedAssertion& a = *assertion;

    nlohmann::json facts = {{"idp_entity_id", c.idp_entity_id}, {"name_id", a.name_id}, {"assertion_id", a.assertion_id}};
    auto outcome = db::atomically<AcsOutcome>(m_pool, [&](db::Transaction& tx) -> Result<AcsOutcome> {
        AcsOutcome out;
        if (!repo::consume_assertion(tx, c.organization_id, a.assertion_id, a.expires_at + c.settings.clock_skew_seconds))
            return failure(ErrorCode::sso_validation, "saml_replayed_assertion",
                           "this assertion was already used to sign in (a replay); start a new sign-in");
        if (!a.in_response_to.empty()) {
            auto request = repo::lock_request(tx, a.in_response_to, "authn");
            if (!request || request->organization_id != c.organization_id)
                return failure(ErrorCode::sso_validation, "saml_unknown_in_response_to",
                               "the Response answers a request this service provider did not send; start the sign-in again");
            if (request->consumed)
                return failure(ErrorCode::sso_validation, "saml_replayed_assertion",
                               "the request this Response answers was already answered (a replay); start a new sign-in");
            if (request->expired)
                return failure(ErrorCode::sso_validation, "saml_request_expired",
                               "the sign-in took too long (the AuthnRequest expired); start it again");
            if (!relay_state.empty() && relay_state != request->relay_state)
                return failure(ErrorCode::sso_validation, "saml_relay_state_mismatch",
                               "the RelayState does not belong to the request this Response answers");
            if (!crypto::browser_binding::matches(request->browser_binding_hash, browser_binding))
                return failure(ErrorCode::sso_validation, "saml_browser_mismatch",
                               "this sign-in was started in another browser, or its cookie expired or was blocked; "
                               "start the sign-in again from this browser");
            repo::consume_request(tx, request->id);
            out.return_to = request->return_to;
        } else {
            if (!c.settings.allow_idp_initiated)
                return failure(ErrorCode::sso_validation, "saml_unsolicited_response",
                               "the IdP sent a Response nobody asked for (IdP-initiated sign-in), which this connection "
                               "refuses; start the sign-in from Janua, or enable allow_idp_initiated on the connection");
            auto target = relay_state.empty() ? std::nullopt : safe_return_to(relay_state, m_settings.base_url);
            out.return_to = target ? *target : c.settings.default_return_to;
        }

        // Who this is: the subject we know, else the email the IdP asserts.
        std::string email = first_value(a, c.settings.attributes.email);
        if (email.empty() && (c.settings.attributes.email.empty() || a.name_id_format == k_email_format ||
                              a.name_id.find('@') != std::string::npos))
            email = a.name_id;
        auto normalized = identity::normalize_email(email);
        if (!normalized)
            return failure(ErrorCode::sso_provisioning, "saml_no_email",
                           "the assertion carries no email address (attribute '" + c.settings.attributes.email +
                               "' or an emailAddress NameID); map the IdP's email attribute in attribute_mapping.email");
        const std::string domain = normalized->substr(normalized->find('@') + 1);
        const auto& allowed = c.settings.allowed_domains;
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), domain) == allowed.end())
            return failure(ErrorCode::sso_provisioning, "saml_email_domain_not_allowed",
                           "the IdP signed in " + domain + ", which is not one of this organization's allowed domains");

        std::optional<identity::User> user;
        bool provisioned = false;
        if (auto linked = repo::user_for_subject(tx, c.organization_id, a.name_id)) user = identity::users::find_by_id(tx, *linked);
        if (!user) {
            user = identity::users::find_by_email(tx, *normalized);
            // An existing account is only taken over by an IdP of an organization it already belongs to.
            if (user && !repo::member_role(tx, c.organization_id, user->id))
                return failure(ErrorCode::sso_provisioning, "saml_account_exists",
                               "an account with this email exists but is not a member of the organization; an "
                               "administrator can add it as a member, then SSO signs it in");
        }
        if (!user) {
            if (!c.settings.jit_provisioning)
                return failure(ErrorCode::sso_provisioning, "saml_jit_disabled",
                               "no account exists for " + *normalized +
                                   " and just-in-time provisioning is off; invite the user, or enable jit_provisioning");
            identity::users::NewUser fresh;
            fresh.email = *normalized;
            const std::string first = first_value(a, c.settings.attributes.first_name);
            const std::string last = first_value(a, c.settings.attributes.last_name);
            if (!first.empty()) fresh.first_name = first.substr(0, 200);
            if (!last.empty()) fresh.last_name = last.substr(0, 200);
            fresh.email_verified = true;  // the organization's IdP vouches for it, within its allowed domains
            fresh.metadata = {{"provisioned_by", "saml"}, {"organization_id", c.organization_id}};
            auto inserted = identity::users::insert(tx, fresh);
            if (!inserted) return inserted.error();
            user = *inserted;
            provisioned = true;
            audit::Event created = login_event(meta, c.organization_id);
            created.action = "user.created";
            created.actor_type = "system";
            created.target_type = "user";
            created.target_id = user->id;
            created.details = {{"via", "saml_jit"}, {"idp_entity_id", c.idp_entity_id}};
            audit::record(tx, created);
        }
        if (user->status != "ACTIVE")
            return failure(ErrorCode::sso_provisioning, "saml_account_inactive",
                           "the account of " + user->email + " is " + user->status + "; an administrator can reactivate it");

        // Membership and the role the IdP's groups map to (an owner is never demoted by the IdP).
        std::string mapped_role = c.settings.default_role;
        bool group_mapped = false;
        if (auto it = a.attributes.find(c.settings.attributes.groups); it != a.attributes.end())
            for (const auto& group : it->second)
                if (auto role = c.settings.group_roles.find(group); role != c.settings.group_roles.end()) {
                    if (!group_mapped || role->second == "admin") mapped_role = role->second;
                    group_mapped = true;
                }
        auto current_role = repo::member_role(tx, c.organization_id, user->id);
        if (!current_role) {
            if (auto slot = billing::require_member_slot(tx, c.organization_id); !slot)
                return failure(ErrorCode::sso_provisioning, "saml_plan_limit", slot.error().message);
            repo::add_member(tx, c.organization_id, user->id, mapped_role);
            audit::Event joined = login_event(meta, c.organization_id);
            joined.action = "member.added";
            joined.actor_type = "system";
            joined.target_type = "user";
            joined.target_id = user->id;
            joined.details = {{"role", mapped_role}, {"via", "saml_jit"}};
            audit::record(tx, joined);
        } else if (group_mapped && *current_role != mapped_role && *current_role != "owner") {
            repo::set_member_role(tx, c.organization_id, user->id, mapped_role);
            audit::Event changed = login_event(meta, c.organization_id);
            changed.action = "member.role_changed";
            changed.actor_type = "system";
            changed.target_type = "user";
            changed.target_id = user->id;
            changed.details = {{"from", *current_role}, {"to", mapped_role}, {"via", "saml_group_mapping"}};
            audit::record(tx, changed);
        }
        repo::link_subject(tx, c.organization_id, a.name_id, user->id);

        out.signin = m_auth->complete_browser_signin(tx, *user, {"saml"}, meta, "saml", c.organization_id);
        repo::insert_session(tx, repo::SamlSession{out.signin.session_id, user->id, c.organization_id, a.name_id,
                                                   a.name_id_format, a.session_index});
        audit::Event ok = login_event(meta, c.organization_id);
        ok.actor_type = "user";
        ok.actor_id = user->id;
        ok.target_type = "user";
        ok.target_id = user->id;
        ok.details = facts;
        ok.details["protocol"] = "saml";
        ok.details["provisioned"] = provisioned;
        ok.details["idp_initiated"] = a.in_response_to.empty();
        ok.details["session_id"] = out.signin.session_id;
        audit::record(tx, ok);
        return out;
    });
    if (!outcome) record_login_failure(c.organization_id, outcome.error(), meta, facts);
    return outcome;
}

}  // namespace janua::saml
