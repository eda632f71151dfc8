#pragma once
// Untrusted XML for SAML: one parser (libxml2) for verification and for reading, no DTD (a
// DOCTYPE is refused outright, which also rules out entity expansion bombs), no network, a size
// bound, and every ID attribute registered once (a duplicate ID is refused, the first defence
// against signature wrapping). Also the xmlsec signature check against configured certificates.

#include "core/common/result.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct _xmlDoc;
struct _xmlNode;

namespace janua::saml {

inline constexpr const char* k_ns_protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
inline constexpr const char* k_ns_assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr const char* k_ns_metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
inline constexpr const char* k_ns_dsig = "http://www.w3.org/2000/09/xmldsig#";

// The largest SAML message or metadata document we parse.
inline constexpr std::size_t k_max_xml_bytes = 512 * 1024;

// A SAML failure: an SSO_* error code of API.md with a stable `reason` slug in details[0].reason
// and a message an administrator can act on.
Error failure(ErrorCode code, const std::string& reason, const std::string& message, const std::string& detail = {});
// The reason slug of a failure() error (empty for other errors).
std::string reason_of(const Error& error);

// Initialise libxml2, xmlsec and its OpenSSL backend once per process (thread-safe).
void ensure_initialised();

using Node = _xmlNode*;

class XmlDocument {
public:
    XmlDocument() = default;
    explicit XmlDocument(_xmlDoc* doc);
    _xmlDoc* get() const { return m_doc.get(); }
    Node root() const;

private:
    std::shared_ptr<_xmlDoc> m_doc;
};

// Parse untrusted bytes: refuses a DOCTYPE, anything not well-formed, more than k_max_xml_bytes,
// and a duplicate ID attribute. Errors carry SSO_VALIDATION_ERROR (or `code` when given).
Result<XmlDocument> parse_untrusted(std::string_view xml, ErrorCode code = ErrorCode::sso_validation);

// Element helpers. Namespace and local name are both compared.
bool is_element(Node node, const char* ns, const char* name);
std::vector<Node> children(Node node, const char* ns, const char* name);
Node first_child(Node node, const char* ns, const char* name);
// Every element below `node` (any depth) with this name.
std::vector<Node> descendants(Node node, const char* ns, const char* name);
// An unqualified attribute; nullopt when absent.
std::optional<std::string> attribute(Node node, const char* name);
// All text below the element (comments skipped, every text node joined), trimmed.
std::string text(Node node);

enum class SignatureState { absent, verified };

struct VerifyOptions {
    std::vector<std::string> certificates_pem;  // the configured IdP signing certificates
    bool allow_sha1 = false;                     // legacy IdPs (old ADFS) only
};

// Verify the enveloped ds:Signature that is a direct child of `signed_node`, with the configured
// certificates only (any KeyInfo in the message is ignored). absent: no signature there. An error
// when a signature is there but does not verify with any certificate, references anything but
// exactly `signed_node` (by its ID), or uses a transform or algorithm that is not allowed.
Result<SignatureState> verify_enveloped(const XmlDocument& doc, Node signed_node, const VerifyOptions& options);

// "2026-11-22T16:20:00Z" for `unix_seconds`.
std::string xml_time(std::int64_t unix_seconds);

// Escape text for an XML attribute value or element content.
std::string xml_escape(std::string_view text);

}  // namespace janua::saml
