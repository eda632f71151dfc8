#include "core/saml/xml.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxslt/security.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <cstring>
#include <ctime>
#include <mutex>

namespace janua::saml {
namespace {

// Set by the internalSubset callback: the document has a DOCTYPE. Parsing is single-threaded
// per call, so a thread_local flag is enough.
thread_local bool t_doctype_seen = false;

void refuse_doctype(void* context, const xmlChar*, const xmlChar*, const xmlChar*) {
    t_doctype_seen = true;
    xmlStopParser(static_cast<xmlParserCtxtPtr>(context));
}

std::string to_string(const xmlChar* text) { return text ? reinterpret_cast<const char*>(text) : std::string(); }

const xmlChar* x(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

// Register every ID attribute as an XML ID (SAML has no DTD to declare them); false on a duplicate.
bool register_ids(xmlDocPtr doc, xmlNodePtr node, std::string& duplicate) {
    for (xmlNodePtr n = node; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            if (a->ns != nullptr || !xmlStrEqual(a->name, x("ID"))) continue;
            xmlChar* value = xmlNodeListGetString(doc, a->children, 1);
            const std::string id = to_string(value);
            // xmlAddID refuses a value already in the table, an xml:id included.
            const bool added = value && xmlAddID(nullptr, doc, value, a) != nullptr;
            xmlFree(value);
            if (!added) {
                duplicate = id;
                return false;
            }
        }
        if (!register_ids(doc, n->children, duplicate)) return false;
    }
    return true;
}

struct DsigContext {
    xmlSecDSigCtxPtr ctx = nullptr;
    ~DsigContext() {
        if (ctx) xmlSecDSigCtxDestroy(ctx);
    }
};

}  // namespace

Error failure(ErrorCode code, const std::string& reason, const std::string& message, const std::string& detail) {
    Error e = make_error(code, message, detail.empty() ? reason : detail);
    e.details = nlohmann::json::array({{{"reason", reason}, {"message", message}}});
    return e;
}

std::string reason_of(const Error& error) {
    if (error.details.is_array() && !error.details.empty() && error.details[0].is_object() &&
        error.details[0].contains("reason") && error.details[0]["reason"].is_string())
        return error.details[0]["reason"].get<std::string>();
    return {};
}

void ensure_initialised() {
    static std::once_flag once;
    std::call_once(once, [] {
        xmlInitParser();
        // XSLT transforms are not on any allow-list below; forbid file and network access anyway.
        xsltSecurityPrefsPtr prefs = xsltNewSecurityPrefs();
        for (auto option : {XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE, XSLT_SECPREF_CREATE_DIRECTORY,
                            XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK})
            xsltSetSecurityPrefs(prefs, option, xsltSecurityForbid);
        xsltSetDefaultSecurityPrefs(prefs);
        if (xmlSecInit() < 0) throw std::runtime_error("xmlsec initialisation failed");
        if (xmlSecCheckVersion() != 1) throw std::runtime_error("xmlsec library version mismatch");
        if (xmlSecCryptoAppInit(nullptr) < 0) throw std::runtime_error("xmlsec crypto app initialisation failed");
        if (xmlSecCryptoInit() < 0) throw std::runtime_error("xmlsec crypto initialisation failed");
        // Verification failures are reported as values; xmlsec's own stderr lines would only be noise.
        xmlSecErrorsDefaultCallbackEnableOutput(0);
    });
}

XmlDocument::XmlDocument(_xmlDoc* doc) : m_doc(doc, [](_xmlDoc* d) { xmlFreeDoc(d); }) {}

Node XmlDocument::root() const { return m_doc ? xmlDocGetRootElement(m_doc.get()) : nullptr; }

Result<XmlDocument> parse_untrusted(std::string_view xml, ErrorCode code) {
    ensure_initialised();
    if (xml.size() > k_max_xml_bytes)
        return failure(code, "saml_too_large",
                       "the XML document is larger than " + std::to_string(k_max_xml_bytes / 1024) + " KiB");
    std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), &xmlFreeParserCtxt);
    if (!ctxt) throw std::bad_alloc();
    ctxt->sax->internalSubset = &refuse_doctype;
    t_doctype_seen = false;
    // No NOENT, DTDLOAD, DTDATTR, XINCLUDE, HUGE or RECOVER: entities stay unexpanded, nothing is fetched.
    xmlDocPtr raw = xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), "saml.xml", nullptr,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    XmlDocument doc(raw);
    if (t_doctype_seen || (raw && (raw->intSubset || raw->extSubset)))
        return failure(code, "saml_dtd_forbidden",
                       "the XML contains a DOCTYPE; DTDs and entity declarations are refused in SAML messages");
    if (!raw || !ctxt->wellFormed || !doc.root())
        return failure(code, "saml_malformed_xml", "the XML is not well-formed");
    std::string duplicate;
    if (!register_ids(raw, doc.root(), duplicate))
        return failure(code, "saml_duplicate_id",
                       "the XML carries the ID '" + duplicate.substr(0, 80) +
                           "' more than once (a signature-wrapping attempt or a broken IdP)");
    return doc;
}

bool is_element(Node node, const char* ns, const char* name) {
    return node && node->type == XML_ELEMENT_NODE && node->ns && xmlStrEqual(node->ns->href, x(ns)) &&
           xmlStrEqual(node->name, x(name));
}

std::vector<Node> children(Node node, const char* ns, const char* name) {
    std::vector<Node> out;
    if (!node) return out;
    for (Node c = node->children; c; c = c->next)
        if (is_element(c, ns, name)) out.push_back(c);
    return out;
}

Node first_child(Node node, const char* ns, const char* name) {
    auto all = children(node, ns, name);
    return all.empty() ? nullptr : all.front();
}

namespace {
void collect(Node node, const char* ns, const char* name, std::vector<Node>& out) {
    for (Node c = node ? node->children : nullptr; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is_element(c, ns, name)) out.push_back(c);
        collect(c, ns, name, out);
    }
}
}  // namespace

std::vector<Node> descendants(Node node, const char* ns, const char* name) {
    std::vector<Node> out;
    collect(node, ns, name, out);
    return out;
}

std::optional<std::string> attribute(Node node, const char* name) {
    if (!node) return std::nullopt;
    xmlChar* value = xmlGetNoNsProp(node, x(name));
    if (!value) return std::nullopt;
    std::string out = to_string(value);
    xmlFree(value);
    return out;
}

std::string text(Node node) {
    if (!node) return {};
    xmlChar* content = xmlNodeGetContent(node);
    std::string out = to_string(content);
    xmlFree(content);
    return trim(out);
}

Result<SignatureState> verify_enveloped(const XmlDocument& doc, Node signed_node, const VerifyOptions& options) {
    ensure_initialised();
    const auto signatures = children(signed_node, k_ns_dsig, "Signature");
    if (signatures.empty()) return SignatureState::absent;
    const std::string what = to_string(signed_node->name);
    if (signatures.size() > 1)
        return failure(ErrorCode::sso_validation, "saml_wrapped_assertion", "the " + what + " carries more than one signature");
    Node signature = signatures.front();
    const auto id = attribute(signed_node, "ID");
    if (!id || id->empty())
        return failure(ErrorCode::sso_validation, "saml_wrapped_assertion", "the signed " + what + " has no ID");

    // Name the weak algorithm before xmlsec refuses it, so an administrator knows what to change.
    if (Node info = first_child(signature, k_ns_dsig, "SignedInfo")) {
        const std::string method = attribute(first_child(info, k_ns_dsig, "SignatureMethod"), "Algorithm").value_or("");
        if (!options.allow_sha1 && method.find("sha1") != std::string::npos)
            return failure(ErrorCode::sso_validation, "saml_weak_algorithm",
                           "the IdP signs with " + method +
                               " (SHA-1); configure it to use RSA-SHA256, or enable allow_sha1 on the connection");
        for (Node ref : children(info, k_ns_dsig, "Reference")) {
            const std::string digest = attribute(first_child(ref, k_ns_dsig, "DigestMethod"), "Algorithm").value_or("");
            if (!options.allow_sha1 && digest.find("sha1") != std::string::npos)
                return failure(ErrorCode::sso_validation, "saml_weak_algorithm",
                               "the IdP digests with SHA-1 (" + digest +
                                   "); configure it to use SHA-256, or enable allow_sha1 on the connection");
        }
    }

    std::string last_problem = "no configured certificate";
    for (const auto& pem : options.certificates_pem) {
        xmlSecKeyPtr key = xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(pem.data()),
                                                        static_cast<xmlSecSize>(pem.size()), xmlSecKeyDataFormatCertPem,
                                                        nullptr, nullptr, nullptr);
        if (!key) {
            last_problem = "a configured certificate cannot be loaded";
            continue;
        }
        DsigContext holder;
        holder.ctx = xmlSecDSigCtxCreate(nullptr);  // no keys manager: KeyInfo in the message is never used
        if (!holder.ctx) {
            xmlSecKeyDestroy(key);
            throw std::bad_alloc();
        }
        xmlSecDSigCtxPtr ctx = holder.ctx;
        ctx->signKey = key;  // owned by the context from here
        ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
        ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
        // An empty allow-list means "everything": always fill both.
        for (auto t : {xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId, xmlSecTransformInclC14NId,
                       xmlSecTransformRsaSha256Id, xmlSecTransformRsaSha384Id, xmlSecTransformRsaSha512Id,
                       xmlSecTransformEcdsaSha256Id, xmlSecTransformEcdsaSha384Id, xmlSecTransformEcdsaSha512Id})
            xmlSecDSigCtxEnableSignatureTransform(ctx, t);
        for (auto t : {xmlSecTransformEnvelopedId, xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId,
                       xmlSecTransformInclC14NId, xmlSecTransformSha256Id, xmlSecTransformSha384Id,
                       xmlSecTransformSha512Id})
            xmlSecDSigCtxEnableReferenceTransform(ctx, t);
        if (options.allow_sha1) {
            xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha1Id);
            xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha1Id);
        }
        if (xmlSecDSigCtxVerify(ctx, signature) < 0 || ctx->status != xmlSecDSigStatusSucceeded) {
            last_problem = "the signature does not verify";
            continue;
        }
        // Bind the verified signature to the node we will read: exactly one reference, to its ID.
        if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1)
            return failure(ErrorCode::sso_validation, "saml_wrapped_assertion",
                           "the " + what + " signature must reference exactly one element");
        auto* ref = static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
        if (!ref || ref->status != xmlSecDSigStatusSucceeded || !ref->uri || to_string(ref->uri) != "#" + *id)
            return failure(ErrorCode::sso_validation, "saml_wrapped_assertion",
                           "the " + what + " signature does not reference the " + what + " it is in");
        xmlAttrPtr registered = xmlGetID(doc.get(), x(id->c_str()));
        if (!registered || registered->parent != signed_node || signature->parent != signed_node)
            return failure(ErrorCode::sso_validation, "saml_wrapped_assertion",
                           "the " + what + " signature covers another element than the one used");
        return SignatureState::verified;
    }
    return failure(ErrorCode::sso_authentication, "saml_signature_invalid",
                   "the " + what + " signature does not verify with any of the " +
                       std::to_string(options.certificates_pem.size()) +
                       " configured IdP certificate(s); if the IdP rolled its signing certificate, add the new one",
                   last_problem);
}

std::string xml_time(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace janua::saml
