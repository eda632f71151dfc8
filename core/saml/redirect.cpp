#include "core/saml/redirect.hpp"

#include "core/common/url.hpp"
#include "core/crypto/encoding.hpp"
#include "core/saml/xml.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <zlib.h>

#include <map>
#include <memory>
#include <ctime>
#include <stdexcept>

namespace janua::saml {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string deflate_raw(const std::string& input) {
    z_stream s{};
    if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string out(deflateBound(&s, static_cast<uLong>(input.size())), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    s.avail_in = static_cast<uInt>(input.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
    return out;
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string sign_sha256(const std::string& private_key_pem, const std::string& data) {
    BioPtr bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), &BIO_free);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    if (!key) throw std::runtime_error("the SP signing key cannot be read");
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t size = 0;
    if (EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("signing the redirect message failed");
    std::string sig(size, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &size,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("signing the redirect message failed");
    sig.resize(size);
    return sig;
}

bool verify_with(const std::string& cert_pem, const EVP_MD* md_type, const std::string& data, const std::string& sig) {
    BioPtr bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), &BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!cert) return false;
    EVP_PKEY* key = X509_get0_pubkey(cert.get());
    if (!key) return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return EVP_DigestVerifyInit(md.get(), nullptr, md_type, nullptr, key) == 1 &&
           EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

}  // namespace

std::string redirect_url(const std::string& endpoint, const std::string& parameter, const std::string& xml,
                         const std::string& relay_state, const std::string& private_key_pem) {
    std::string query = parameter + "=" + percent_encode(crypto::base64_encode(deflate_raw(xml)));
    if (!relay_state.empty()) query += "&RelayState=" + percent_encode(relay_state);
    if (!private_key_pem.empty()) {
        query += "&SigAlg=" + percent_encode(k_sig_alg_rsa_sha256);
        query += "&Signature=" + percent_encode(crypto::base64_encode(sign_sha256(private_key_pem, query)));
    }
    return endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + query;
}

Result<std::string> decode_redirect_message(const std::string& value, std::size_t max_bytes) {
    std::string compact;
    for (char c : value)
        if (c != '\r' && c != '\n' && c != ' ') compact += c;
    auto raw = crypto::base64_decode(compact);
    if (!raw || raw->empty())
        return failure(ErrorCode::sso_validation, "saml_malformed_message", "the SAML message is not valid base64");
    z_stream s{};
    if (inflateInit2(&s, -15) != Z_OK) throw std::runtime_error("inflateInit2 failed");
    s.next_in = reinterpret_cast<Bytef*>(raw->data());
    s.avail_in = static_cast<uInt>(raw->size());
    std::string out;
    char buffer[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        s.next_out = reinterpret_cast<Bytef*>(buffer);
        s.avail_out = sizeof buffer;
        rc = inflate(&s, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - s.avail_out);
        // A compression bomb stops here, not after it filled memory.
        if (out.size() > max_bytes) {
            inflateEnd(&s);
            return failure(ErrorCode::payload_too_large, "saml_too_large", "the SAML message inflates beyond the size limit");
        }
        if (rc == Z_BUF_ERROR && s.avail_in == 0) break;
    }
    inflateEnd(&s);
    if (rc != Z_STREAM_END)
        return failure(ErrorCode::sso_validation, "saml_malformed_message", "the SAML message is not valid DEFLATE data");
    return out;
}

Result<bool> verify_redirect_signature(const std::string& raw_query, const std::string& parameter,
                                       const std::vector<std::string>& certificates_pem, bool allow_sha1) {
    std::map<std::string, std::string> raw;  // name -> value as received (still encoded)
    std::size_t start = 0;
    while (start <= raw_query.size()) {
        auto end = raw_query.find('&', start);
        if (end == std::string::npos) end = raw_query.size();
        const std::string pair = raw_query.substr(start, end - start);
        const auto eq = pair.find('=');
        if (eq != std::string::npos && !raw.count(pair.substr(0, eq))) raw[pair.substr(0, eq)] = pair.substr(eq + 1);
        start = end + 1;
    }
    if (!raw.count("Signature")) return false;
    if (!raw.count(parameter) || !raw.count("SigAlg"))
        return failure(ErrorCode::sso_validation, "saml_malformed_message", "the signed message lacks " + parameter + " or SigAlg");
    const auto alg = percent_decode(raw["SigAlg"], false).value_or("");
    const EVP_MD* md = nullptr;
    if (alg == k_sig_alg_rsa_sha256) md = EVP_sha256();
    else if (alg == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512") md = EVP_sha512();
    else if (alg == "http://www.w3.org/2000/09/xmldsig#rsa-sha1" && allow_sha1) md = EVP_sha1();
    else
        return failure(ErrorCode::sso_validation, "saml_weak_algorithm", "the message is signed with " + alg.substr(0, 100) +
                                                                            ", which is not accepted (use RSA-SHA256)");
    std::string signed_part = parameter + "=" + raw[parameter];
    if (raw.count("RelayState")) signed_part += "&RelayState=" + raw["RelayState"];
    signed_part += "&SigAlg=" + raw["SigAlg"];
    auto signature = crypto::base64_decode(percent_decode(raw["Signature"], false).value_or(""));
    if (!signature)
        return failure(ErrorCode::sso_authentication, "saml_signature_invalid", "the message signature is not valid base64");
    for (const auto& pem : certificates_pem)
        if (verify_with(pem, md, signed_part, *signature)) return true;
    return failure(ErrorCode::sso_authentication, "saml_signature_invalid",
                   "the message signature does not verify with any configured IdP certificate");
}

SpKeyPair generate_sp_key(const std::string& common_name) {
    PkeyPtr key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    if (!key) throw std::runtime_error("RSA key generation failed");
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const std::string cn = common_name.substr(0, 64);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("certificate signing failed");
    BioPtr key_out(BIO_new(BIO_s_mem()), &BIO_free);
    BioPtr cert_out(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_X509(cert_out.get(), cert.get());
    return SpKeyPair{bio_text(key_out.get()), bio_text(cert_out.get())};
}

}  // namespace janua::saml
