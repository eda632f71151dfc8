#include "core/crypto/fernet.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <climits>
#include <limits>
#include <memory>
#include <stdexcept>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

namespace janua::crypto {
namespace {

constexpr unsigned char k_version = 0x80;
constexpr std::size_t k_key_bytes = 32;
constexpr std::size_t k_half_key_bytes = 16;
constexpr std::size_t k_timestamp_bytes = 8;
constexpr std::size_t k_iv_bytes = 16;
constexpr std::size_t k_block_bytes = 16;
constexpr std::size_t k_header_bytes = 1 + k_timestamp_bytes + k_iv_bytes;
constexpr std::size_t k_mac_bytes = sha256_bytes;

struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

CipherCtxPtr new_cipher_ctx() {
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::bad_alloc();
    return ctx;
}

unsigned char* as_bytes(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}
const unsigned char* as_bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string aes128_cbc_encrypt(std::string_view key, std::string_view iv,
                               std::string_view plaintext) {
    if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - k_block_bytes) {
        throw std::invalid_argument("plaintext too large for Fernet");
    }
    auto ctx = new_cipher_ctx();
    std::string out(plaintext.size() + k_block_bytes, '\0');
    int written = 0;
    int final_written = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, as_bytes(key), as_bytes(iv)) !=
            1 ||
        EVP_EncryptUpdate(ctx.get(), as_bytes(out), &written, as_bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), as_bytes(out) + written, &final_written) != 1) {
        throw std::runtime_error("AES-128-CBC encryption failed in OpenSSL");
    }
    out.resize(static_cast<std::size_t>(written + final_written));
    return out;
}

// Return nullopt on a padding error; the MAC was checked first, so this reveals nothing.
std::optional<std::string> aes128_cbc_decrypt(std::string_view key, std::string_view iv,
                                              std::string_view ciphertext) {
    auto ctx = new_cipher_ctx();
    std::string out(ciphertext.size() + k_block_bytes, '\0');
    int written = 0;
    int final_written = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, as_bytes(key), as_bytes(iv)) !=
            1 ||
        EVP_DecryptUpdate(ctx.get(), as_bytes(out), &written, as_bytes(ciphertext),
                          static_cast<int>(ciphertext.size())) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), as_bytes(out) + written, &final_written) != 1) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(written + final_written));
    return out;
}

std::uint64_t read_be64(std::string_view bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < k_timestamp_bytes; ++i) {
        value = value << 8 | static_cast<unsigned char>(bytes[i]);
    }
    return value;
}

void append_be64(std::string& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out += static_cast<char>((value >> shift) & 0xff);
    }
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Error invalid_token(std::string detail) {
    return make_error(ErrorCode::token, "invalid token", "fernet: " + std::move(detail));
}

}  // namespace

Result<FernetKeyring> FernetKeyring::from_keys(const std::vector<std::string>& keys) {
    if (keys.empty()) {
        return make_error(ErrorCode::validation, "no Fernet key given");
    }
    std::vector<Key> parsed;
    parsed.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto raw = base64url_decode(keys[i], Base64Padding::optional);
        if (!raw || raw->size() != k_key_bytes) {
            return make_error(ErrorCode::validation, "Fernet key " + std::to_string(i + 1) +
                                                         " is not URL-safe base64 of 32 bytes");
        }
        parsed.push_back(Key{raw->substr(0, k_half_key_bytes), raw->substr(k_half_key_bytes)});
    }
    return FernetKeyring(std::move(parsed));
}

std::string FernetKeyring::encrypt(std::string_view plaintext) const {
    return encrypt(plaintext, unix_now(), random_bytes(k_iv_bytes));
}

std::string FernetKeyring::encrypt(std::string_view plaintext, std::int64_t timestamp,
                                   std::string_view iv) const {
    if (iv.size() != k_iv_bytes) throw std::invalid_argument("Fernet IV must be 16 bytes");
    if (timestamp < 0) throw std::invalid_argument("Fernet timestamp must not be negative");
    const Key& key = m_keys.front();

    std::string data;
    data += static_cast<char>(k_version);
    append_be64(data, static_cast<std::uint64_t>(timestamp));
    data += iv;
    data += aes128_cbc_encrypt(key.encryption, iv, plaintext);
    data += hmac_sha256(key.signing, data);
    return base64url_encode(data, Base64Padding::required);
}

Result<std::string> FernetKeyring::decrypt(std::string_view token,
                                           std::optional<std::int64_t> max_age_seconds,
                                           std::optional<std::int64_t> now) const {
    if (max_age_seconds && *max_age_seconds < 0) {
        throw std::invalid_argument("Fernet max age must not be negative");
    }
    const auto data = base64url_decode(token, Base64Padding::required);
    if (!data) return invalid_token("not URL-safe base64");
    if (data->empty() || static_cast<unsigned char>((*data)[0]) != k_version) {
        return invalid_token("unknown version");
    }
    if (data->size() < k_header_bytes + k_block_bytes + k_mac_bytes ||
        (data->size() - k_header_bytes - k_mac_bytes) % k_block_bytes != 0) {
        return invalid_token("wrong length");
    }

    const std::string_view view(*data);
    const std::string_view signed_part = view.substr(0, view.size() - k_mac_bytes);
    const std::string_view mac = view.substr(view.size() - k_mac_bytes);
    const Key* matching = nullptr;
    for (const Key& key : m_keys) {
        if (constant_time_equals(hmac_sha256(key.signing, signed_part), mac)) {
            matching = &key;
            break;
        }
    }
    if (matching == nullptr) return invalid_token("no key authenticates the token");

    if (max_age_seconds) {
        const std::int64_t current = now ? *now : unix_now();
        const std::uint64_t stamp = read_be64(view.substr(1));
        if (stamp > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return invalid_token("timestamp too far in the future");
        }
        const auto issued = static_cast<std::int64_t>(stamp);
        if (issued < current && current - issued > *max_age_seconds) {
            return make_error(ErrorCode::token, "token expired", "fernet: older than max age");
        }
        if (issued > current && issued - current > fernet_max_clock_skew_seconds) {
            return invalid_token("timestamp too far in the future");
        }
    }

    const std::string_view iv = view.substr(1 + k_timestamp_bytes, k_iv_bytes);
    const std::string_view ciphertext =
        view.substr(k_header_bytes, view.size() - k_header_bytes - k_mac_bytes);
    auto plaintext = aes128_cbc_decrypt(matching->encryption, iv, ciphertext);
    if (!plaintext) return invalid_token("bad padding");
    return std::move(*plaintext);
}

std::string generate_fernet_key() {
    return base64url_encode(random_bytes(k_key_bytes), Base64Padding::required);
}

}  // namespace janua::crypto
