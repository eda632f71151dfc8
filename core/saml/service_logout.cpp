// SamlService: single logout (saml-profiles-2.0 4.4) over the HTTP-Redirect binding. The januad
// session always ends first, whatever happens at the IdP.
#include "core/audit/audit.hpp"
#include "core/common/time.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "core/db/atomically.hpp"
#include "core/identity/sessions.hpp"
#include "core/saml/redirect.hpp"
#include "core/saml/repository.hpp"
#include "core/saml/service.hpp"
#include "core/saml/xml.hpp"

namespace janua::saml {
namespace {

constexpr const char* k_success = "urn:oasis:names:tc:SAML:2.0:status:Success";

std::string new_message_id() { return "_" + crypto::hex_encode(crypto::random_bytes(20)); }

audit::Event logout_event(const identity::RequestMeta& meta, const std::string& organization_id) {
    audit::Event e;
    e.action = "sso.logout";
    e.actor_type = "anonymous";
    e.organization_id = organization_id;
    e.ip_address = meta.ip;
    e.user_agent = meta.user_agent;
    e.request_id = meta.request_id;
    return e;
}

std::string header(const char* element, const std::string& id, const std::string& destination) {
    return std::string("<samlp:") + element +
           " xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" "
           "ID=\"" + id + "\" Version=\"2.0\" IssueInstant=\"" + xml_time(unix_seconds_now()) + "\" Destination=\"" +
           xml_escape(destination) + "\"";
}

}  // namespace

Result<LogoutOutcome> SamlService::logout(const std::string& cookie_token, const std::string& return_to,
                                          const identity::RequestMeta& meta) {
    std::string target;
    if (!return_to.empty()) {
        auto safe = safe_return_to(return_to, m_settings.base_url);
        if (!safe) return make_error(ErrorCode::validation, "return_to must be a path on this server (no other site)");
        target = *safe;
    }
    LogoutOutcome out;
    out.clear_cookie = true;
    out.location = target;
    std::optional<Connection> connection;
    std::optional<repo::SamlSession> saml_session;
    const std::string request_id = new_message_id();
    const std::string relay_state = crypto::random_token(16);
    m_pool.transact([&](db::Transaction& tx) {
        auto session = cookie_token.empty() ? std::nullopt : identity::sessions::find_by_browser_token(tx, cookie_token);
        if (!session) return;
        saml_session = repo::find_session(tx, session->id);
        identity::sessions::revoke(tx, session->id, session->user_id, saml_session ? "saml_logout" : "signout");
        if (!saml_session) return;
        auto e = logout_event(meta, saml_session->organization_id);
        e.actor_type = "user";
        e.actor_id = session->user_id;
        e.target_type = "session";
        e.target_id = session->id;
        e.details = {{"protocol", "saml"}, {"initiated_by", "sp"}};
        connection = repo::find(tx, m_cipher, saml_session->organization_id);
        const bool to_idp = connection && connection->enabled && !connection->idp_slo_url.empty();
        e.details["idp_notified"] = to_idp;
        audit::record(tx, e);
        if (to_idp)
            repo::insert_request(tx, request_id, connection->organization_id, "logout", relay_state, target, session->id,
                                 m_settings.request_ttl_seconds);
        else
            connection.reset();
    });
    if (!connection || !saml_session) return out;
    std::string xml = header("LogoutRequest", request_id, connection->idp_slo_url) + "><saml:Issuer>" +
                      xml_escape(sp_endpoints(m_settings.base_url, connection->organization_id).entity_id) +
                      "</saml:Issuer><saml:NameID" +
                      (saml_session->name_id_format.empty() ? std::string()
                                                            : " Format=\"" + xml_escape(saml_session->name_id_format) + "\"") +
                      ">" + xml_escape(saml_session->name_id) + "</saml:NameID>";
    if (!saml_session->session_index.empty())
        xml += "<samlp:SessionIndex>" + xml_escape(saml_session->session_index) + "</samlp:SessionIndex>";
    xml += "</samlp:LogoutRequest>";
    out.location = redirect_url(connection->idp_slo_url, "SAMLRequest", xml, relay_state, connection->sp_private_key);
    return out;
}

Result<LogoutOutcome> SamlService::single_logout(const std::string& raw_query, const std::string& saml_request,
                                                 const std::string& saml_response, const std::string& relay_state,
                                                 const identity::RequestMeta& meta) {
    if (saml_request.empty() == saml_response.empty())
        return failure(ErrorCode::sso_validation, "saml_malformed_message",
                       "the single-logout endpoint expects one SAMLRequest or SAMLResponse (HTTP-Redirect binding)");
    const bool is_response = !saml_response.empty();
    auto xml = decode_redirect_message(is_response ? saml_response : saml_request, k_max_xml_bytes);
    if (!xml) return xml.error();
    auto doc = parse_untrusted(*xml);
    if (!doc) return doc.error();
    Node root = doc->root();
    const std::string issuer = text(first_child(root, k_ns_assertion, "Issuer"));
    LogoutOutcome out;
    out.clear_cookie = true;

    if (is_response) {
        if (!is_element(root, k_ns_protocol, "LogoutResponse"))
            return failure(ErrorCode::sso_validation, "saml_malformed_message", "SAMLResponse is not a LogoutResponse");
        const std::string answers = attribute(root, "InResponseTo").value_or("");
        return db::atomically<LogoutOutcome>(m_pool, [&](db::Transaction& tx) -> Result<LogoutOutcome> {
            auto request = answers.empty() ? std::nullopt : repo::lock_request(tx, answers, "logout");
            if (!request || request->consumed || request->expired)
                return failure(ErrorCode::sso_validation, "saml_unknown_in_response_to",
                               "the LogoutResponse answers no pending logout request of ours");
            auto c = repo::find(tx, m_cipher, request->organization_id);
            if (!c) return failure(ErrorCode::sso_configuration, "saml_not_configured", "the SAML connection was removed");
            if (issuer != c->idp_entity_id)
                return failure(ErrorCode::sso_validation, "saml_issuer_mismatch", "the LogoutResponse comes from another IdP");
            auto signed_ok = verify_redirect_signature(raw_query, "SAMLResponse", c->idp_certificates, c->settings.allow_sha1);
            if (!signed_ok) return signed_ok.error();
            repo::consume_request(tx, request->id);
            const std::string status =
                attribute(first_child(first_child(root, k_ns_protocol, "Status"), k_ns_protocol, "StatusCode"), "Value").value_or("");
            auto e = logout_event(meta, c->organization_id);
            e.outcome = status == k_success ? "success" : "failure";
            e.target_type = "session";
            if (!request->session_id.empty()) e.target_id = request->session_id;
            e.details = {{"protocol", "saml"}, {"initiated_by", "sp"}, {"idp_status", status}, {"step", "idp_response"}};
            audit::record(tx, e);
            out.location = request->return_to;
            return out;
        });
    }

    if (!is_element(root, k_ns_protocol, "LogoutRequest"))
        return failure(ErrorCode::sso_validation, "saml_malformed_message", "SAMLRequest is not a LogoutRequest");
    const std::string their_id = attribute(root, "ID").value_or("");
    const std::string name_id = text(first_child(root, k_ns_assertion, "NameID"));
    const std::string session_index = text(first_child(root, k_ns_protocol, "SessionIndex"));
    if (their_id.empty() || name_id.empty())
        return failure(ErrorCode::sso_validation, "saml_malformed_message", "the LogoutRequest has no ID or NameID");
    std::optional<Connection> connection;
    auto revoked = db::atomically<int>(m_pool, [&](db::Transaction& tx) -> Result<int> {
        auto orgs = repo::organizations_for_idp(tx, issuer);
        if (orgs.size() != 1)
            return failure(ErrorCode::sso_configuration, "saml_unknown_idp",
                           "the LogoutRequest's Issuer matches no single enabled SAML connection");
        connection = repo::find(tx, m_cipher, orgs.front());
        auto signed_ok = verify_redirect_signature(raw_query, "SAMLRequest", connection->idp_certificates,
                                                   connection->settings.allow_sha1);
        if (!signed_ok) return signed_ok.error();
        if (!*signed_ok)
            return failure(ErrorCode::sso_authentication, "saml_signature_missing",
                           "an IdP LogoutRequest must be signed; configure the IdP to sign logout requests");
        int count = 0;
        for (const auto& s : repo::sessions_of_subject(tx, connection->organization_id, name_id, session_index))
            if (identity::sessions::revoke(tx, s.session_id, s.user_id, "saml_logout")) ++count;
        auto e = logout_event(meta, connection->organization_id);
        e.details = {{"protocol", "saml"}, {"initiated_by", "idp"}, {"name_id", name_id}, {"sessions_revoked", count}};
        audit::record(tx, e);
        return count;
    });
    if (!revoked) return revoked.error();
    if (connection->idp_slo_url.empty()) return out;
    const std::string xml_out = header("LogoutResponse", new_message_id(), connection->idp_slo_url) + " InResponseTo=\"" +
                                xml_escape(their_id) + "\"><saml:Issuer>" +
                                xml_escape(sp_endpoints(m_settings.base_url, connection->organization_id).entity_id) +
                                "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"" + k_success +
                                "\"/></samlp:Status></samlp:LogoutResponse>";
    out.location = redirect_url(connection->idp_slo_url, "SAMLResponse", xml_out, relay_state, connection->sp_private_key);
    return out;
}

}  // namespace janua::saml
