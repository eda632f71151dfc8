#include "core/webauthn/attestation.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

namespace janua::webauthn {
namespace {

Error invalid(const std::string& what) { return make_error(ErrorCode::validation, "attestation: " + what); }

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr parse_certificate(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    // All of the bytes must be the certificate.
    if (cert && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
        X509_free(cert);
        cert = nullptr;
    }
    return X509Ptr(cert, &X509_free);
}

bool has_subject_entry(X509* cert, int nid) {
    return X509_NAME_get_index_by_NID(X509_get_subject_name(cert), nid, -1) >= 0;
}

std::string subject_entry(X509* cert, int nid) {
    X509_NAME* name = X509_get_subject_name(cert);
    const int at = X509_NAME_get_index_by_NID(name, nid, -1);
    if (at < 0) return "";
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)), ASN1_STRING_length(data));
}

// WebAuthn L3 section 8.2.1: packed attestation statement certificate requirements.
std::optional<std::string> leaf_problem(X509* leaf, const std::string& aaguid) {
    if (X509_get_version(leaf) != 2) return "the certificate must be X.509 version 3";
    if (!has_subject_entry(leaf, NID_countryName) || !has_subject_entry(leaf, NID_organizationName) ||
        !has_subject_entry(leaf, NID_commonName))
        return "the certificate subject needs C, O and CN";
    if (subject_entry(leaf, NID_organizationalUnitName) != "Authenticator Attestation")
        return "the certificate subject OU must be \"Authenticator Attestation\"";
    int critical = 0;
    auto* constraints = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(leaf, NID_basic_constraints, &critical, nullptr));
    const bool is_ca = constraints && constraints->ca;
    BASIC_CONSTRAINTS_free(constraints);
    if (is_ca) return "the attestation certificate must not be a CA";
    // id-fido-gen-ce-aaguid: when present it must match the authenticator data and not be critical.
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
    const int at = X509_get_ext_by_OBJ(leaf, oid, -1);
    ASN1_OBJECT_free(oid);
    if (at >= 0) {
        X509_EXTENSION* ext = X509_get_ext(leaf, at);
        if (X509_EXTENSION_get_critical(ext)) return "the AAGUID extension must not be critical";
        ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
        // The extension value is an OCTET STRING wrapping the 16 bytes.
        const auto* p = ASN1_STRING_get0_data(value);
        const int length = ASN1_STRING_length(value);
        if (length != 18 || p[0] != 0x04 || p[1] != 16 ||
            std::string(reinterpret_cast<const char*>(p + 2), 16) != aaguid)
            return "the certificate's AAGUID does not match the authenticator data";
    }
    return std::nullopt;
}

}  // namespace

Result<AttestationResult> verify_attestation(const AttestationObject& object, const std::string& client_data_hash,
                                             const PublicKey& credential_key) {
    const auto& statement = object.statement;
    if (object.fmt == "none") {
        if (statement.map && !statement.map->empty()) return invalid("\"none\" must have an empty statement");
        return AttestationResult{"none"};
    }
    if (object.fmt != "packed") return invalid("format \"" + object.fmt + "\" is not supported (none, packed)");

    const auto* alg = statement.find("alg");
    const auto* sig = statement.find("sig");
    if (!alg || !alg->is_int() || !sig || sig->type != cbor::Value::Type::bytes)
        return invalid("packed statement needs alg and sig");
    const std::string signed_data = object.auth_data + client_data_hash;
    const auto* x5c = statement.find("x5c");
    if (!x5c) {
        // Self attestation: signed by the credential key itself.
        if (alg->integer != credential_key.algorithm) return invalid("self attestation alg differs from the credential's");
        if (!verify_signature(credential_key, signed_data, sig->string)) return invalid("self attestation signature is wrong");
        return AttestationResult{"self"};
    }
    if (x5c->type != cbor::Value::Type::array || !x5c->array || x5c->array->empty() || x5c->array->size() > 8)
        return invalid("x5c must be a non-empty array of certificates");
    std::vector<X509Ptr> chain;
    for (const auto& entry : *x5c->array) {
        if (entry.type != cbor::Value::Type::bytes) return invalid("x5c entries must be DER certificates");
        auto cert = parse_certificate(entry.string);
        if (!cert) return invalid("an x5c certificate cannot be parsed");
        chain.push_back(std::move(cert));
    }
    X509* leaf = chain.front().get();
    EVP_PKEY* leaf_key = X509_get0_pubkey(leaf);
    if (!verify_signature(static_cast<int>(alg->integer), leaf_key, signed_data, sig->string))
        return invalid("the statement signature does not verify with the attestation certificate");
    if (auto problem = leaf_problem(leaf, object.parsed.attested ? object.parsed.attested->aaguid : std::string()))
        return invalid(*problem);
    for (std::size_t i = 0; i + 1 < chain.size(); ++i)
        if (X509_verify(chain[i].get(), X509_get0_pubkey(chain[i + 1].get())) != 1)
            return invalid("x5c certificate " + std::to_string(i) + " is not signed by the next one");
    return AttestationResult{"basic"};
}

}  // namespace janua::webauthn
