#include "core/saml/response.hpp"

#include "core/common/time.hpp"
#include "core/crypto/encoding.hpp"
#include "core/saml/xml.hpp"

#include <algorithm>

namespace janua::saml {
namespace {

constexpr const char* k_success = "urn:oasis:names:tc:SAML:2.0:status:Success";
constexpr const char* k_bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

Error invalid(const std::string& reason, const std::string& message) {
    return failure(ErrorCode::sso_validation, reason, message);
}

std::optional<std::int64_t> time_attribute(Node node, const char* name) {
    auto text = attribute(node, name);
    if (!text) return std::nullopt;
    return parse_rfc3339(*text);
}

// Status of a Response that did not succeed: the codes and message the IdP gave, for the admin.
Error status_failure(Node status) {
    Node code = first_child(status, k_ns_protocol, "StatusCode");
    std::string value = attribute(code, "Value").value_or("(none)");
    if (Node second = first_child(code, k_ns_protocol, "StatusCode")) value += " / " + attribute(second, "Value").value_or("");
    std::string message = text(first_child(status, k_ns_protocol, "StatusMessage"));
    if (message.size() > 200) message.resize(200);
    return failure(ErrorCode::sso_authentication, "saml_status_not_success",
                   "the IdP reported that the sign-in failed: " + value + (message.empty() ? "" : " (" + message + ")"));
}

}  // namespace

Result<std::string> decode_post_message(const std::string& base64) {
    if (base64.empty())
        return invalid("saml_missing_response", "the form has no SAMLResponse field (HTTP-POST binding expected)");
    if (base64.size() > k_max_xml_bytes * 4 / 3 + 4096)
        return failure(ErrorCode::payload_too_large, "saml_too_large", "the SAMLResponse is too large");
    std::string compact;
    compact.reserve(base64.size());
    for (char c : base64) {
        if (c == ' ') compact += '+';  // a '+' a form decoder turned into a space
        else if (c != '\r' && c != '\n' && c != '\t') compact += c;
    }
    auto decoded = crypto::base64_decode(compact);
    if (!decoded) return invalid("saml_malformed_message", "the SAMLResponse is not valid base64");
    return std::move(*decoded);
}

Result<ValidatedAssertion> validate_response(std::string_view xml, const ResponseRules& rules) {
    auto parsed = parse_untrusted(xml);
    if (!parsed) return parsed.error();
    const XmlDocument& doc = *parsed;
    Node root = doc.root();
    if (!is_element(root, k_ns_protocol, "Response"))
        return invalid("saml_not_a_response", "the message is not a SAML 2.0 protocol Response");
    if (attribute(root, "Version").value_or("") != "2.0")
        return invalid("saml_not_a_response", "the Response is not SAML version 2.0");

    ValidatedAssertion out;
    out.response_id = attribute(root, "ID").value_or("");

    // Exactly one Assertion, directly under the Response, and no other anywhere (signature wrapping).
    const auto direct = children(root, k_ns_assertion, "Assertion");
    const auto anywhere = descendants(root, k_ns_assertion, "Assertion");
    if (direct.size() > 1 || anywhere.size() > direct.size())
        return invalid("saml_wrapped_assertion",
                       "the Response carries more than one Assertion; only one, directly in the Response, is accepted");

    const VerifyOptions verify{rules.certificates_pem, rules.allow_sha1};
    auto response_signature = verify_enveloped(doc, root, verify);
    if (!response_signature) return response_signature.error();
    out.response_signed = *response_signature == SignatureState::verified;

    Node status = first_child(root, k_ns_protocol, "Status");
    if (attribute(first_child(status, k_ns_protocol, "StatusCode"), "Value").value_or("") != k_success)
        return status_failure(status);

    if (!children(root, k_ns_assertion, "EncryptedAssertion").empty())
        return failure(ErrorCode::sso_configuration, "saml_encrypted_assertion",
                       "the IdP encrypts its assertions, which this connection does not support; turn assertion "
                       "encryption off in the IdP's application settings");
    if (direct.empty()) return invalid("saml_no_assertion", "the Response carries no Assertion");
    Node assertion = direct.front();

    auto assertion_signature = verify_enveloped(doc, assertion, verify);
    if (!assertion_signature) return assertion_signature.error();
    out.assertion_signed = *assertion_signature == SignatureState::verified;

    if (!out.response_signed && !out.assertion_signed)
        return failure(ErrorCode::sso_authentication, "saml_signature_missing",
                       "neither the Response nor the Assertion is signed; configure the IdP to sign assertions");
    if (rules.want_assertions_signed && !out.assertion_signed)
        return failure(ErrorCode::sso_authentication, "saml_signature_missing",
                       "the Assertion is not signed; configure the IdP to sign the assertion (\"Sign Assertion\"), or "
                       "turn off want_assertions_signed on the connection");
    if (rules.want_response_signed && !out.response_signed)
        return failure(ErrorCode::sso_authentication, "saml_signature_missing",
                       "the Response is not signed; configure the IdP to sign the response, or turn off "
                       "want_response_signed on the connection");

    // From here on, read only the verified nodes: the Response wrapper only when it is signed.
    if (out.response_signed) {
        const auto destination = attribute(root, "Destination");
        if (!destination)
            return invalid("saml_destination_mismatch", "the signed Response has no Destination (expected " + rules.acs_url + ")");
        if (*destination != rules.acs_url)
            return invalid("saml_destination_mismatch",
                           "the Response is addressed to " + destination->substr(0, 300) + ", not to this ACS (" + rules.acs_url + ")");
        if (Node issuer = first_child(root, k_ns_assertion, "Issuer"); issuer && text(issuer) != rules.idp_entity_id)
            return invalid("saml_issuer_mismatch", "the Response was issued by '" + text(issuer).substr(0, 300) +
                                                       "', not by the configured IdP entity id '" + rules.idp_entity_id + "'");
    }

    if (attribute(assertion, "Version").value_or("") != "2.0")
        return invalid("saml_not_a_response", "the Assertion is not SAML version 2.0");
    out.assertion_id = attribute(assertion, "ID").value_or("");
    if (out.assertion_id.empty()) return invalid("saml_wrapped_assertion", "the Assertion has no ID");
    out.issuer = text(first_child(assertion, k_ns_assertion, "Issuer"));
    if (out.issuer != rules.idp_entity_id)
        return invalid("saml_issuer_mismatch", "the Assertion was issued by '" + out.issuer.substr(0, 300) +
                                                   "', not by the configured IdP entity id '" + rules.idp_entity_id + "'");

    const std::int64_t skew = rules.clock_skew_seconds;
    std::int64_t expires = INT64_MAX;

    Node conditions = first_child(assertion, k_ns_assertion, "Conditions");
    if (conditions) {
        if (auto before = time_attribute(conditions, "NotBefore"); before && *before > rules.now + skew)
            return invalid("saml_not_yet_valid", "the Assertion is valid only from " + xml_time(*before) + " (now " +
                                                      xml_time(rules.now) + ", allowed clock skew " +
                                                      std::to_string(skew) + " s); check the IdP's clock");
        if (attribute(conditions, "NotOnOrAfter")) {
            auto after = time_attribute(conditions, "NotOnOrAfter");
            if (!after || *after <= rules.now - skew)
                return invalid("saml_expired",
                               "the Assertion expired at " + (after ? xml_time(*after) : std::string("(unreadable)")) +
                                   " (now " + xml_time(rules.now) + ", allowed clock skew " + std::to_string(skew) +
                                   " s); check the IdP's clock or sign in again");
            expires = std::min(expires, *after);
        }
    }
    const auto restrictions = children(conditions, k_ns_assertion, "AudienceRestriction");
    if (restrictions.empty())
        return invalid("saml_audience_mismatch", "the Assertion has no AudienceRestriction; the IdP must name this "
                                                 "service provider (" + rules.sp_entity_id + ") as its audience");
    for (Node restriction : restrictions) {
        std::vector<std::string> audiences;
        for (Node a : children(restriction, k_ns_assertion, "Audience")) audiences.push_back(text(a));
        if (std::find(audiences.begin(), audiences.end(), rules.sp_entity_id) == audiences.end())
            return invalid("saml_audience_mismatch",
                           "the Assertion is meant for '" + (audiences.empty() ? std::string() : audiences.front().substr(0, 300)) +
                               "', not for this service provider; set the IdP's Audience URI (SP Entity ID) to " +
                               rules.sp_entity_id);
    }

    Node subject = first_child(assertion, k_ns_assertion, "Subject");
    Node name_id = first_child(subject, k_ns_assertion, "NameID");
    if (!name_id) return invalid("saml_no_subject", "the Assertion has no Subject NameID");
    out.name_id = text(name_id);
    out.name_id_format = attribute(name_id, "Format").value_or("");
    if (out.name_id.empty() || out.name_id.size() > 512) return invalid("saml_no_subject", "the Subject NameID is empty or too long");

    // A bearer confirmation addressed to our ACS and not expired (profiles 4.1.4.2).
    Error confirmation_problem = invalid("saml_no_bearer_confirmation", "the Subject has no bearer SubjectConfirmation");
    bool confirmed = false;
    for (Node sc : children(subject, k_ns_assertion, "SubjectConfirmation")) {
        if (attribute(sc, "Method").value_or("") != k_bearer) continue;
        Node data = first_child(sc, k_ns_assertion, "SubjectConfirmationData");
        const auto recipient = attribute(data, "Recipient");
        if (!recipient || *recipient != rules.acs_url) {
            confirmation_problem = invalid("saml_recipient_mismatch",
                                           "the assertion's Recipient is '" + recipient.value_or("").substr(0, 300) +
                                               "', not this ACS (" + rules.acs_url + "); set the IdP's ACS/Reply URL to " +
                                               rules.acs_url);
            continue;
        }
        auto not_after = time_attribute(data, "NotOnOrAfter");
        if (!not_after || *not_after <= rules.now - skew) {
            confirmation_problem = invalid("saml_expired", "the assertion's SubjectConfirmationData expired at " +
                                                               (not_after ? xml_time(*not_after) : std::string("(none)")) +
                                                               " (now " + xml_time(rules.now) + ", allowed clock skew " +
                                                               std::to_string(skew) + " s)");
            continue;
        }
        expires = std::min(expires, *not_after);
        out.in_response_to = attribute(data, "InResponseTo").value_or("");
        confirmed = true;
        break;
    }
    if (!confirmed) return confirmation_problem;
    if (out.response_signed) {
        const auto outer = attribute(root, "InResponseTo").value_or("");
        if (!outer.empty() && !out.in_response_to.empty() && outer != out.in_response_to)
            return invalid("saml_unknown_in_response_to", "the Response and its Assertion answer different requests");
        if (out.in_response_to.empty()) out.in_response_to = outer;
    }
    out.expires_at = expires == INT64_MAX ? rules.now + 300 : expires;

    Node authn = first_child(assertion, k_ns_assertion, "AuthnStatement");
    if (!authn) return invalid("saml_no_authn_statement", "the Assertion has no AuthnStatement");
    out.session_index = attribute(authn, "SessionIndex").value_or("");

    for (Node statement : children(assertion, k_ns_assertion, "AttributeStatement")) {
        for (Node attr : children(statement, k_ns_assertion, "Attribute")) {
            std::vector<std::string> values;
            for (Node v : children(attr, k_ns_assertion, "AttributeValue")) values.push_back(text(v));
            for (const char* key : {"Name", "FriendlyName"}) {
                const auto name = attribute(attr, key);
                if (!name || name->empty()) continue;
                auto& slot = out.attributes[*name];
                slot.insert(slot.end(), values.begin(), values.end());
            }
        }
    }
    return out;
}

}  // namespace janua::saml
