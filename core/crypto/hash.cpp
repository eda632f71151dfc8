#include "core/crypto/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

#include "core/crypto/encoding.hpp"

namespace janua::crypto {
namespace {

const EVP_MD* pbkdf2_md(Pbkdf2Digest digest) {
    switch (digest) {
        case Pbkdf2Digest::sha1:
            return EVP_sha1();
        case Pbkdf2Digest::sha256:
            return EVP_sha256();
        case Pbkdf2Digest::sha512:
            return EVP_sha512();
    }
    throw std::invalid_argument("unknown PBKDF2 digest");
}

// OpenSSL rejects a null pointer even with zero length in some one-shot calls.
const unsigned char* bytes_of(std::string_view data) {
    static const unsigned char empty = 0;
    return data.empty() ? &empty : reinterpret_cast<const unsigned char*>(data.data());
}

}  // namespace

std::string sha256(std::string_view data) {
    std::string out(sha256_bytes, '\0');
    unsigned int length = 0;
    if (EVP_Digest(bytes_of(data), data.size(), reinterpret_cast<unsigned char*>(out.data()),
                   &length, EVP_sha256(), nullptr) != 1 ||
        length != sha256_bytes) {
        throw std::runtime_error("SHA-256 failed in OpenSSL");
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    return hex_encode(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    if (key.size() > static_cast<std::size_t>(INT_MAX)) {
        throw std::invalid_argument("HMAC key too long");
    }
    std::string out(sha256_bytes, '\0');
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
             reinterpret_cast<unsigned char*>(out.data()), &length) == nullptr ||
        length != sha256_bytes) {
        throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
    }
    return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        // Still walk `a` so the time taken tracks the lengths alone, not an early return.
        (void)CRYPTO_memcmp(bytes_of(a), bytes_of(a), a.size());
        return false;
    }
    return CRYPTO_memcmp(bytes_of(a), bytes_of(b), a.size()) == 0;
}

std::string pbkdf2_hmac(Pbkdf2Digest digest, std::string_view password, std::string_view salt,
                        unsigned iterations, std::size_t length) {
    if (iterations == 0 || iterations > static_cast<unsigned>(INT_MAX)) {
        throw std::invalid_argument("PBKDF2 iterations out of range");
    }
    if (length == 0 || length > static_cast<std::size_t>(INT_MAX) ||
        password.size() > static_cast<std::size_t>(INT_MAX) ||
        salt.size() > static_cast<std::size_t>(INT_MAX)) {
        throw std::invalid_argument("PBKDF2 length out of range");
    }
    std::string out(length, '\0');
    if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(bytes_of(password)),
                          static_cast<int>(password.size()), bytes_of(salt),
                          static_cast<int>(salt.size()), static_cast<int>(iterations),
                          pbkdf2_md(digest), static_cast<int>(length),
                          reinterpret_cast<unsigned char*>(out.data())) != 1) {
        throw std::runtime_error("PBKDF2 failed in OpenSSL");
    }
    return out;
}

bool pbkdf2_verify(Pbkdf2Digest digest, std::string_view password, std::string_view salt,
                   unsigned iterations, std::string_view expected, unsigned max_iterations) {
    if (iterations == 0 || iterations > max_iterations ||
        iterations > static_cast<unsigned>(INT_MAX) || expected.empty() || expected.size() > 1024) {
        return false;
    }
    return constant_time_equals(pbkdf2_hmac(digest, password, salt, iterations, expected.size()),
                                expected);
}

}  // namespace janua::crypto
