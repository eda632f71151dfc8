// The SAML parser and validator (core/saml) on responses signed here with xmlsec: every rule
// refuses what it should with the reason an administrator reads, and accepts what it should.
#include "core/common/time.hpp"
#include "core/saml/connection.hpp"
#include "core/saml/metadata.hpp"
#include "core/saml/redirect.hpp"
#include "core/saml/response.hpp"
#include "core/saml/service.hpp"
#include "core/saml/xml.hpp"

#include <catch2/catch.hpp>
#include <libxml/tree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>

#include <functional>
#include <string>

using namespace janua;
using namespace janua::saml;

namespace {

const std::string k_acs = "https://janua.test/api/v1/sso/saml/acs";
const std::string k_sp = "https://janua.test/api/v1/sso/saml/metadata/org-1";
const std::string k_idp = "https://idp.test/entity";

const SpKeyPair& idp_key() {
    static const SpKeyPair key = generate_sp_key("test idp");
    return key;
}
const SpKeyPair& other_key() {
    static const SpKeyPair key = generate_sp_key("someone else");
    return key;
}

struct Shape {
    std::string audience = k_sp;
    std::string recipient = k_acs;
    std::string issuer = k_idp;
    std::int64_t not_on_or_after = unix_seconds_now() + 300;
    std::int64_t not_before = unix_seconds_now() - 60;
    std::string in_response_to = "_req1";
    std::string status = "urn:oasis:names:tc:SAML:2.0:status:Success";
    std::string email = "ann@acme.example";
};

std::string response_xml(const Shape& s, const std::string& assertion_id = "_a1") {
    const std::string irt = s.in_response_to.empty() ? "" : " InResponseTo=\"" + s.in_response_to + "\"";
    return "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" "
           "ID=\"_r1\" Version=\"2.0\" IssueInstant=\"" + xml_time(unix_seconds_now()) + "\" Destination=\"" + k_acs + "\"" + irt +
           "><saml:Issuer>" + s.issuer + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"" + s.status +
           "\"/></samlp:Status><saml:Assertion ID=\"" + assertion_id + "\" Version=\"2.0\" IssueInstant=\"" +
           xml_time(unix_seconds_now()) + "\"><saml:Issuer>" + s.issuer + "</saml:Issuer><saml:Subject><saml:NameID "
           "Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">" + s.email + "</saml:NameID>"
           "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml:SubjectConfirmationData "
           "NotOnOrAfter=\"" + xml_time(s.not_on_or_after) + "\" Recipient=\"" + s.recipient + "\"" + irt +
           "/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore=\"" + xml_time(s.not_before) +
           "\" NotOnOrAfter=\"" + xml_time(s.not_on_or_after) + "\"><saml:AudienceRestriction><saml:Audience>" + s.audience +
           "</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant=\"" +
           xml_time(unix_seconds_now()) + "\" SessionIndex=\"_s1\"/><saml:AttributeStatement><saml:Attribute Name=\"groups\">"
           "<saml:AttributeValue>Eng</saml:AttributeValue><saml:AttributeValue>Ops</saml:AttributeValue></saml:Attribute>"
           "</saml:AttributeStatement></saml:Assertion></samlp:Response>";
}

// Sign the element with this ID (enveloped, exc-c14n, RSA-SHA256) as an IdP would.
std::string sign(const std::string& xml, const std::string& id, const std::string& key_pem) {
    ensure_initialised();
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "t.xml", nullptr, XML_PARSE_NONET);
    REQUIRE(doc);
    xmlNodePtr target = nullptr;
    std::function<void(xmlNodePtr)> walk = [&](xmlNodePtr n) {
        for (; n; n = n->next) {
            if (n->type != XML_ELEMENT_NODE) continue;
            if (xmlAttrPtr a = xmlHasProp(n, BAD_CAST "ID")) {
                xmlChar* v = xmlNodeListGetString(doc, a->children, 1);
                xmlAddID(nullptr, doc, v, a);
                if (id == reinterpret_cast<char*>(v)) target = n;
                xmlFree(v);
            }
            walk(n->children);
        }
    };
    walk(xmlDocGetRootElement(doc));
    REQUIRE(target);
    xmlNodePtr sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id, nullptr);
    xmlNodePtr issuer = target->children;
    xmlAddNextSibling(issuer, sig);
    const std::string uri = "#" + id;
    xmlNodePtr ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr,
                                                     reinterpret_cast<const xmlChar*>(uri.c_str()), nullptr);
    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId);
    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId);
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(nullptr);
    ctx->signKey = xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(key_pem.data()),
                                                static_cast<xmlSecSize>(key_pem.size()), xmlSecKeyDataFormatPem,
                                                nullptr, nullptr, nullptr);
    REQUIRE(ctx->signKey);
    REQUIRE(xmlSecDSigCtxSign(ctx, sig) == 0);
    xmlSecDSigCtxDestroy(ctx);
    xmlChar* out = nullptr;
    int size = 0;
    xmlDocDumpMemory(doc, &out, &size);
    std::string text(reinterpret_cast<char*>(out), static_cast<std::size_t>(size));
    xmlFree(out);
    xmlFreeDoc(doc);
    return text;
}

ResponseRules rules() {
    ResponseRules r;
    r.sp_entity_id = k_sp;
    r.acs_url = k_acs;
    r.idp_entity_id = k_idp;
    r.certificates_pem = {idp_key().certificate_pem};
    r.now = unix_seconds_now();
    return r;
}

std::string refused(const std::string& xml, const ResponseRules& r = rules()) {
    auto result = validate_response(xml, r);
    REQUIRE_FALSE(result);
    return reason_of(result.error());
}

}  // namespace

TEST_CASE("a signed assertion that follows every rule is accepted and read from the signed node", "[saml]") {
    const auto xml = sign(response_xml(Shape{}), "_a1", idp_key().private_key_pem);
    auto a = validate_response(xml, rules());
    REQUIRE(a);
    CHECK(a->assertion_signed);
    CHECK_FALSE(a->response_signed);
    CHECK(a->name_id == "ann@acme.example");
    CHECK(a->in_response_to == "_req1");
    CHECK(a->session_index == "_s1");
    CHECK(a->assertion_id == "_a1");
    CHECK(a->attributes.at("groups") == std::vector<std::string>{"Eng", "Ops"});
    // Key rollover: any configured certificate will do.
    auto r = rules();
    r.certificates_pem = {other_key().certificate_pem, idp_key().certificate_pem};
    CHECK(validate_response(xml, r));
}

TEST_CASE("signatures: tampered, another key, missing, response-only when the assertion must be signed", "[saml]") {
    auto signed_xml = sign(response_xml(Shape{}), "_a1", idp_key().private_key_pem);
    auto tampered = signed_xml;
    tampered.replace(tampered.find("ann@acme.example"), 3, "bob");
    CHECK(refused(tampered) == "saml_signature_invalid");
    CHECK(validate_response(tampered, rules()).error().code == ErrorCode::sso_authentication);
    CHECK(refused(sign(response_xml(Shape{}), "_a1", other_key().private_key_pem)) == "saml_signature_invalid");
    CHECK(refused(response_xml(Shape{})) == "saml_signature_missing");
    const auto response_signed = sign(response_xml(Shape{}), "_r1", idp_key().private_key_pem);
    CHECK(refused(response_signed) == "saml_signature_missing");
    auto lenient = rules();
    lenient.want_assertions_signed = false;
    auto ok = validate_response(response_signed, lenient);
    REQUIRE(ok);
    CHECK(ok->response_signed);
}

TEST_CASE("signature wrapping: a second assertion, a nested one, a duplicate ID", "[saml][xsw]") {
    const auto signed_xml = sign(response_xml(Shape{}), "_a1", idp_key().private_key_pem);
    const auto start = signed_xml.find("<saml:Assertion");
    const std::string evil = "<saml:Assertion ID=\"_evil\" Version=\"2.0\"><saml:Issuer>" + k_idp +
                             "</saml:Issuer><saml:Subject><saml:NameID>admin@acme.example</saml:NameID></saml:Subject></saml:Assertion>";
    auto beside = signed_xml;
    beside.insert(start, evil);
    CHECK(refused(beside) == "saml_wrapped_assertion");
    auto inside = signed_xml;
    inside.insert(inside.find('>', start) + 1, evil);
    CHECK(refused(inside) == "saml_wrapped_assertion");
    auto duplicate = signed_xml;
    duplicate.insert(duplicate.find("<samlp:Status>"), "<samlp:Extensions><x:y xmlns:x=\"urn:x\" ID=\"_a1\"/></samlp:Extensions>");
    CHECK(refused(duplicate) == "saml_duplicate_id");
}

TEST_CASE("conditions: audience, recipient, expiry, not yet valid, issuer, status", "[saml]") {
    auto check = [](Shape s, const std::string& reason) {
        INFO(reason);
        CHECK(refused(sign(response_xml(s), "_a1", idp_key().private_key_pem)) == reason);
    };
    Shape s;
    s.audience = "https://elsewhere.test";
    check(s, "saml_audience_mismatch");
    s = Shape{};
    s.recipient = "https://elsewhere.test/acs";
    check(s, "saml_recipient_mismatch");
    s = Shape{};
    s.not_on_or_after = unix_seconds_now() - 600;
    check(s, "saml_expired");
    s = Shape{};
    s.not_before = unix_seconds_now() + 600;
    check(s, "saml_not_yet_valid");
    s = Shape{};
    s.issuer = "https://other-idp.test";
    check(s, "saml_issuer_mismatch");
    s = Shape{};
    s.status = "urn:oasis:names:tc:SAML:2.0:status:Responder";
    check(s, "saml_status_not_success");
    // Within the skew: accepted.
    s = Shape{};
    s.not_on_or_after = unix_seconds_now() - 30;
    CHECK(validate_response(sign(response_xml(s), "_a1", idp_key().private_key_pem), rules()));
}

TEST_CASE("the parser refuses DTDs, entity bombs, malformed and oversized XML", "[saml][xml]") {
    auto reason = [](const std::string& xml) {
        auto parsed = parse_untrusted(xml);
        REQUIRE_FALSE(parsed);
        return reason_of(parsed.error());
    };
    CHECK(reason("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>") == "saml_dtd_forbidden");
    std::string bomb = "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">";
    for (int i = 1; i < 10; ++i) {
        bomb += "<!ENTITY " + std::string(1, char('a' + i)) + " \"";
        for (int j = 0; j < 10; ++j) bomb += "&" + std::string(1, char('a' + i - 1)) + ";";
        bomb += "\">";
    }
    bomb += "]><r>&j;</r>";
    CHECK(reason(bomb) == "saml_dtd_forbidden");
    CHECK(reason("<r>&undeclared;</r>") == "saml_malformed_xml");
    CHECK(reason("<r><unclosed></r>") == "saml_malformed_xml");
    CHECK(reason("<r>" + std::string(k_max_xml_bytes, 'a') + "</r>") == "saml_too_large");
    CHECK(reason("<r><a ID=\"x\"/><b ID=\"x\"/></r>") == "saml_duplicate_id");
    CHECK(parse_untrusted("<r><a ID=\"x\"/><b ID=\"y\"/></r>"));
}

TEST_CASE("IdP metadata: entity, SSO and SLO URLs, signing certificates, what is missing is named", "[saml][metadata]") {
    const std::string body = certificate_body(idp_key().certificate_pem);
    const std::string md =
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" "
        "entityID=\"" + k_idp + "\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        "<md:KeyDescriptor use=\"encryption\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + certificate_body(other_key().certificate_pem) +
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n" + body +
        "\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.test/slo\"/>"
        "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp.test/post\"/>"
        "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.test/sso\"/>"
        "</md:IDPSSODescriptor></md:EntityDescriptor>";
    auto idp = parse_idp_metadata(md);
    REQUIRE(idp);
    CHECK(idp->entity_id == k_idp);
    CHECK(idp->sso_url == "https://idp.test/sso");
    CHECK(idp->slo_url == "https://idp.test/slo");
    REQUIRE(idp->certificates_pem.size() == 1);  // the encryption key is not a signing key
    CHECK(certificate_fingerprint(idp->certificates_pem[0]) == certificate_fingerprint(idp_key().certificate_pem));

    auto no_redirect = md;
    no_redirect.replace(no_redirect.rfind("HTTP-Redirect"), 13, "HTTP-Artifact");
    CHECK(reason_of(parse_idp_metadata(no_redirect).error()) == "saml_metadata_no_sso_url");
    CHECK(parse_idp_metadata(no_redirect).error().code == ErrorCode::sso_metadata);
    CHECK(reason_of(parse_idp_metadata("<x/>").error()) == "saml_metadata_not_entity");
    CHECK(normalize_certificate("not a certificate").error().code == ErrorCode::sso_certificate);
    CHECK(normalize_certificate(body));  // bare base64 DER is accepted
}

TEST_CASE("the Redirect binding round-trips and its query signature verifies only with the right key", "[saml][redirect]") {
    const std::string xml = "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\"/>";
    const auto url = redirect_url("https://idp.test/sso?tenant=1", "SAMLRequest", xml, "relay", idp_key().private_key_pem);
    REQUIRE(url.rfind("https://idp.test/sso?tenant=1&SAMLRequest=", 0) == 0);
    const std::string query = url.substr(url.find("SAMLRequest="));
    auto ok = verify_redirect_signature(query, "SAMLRequest", {idp_key().certificate_pem}, false);
    REQUIRE(ok);
    CHECK(*ok);
    CHECK_FALSE(verify_redirect_signature(query, "SAMLRequest", {other_key().certificate_pem}, false));
    auto value = query.substr(12, query.find('&') - 12);
    std::string decoded;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '%') {
            decoded += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else decoded += value[i];
    }
    auto inflated = decode_redirect_message(decoded, 4096);
    REQUIRE(inflated);
    CHECK(*inflated == xml);
    CHECK(reason_of(decode_redirect_message(decoded, 10).error()) == "saml_too_large");
}

TEST_CASE("return targets stay on this server, settings are validated field by field", "[saml]") {
    CHECK(safe_return_to("/oauth/authorize?client_id=x", "https://janua.test") == "/oauth/authorize?client_id=x");
    CHECK(safe_return_to("https://janua.test/account", "https://janua.test/") == "/account");
    CHECK_FALSE(safe_return_to("https://evil.test/", "https://janua.test"));
    CHECK_FALSE(safe_return_to("//evil.test/", "https://janua.test"));
    CHECK_FALSE(safe_return_to("/\\evil.test", "https://janua.test"));
    CHECK_FALSE(safe_return_to("https://janua.test.evil.test/", "https://janua.test"));

    ConnectionSettings s;
    CHECK(apply_settings({{"allowed_domains", {"Acme.Example"}}, {"clock_skew_seconds", 30}}, s));
    CHECK(s.allowed_domains == std::vector<std::string>{"acme.example"});
    CHECK(s.clock_skew_seconds == 30);
    CHECK_FALSE(apply_settings({{"clock_skew_seconds", 3600}}, s));
    CHECK_FALSE(apply_settings({{"allowed_domains", {"not a domain"}}}, s));
    CHECK_FALSE(apply_settings({{"default_role", "owner"}}, s));
    CHECK_FALSE(apply_settings({{"attribute_mapping", {{"phone", "x"}}}}, s));
    CHECK_FALSE(apply_settings({{"default_return_to", "https://evil.test"}}, s));
    CHECK(s.clock_skew_seconds == 30);
}
