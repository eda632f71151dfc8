#include "core/saml/metadata.hpp"

#include "core/crypto/encoding.hpp"
#include "core/saml/xml.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace janua::saml {
namespace {

constexpr const char* k_redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
constexpr const char* k_post = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

Error metadata_error(const std::string& reason, const std::string& message) {
    return failure(ErrorCode::sso_metadata, reason, message);
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr load_pem(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
}

std::string wrap_pem(const std::string& base64_der) {
    std::string out = "-----BEGIN CERTIFICATE-----\n";
    for (std::size_t i = 0; i < base64_der.size(); i += 64) out += base64_der.substr(i, 64) + "\n";
    return out + "-----END CERTIFICATE-----\n";
}

}  // namespace

Result<std::string> normalize_certificate(const std::string& text) {
    std::string pem = text;
    if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        std::string compact;
        for (char c : text)
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') compact += c;
        pem = wrap_pem(compact);
    }
    auto cert = load_pem(pem);
    if (!cert)
        return failure(ErrorCode::sso_certificate, "saml_bad_certificate",
                       "a certificate is not a valid PEM or base64 DER X.509 certificate (copy the IdP's signing "
                       "certificate, not its private key)");
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_X509(out.get(), cert.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string certificate_fingerprint(const std::string& pem) {
    auto cert = load_pem(pem);
    if (!cert) return {};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert.get(), EVP_sha256(), digest, &n);
    std::string hex = crypto::hex_encode(std::string_view(reinterpret_cast<const char*>(digest), n));
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (!out.empty()) out += ':';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i + 1])));
    }
    return out;
}

std::string certificate_not_after(const std::string& pem) {
    auto cert = load_pem(pem);
    if (!cert) return {};
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) return {};
    return xml_time(static_cast<std::int64_t>(timegm(&tm)));
}

std::string certificate_body(const std::string& pem) {
    std::string out;
    bool inside = false;
    std::size_t start = 0;
    while (start < pem.size()) {
        auto end = pem.find('\n', start);
        if (end == std::string::npos) end = pem.size();
        std::string line = pem.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("-----BEGIN", 0) == 0) inside = true;
        else if (line.rfind("-----END", 0) == 0) break;
        else if (inside) out += line;
    }
    return out;
}

Result<IdpMetadata> parse_idp_metadata(std::string_view xml) {
    auto parsed = parse_untrusted(xml, ErrorCode::sso_metadata);
    if (!parsed) return parsed.error();
    Node entity = parsed->root();
    if (is_element(entity, k_ns_metadata, "EntitiesDescriptor")) {
        std::vector<Node> idps;
        for (Node e : descendants(entity, k_ns_metadata, "EntityDescriptor"))
            if (first_child(e, k_ns_metadata, "IDPSSODescriptor")) idps.push_back(e);
        if (idps.size() != 1)
            return metadata_error("saml_metadata_ambiguous",
                                  "the metadata lists " + std::to_string(idps.size()) +
                                      " identity providers; upload the EntityDescriptor of exactly one IdP");
        entity = idps.front();
    }
    if (!is_element(entity, k_ns_metadata, "EntityDescriptor"))
        return metadata_error("saml_metadata_not_entity",
                              "the document is not SAML 2.0 metadata (no md:EntityDescriptor at its root)");
    IdpMetadata out;
    out.entity_id = attribute(entity, "entityID").value_or("");
    if (out.entity_id.empty()) return metadata_error("saml_metadata_no_entity_id", "the EntityDescriptor has no entityID");
    Node idp = first_child(entity, k_ns_metadata, "IDPSSODescriptor");
    if (!idp)
        return metadata_error("saml_metadata_not_idp",
                              "the metadata describes no identity provider (no IDPSSODescriptor); is this the SP's metadata?");
    out.want_authn_requests_signed = attribute(idp, "WantAuthnRequestsSigned").value_or("") == "true";
    for (Node sso : children(idp, k_ns_metadata, "SingleSignOnService"))
        if (attribute(sso, "Binding").value_or("") == k_redirect && out.sso_url.empty())
            out.sso_url = attribute(sso, "Location").value_or("");
    if (out.sso_url.empty())
        return metadata_error("saml_metadata_no_sso_url",
                              "the IdP offers no SingleSignOnService with the HTTP-Redirect binding, which Janua uses "
                              "to send AuthnRequests");
    for (Node slo : children(idp, k_ns_metadata, "SingleLogoutService"))
        if (attribute(slo, "Binding").value_or("") == k_redirect && out.slo_url.empty())
            out.slo_url = attribute(slo, "Location").value_or("");
    for (Node key : children(idp, k_ns_metadata, "KeyDescriptor")) {
        const std::string use = attribute(key, "use").value_or("signing");
        if (use != "signing") continue;
        for (Node cert : descendants(key, k_ns_dsig, "X509Certificate")) {
            auto pem = normalize_certificate(text(cert));
            if (!pem) return pem.error();
            out.certificates_pem.push_back(*pem);
        }
    }
    if (out.certificates_pem.empty())
        return metadata_error("saml_metadata_no_certificate",
                              "the IdP metadata has no signing certificate (KeyDescriptor use=\"signing\" with an "
                              "X509Certificate)");
    return out;
}

std::string sp_metadata_xml(const SpMetadata& sp) {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml += "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
           "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"" + xml_escape(sp.entity_id) + "\">\n";
    xml += std::string("  <md:SPSSODescriptor AuthnRequestsSigned=\"") + (sp.authn_requests_signed ? "true" : "false") +
           "\" WantAssertionsSigned=\"" + (sp.want_assertions_signed ? "true" : "false") +
           "\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n";
    if (!sp.certificate_pem.empty()) {
        xml += "    <md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" +
               certificate_body(sp.certificate_pem) + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n";
    }
    if (!sp.slo_url.empty())
        xml += std::string("    <md:SingleLogoutService Binding=\"") + k_redirect + "\" Location=\"" + xml_escape(sp.slo_url) + "\"/>\n";
    xml += "    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\n";
    xml += "    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n";
    xml += std::string("    <md:AssertionConsumerService Binding=\"") + k_post + "\" Location=\"" + xml_escape(sp.acs_url) +
           "\" index=\"0\" isDefault=\"true\"/>\n";
    xml += "  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n";
    return xml;
}

}  // namespace janua::saml
