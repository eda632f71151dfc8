#include "core/identity/legacy_password.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/password_hash.hpp"

#include <argon2.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/provider.h>

#include <algorithm>
#include <memory>
#include <regex>
#include <set>
#include <variant>

namespace janua::identity::legacy {
namespace {

using nlohmann::json;

// MD4, whirlpool, MDC2 and RIPEMD160 sit in OpenSSL 3's legacy provider: load it into a library
// context of our own so the rest of the process keeps the default provider only.
OSSL_LIB_CTX* digest_context() {
    static OSSL_LIB_CTX* ctx = [] {
        OSSL_LIB_CTX* c = OSSL_LIB_CTX_new();
        OSSL_PROVIDER_load(c, "default");
        OSSL_PROVIDER_load(c, "legacy");
        return c;
    }();
    return ctx;
}

// Auth0's digest names (Node's crypto list) to OpenSSL's; empty when unknown.
std::string openssl_digest(std::string name) {
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name.rfind("rsa-", 0) == 0) name = name.substr(4);
    for (const char* suffix : {"withrsaencryption", "withrsa"}) {
        const std::string s = suffix;
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0)
            name = name.substr(0, name.size() - s.size());
    }
    if (name == "ssl3-md5") name = "md5";
    if (name == "ssl3-sha1" || name == "sha1-2") name = "sha1";
    if (name == "ripemd" || name == "rmd160") name = "ripemd160";
    static const std::set<std::string> known = {"md4",    "md5",    "mdc2",   "ripemd160", "sha1",
                                                "sha224", "sha256", "sha384", "sha512",    "whirlpool"};
    return known.count(name) ? name : std::string();
}

struct MdFree {
    void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
using MdPtr = std::unique_ptr<EVP_MD, MdFree>;

MdPtr fetch_md(const std::string& name) { return MdPtr(EVP_MD_fetch(digest_context(), name.c_str(), nullptr)); }

std::optional<std::string> digest(const std::string& name, std::string_view data) {
    auto md = fetch_md(name);
    if (!md) return std::nullopt;
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), out, &length, md.get(), nullptr) != 1) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::optional<std::string> hmac(const std::string& name, std::string_view key, std::string_view data) {
    EVP_MAC* mac = EVP_MAC_fetch(digest_context(), "HMAC", nullptr);
    if (!mac) return std::nullopt;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    std::string md_name = name;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md_name.data(), 0),
                           OSSL_PARAM_construct_end()};
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t length = 0;
    const bool ok = ctx && EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1 &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
                    EVP_MAC_final(ctx, out, &length, sizeof out) == 1;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    if (!ok) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::optional<std::string> pbkdf2(const std::string& name, std::string_view password, std::string_view salt,
                                  unsigned iterations, std::size_t length) {
    EVP_KDF* kdf = EVP_KDF_fetch(digest_context(), "PBKDF2", nullptr);
    if (!kdf) return std::nullopt;
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    std::string md_name = name;
    std::string pass(password), salt_copy(salt);
    int pkcs5 = 1;  // plain PKCS#5: no SP 800-132 minimums (imported hashes predate them)
    OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pass.data(), pass.size()),
                           OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_copy.data(), salt_copy.size()),
                           OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iterations),
                           OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md_name.data(), 0),
                           OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5), OSSL_PARAM_construct_end()};
    std::string out(length, '\0');
    const bool ok = ctx && EVP_KDF_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), length, params) == 1;
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    if (!ok) return std::nullopt;
    return out;
}

// Auth0 accepts upper/lower hex and standard or URL-safe base64, padded or not.
std::optional<std::string> decode(const std::string& value, const std::string& encoding) {
    if (encoding == "utf8") return value;
    if (encoding == "hex") return crypto::hex_decode(value);
    if (encoding == "base64") {
        std::string standard = value;
        std::replace(standard.begin(), standard.end(), '-', '+');
        std::replace(standard.begin(), standard.end(), '_', '/');
        return crypto::base64_decode(standard, crypto::Base64Padding::optional);
    }
    return std::nullopt;
}

// PHC strings use unpadded base64; passlib's variant writes '.' for '+'.
std::optional<std::string> phc_b64(std::string text) {
    std::replace(text.begin(), text.end(), '.', '+');
    return crypto::base64_decode(text, crypto::Base64Padding::optional);
}

// The password as the original system hashed it: Node's Buffer.from(password, encoding).
std::string transcode(std::string_view utf8, const std::string& encoding) {
    if (encoding == "utf8") return std::string(utf8);
    std::u32string points;
    for (std::size_t i = 0; i < utf8.size();) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        const int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
        char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k <= extra && i + k < utf8.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        points.push_back(cp);
        i += extra + 1;
    }
    std::string out;
    if (encoding == "utf16le" || encoding == "ucs2") {
        auto unit = [&out](char32_t u) {
            out.push_back(static_cast<char>(u & 0xFF));
            out.push_back(static_cast<char>((u >> 8) & 0xFF));
        };
        for (char32_t cp : points) {
            if (cp >= 0x10000) {
                cp -= 0x10000;
                unit(0xD800 + (cp >> 10));
                unit(0xDC00 + (cp & 0x3FF));
            } else {
                unit(cp);
            }
        }
        return out;
    }
    for (char32_t cp : points) out.push_back(static_cast<char>(cp & 0xFF));  // latin1, binary, ascii
    return out;
}

struct Parsed {
    std::string algorithm;
    std::string value;     // the hash as given (PHC, LDAP and bcrypt strings)
    std::string expected;  // decoded digest bytes (md*/sha*/hmac/scrypt)
    std::string salt;
    bool salt_prefix = true;
    std::string password_encoding = "utf8";
    std::string digest;  // hmac
    std::string key;     // hmac
    unsigned long cost = 16384, block_size = 8, parallelization = 1, keylen = 0;  // scrypt
};

Problem problem(std::string code, std::string field, std::string message) {
    return Problem{std::move(code), std::move(field), std::move(message)};
}

std::variant<Parsed, Problem> text_member(const json& object, const char* key, const std::string& path, bool required,
                                          std::string& out) {
    if (!object.contains(key)) {
        if (required) return problem("OBJECT_REQUIRED", path + key, std::string(key) + " is required");
        return Parsed{};
    }
    if (!object[key].is_string()) return problem("INVALID_TYPE", path + key, std::string(key) + " must be a string");
    out = object[key].get<std::string>();
    if (out.size() > k_limits.max_field_chars) return problem("MAX_LENGTH", path + key, std::string(key) + " is too long");
    return Parsed{};
}

bool is_problem(const std::variant<Parsed, Problem>& v) { return std::holds_alternative<Problem>(v); }

std::optional<Problem> check_phc_pbkdf2(const std::string& value, std::string* md, unsigned* iterations,
                                        std::string* salt, std::string* expected) {
    static const std::regex phc(R"(^\$pbkdf2-([A-Za-z0-9-]{1,40})\$(?:i=(\d{1,9}))?,?(?:l=(\d{1,4}))?\$([A-Za-z0-9+/.=_-]*)\$([A-Za-z0-9+/.=_-]+)$)");
    std::smatch m;
    if (!std::regex_match(value, m, phc)) return problem("FORMAT", "custom_password_hash.hash.value", "not a PHC pbkdf2 string");
    const std::string name = openssl_digest(m[1].str());
    if (name.empty()) return problem("ENUM_MISMATCH", "custom_password_hash.hash.value", "unsupported pbkdf2 digest " + m[1].str());
    const unsigned long i = m[2].matched ? std::stoul(m[2].str()) : 100000;
    const unsigned long l = m[3].matched ? std::stoul(m[3].str()) : 64;
    if (i < 1 || static_cast<long>(i) > k_limits.pbkdf2_max_iterations)
        return problem("MAXIMUM", "custom_password_hash.hash.value", "pbkdf2 iterations out of bounds");
    auto s = phc_b64(m[4].str());
    auto h = phc_b64(m[5].str());
    if (!s || !h || h->empty()) return problem("FORMAT", "custom_password_hash.hash.value", "pbkdf2 salt or hash is not base64");
    if (l != h->size() || static_cast<int>(l) > k_limits.max_key_bytes)
        return problem("FORMAT", "custom_password_hash.hash.value", "pbkdf2 key length does not match the hash");
    if (md) *md = name;
    if (iterations) *iterations = static_cast<unsigned>(i);
    if (salt) *salt = *s;
    if (expected) *expected = *h;
    return std::nullopt;
}

std::optional<Problem> check_argon2(const std::string& value) {
    static const std::regex phc(R"(^\$argon2(id|i|d)\$(?:v=(16|19)\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$)");
    std::smatch m;
    if (!std::regex_match(value, m, phc)) return problem("FORMAT", "custom_password_hash.hash.value", "not a PHC argon2 string");
    const unsigned long mem = std::stoul(m[3].str()), t = std::stoul(m[4].str()), p = std::stoul(m[5].str());
    if (mem > k_limits.argon2_max_memory_kib || t > k_limits.argon2_max_time || p > k_limits.argon2_max_lanes || p == 0 || t == 0)
        return problem("MAXIMUM", "custom_password_hash.hash.value", "argon2 parameters out of bounds");
    return std::nullopt;
}

struct LdapScheme {
    std::string digest;
    bool salted = false;
    std::string decoded;
};

std::variant<LdapScheme, Problem> check_ldap(const std::string& value) {
    static const std::regex rfc2307(R"(^\{([A-Za-z0-9]{2,10})\}([A-Za-z0-9+/=]+)$)");
    std::smatch m;
    if (!std::regex_match(value, m, rfc2307)) return problem("FORMAT", "custom_password_hash.hash.value", "not an RFC 2307 {SCHEME}hash value");
    std::string scheme = m[1].str();
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    LdapScheme out;
    out.salted = scheme == "smd5" || scheme.rfind("ssha", 0) == 0;
    std::string base = out.salted ? scheme.substr(1) : scheme;
    if (base == "sha") base = "sha1";
    if (base != "md5" && base != "sha1" && base != "sha224" && base != "sha256" && base != "sha384" && base != "sha512")
        return problem("ENUM_MISMATCH", "custom_password_hash.hash.value", "unsupported LDAP scheme {" + m[1].str() + "}");
    out.digest = base;
    auto decoded = crypto::base64_decode(m[2].str(), crypto::Base64Padding::optional);
    auto size = digest(base, "");
    if (!decoded || !size || decoded->size() < size->size() || (!out.salted && decoded->size() != size->size()))
        return problem("FORMAT", "custom_password_hash.hash.value", "LDAP hash has the wrong length");
    out.decoded = *decoded;
    return out;
}

std::variant<Parsed, Problem> parse(const json& custom) {
    if (!custom.is_object()) return problem("INVALID_TYPE", "custom_password_hash", "custom_password_hash must be an object");
    static const std::set<std::string> allowed = {"algorithm", "hash", "salt", "password", "keylen", "cost", "blockSize", "parallelization"};
    for (const auto& [key, _] : custom.items())
        if (!allowed.count(key)) return problem("OBJECT_ADDITIONAL_PROPERTIES", "custom_password_hash." + key, "unknown property " + key);
    Parsed p;
    if (auto r = text_member(custom, "algorithm", "custom_password_hash.", true, p.algorithm); is_problem(r)) return r;
    static const std::set<std::string> algorithms = {"argon2", "bcrypt", "hmac",   "ldap",   "md4",   "md5",
                                                     "sha1",   "sha256", "sha512", "pbkdf2", "scrypt"};
    if (!algorithms.count(p.algorithm)) return problem("ENUM_MISMATCH", "custom_password_hash.algorithm", "unsupported algorithm " + p.algorithm);
    if (!custom.contains("hash")) return problem("OBJECT_REQUIRED", "custom_password_hash.hash", "hash is required");
    const json& hash = custom["hash"];
    if (!hash.is_object()) return problem("INVALID_TYPE", "custom_password_hash.hash", "hash must be an object");
    if (auto r = text_member(hash, "value", "custom_password_hash.hash.", true, p.value); is_problem(r)) return r;
    std::string encoding;
    if (auto r = text_member(hash, "encoding", "custom_password_hash.hash.", false, encoding); is_problem(r)) return r;
    const bool binary_digest = p.algorithm == "hmac" || p.algorithm == "scrypt" || p.algorithm[0] == 'm' ||
                               p.algorithm.rfind("sha", 0) == 0;
    if (encoding.empty()) encoding = binary_digest ? "hex" : "utf8";
    if (binary_digest ? (encoding != "hex" && encoding != "base64") : encoding != "utf8")
        return problem("ENUM_MISMATCH", "custom_password_hash.hash.encoding", "encoding " + encoding + " is not allowed with " + p.algorithm);

    const bool salt_allowed = p.algorithm != "argon2" && p.algorithm != "ldap" && p.algorithm != "pbkdf2";
    if (custom.contains("salt")) {
        if (!salt_allowed) return problem("NOT_PASSED", "custom_password_hash.salt", "salt is not allowed with " + p.algorithm);
        const json& salt = custom["salt"];
        if (!salt.is_object()) return problem("INVALID_TYPE", "custom_password_hash.salt", "salt must be an object");
        std::string value, salt_encoding = "utf8", position = "prefix";
        if (auto r = text_member(salt, "value", "custom_password_hash.salt.", true, value); is_problem(r)) return r;
        if (auto r = text_member(salt, "encoding", "custom_password_hash.salt.", false, salt_encoding); is_problem(r)) return r;
        if (auto r = text_member(salt, "position", "custom_password_hash.salt.", false, position); is_problem(r)) return r;
        if (position != "prefix" && position != "suffix")
            return problem("ENUM_MISMATCH", "custom_password_hash.salt.position", "position must be prefix or suffix");
        auto decoded = decode(value, salt_encoding);
        if (!decoded) return problem("FORMAT", "custom_password_hash.salt.value", "salt is not valid " + salt_encoding);
        p.salt = *decoded;
        p.salt_prefix = position == "prefix";
    } else if (p.algorithm == "scrypt") {
        return problem("OBJECT_REQUIRED", "custom_password_hash.salt", "scrypt needs a salt");
    }
    if (custom.contains("password")) {
        const json& pw = custom["password"];
        if (!pw.is_object()) return problem("INVALID_TYPE", "custom_password_hash.password", "password must be an object");
        if (auto r = text_member(pw, "encoding", "custom_password_hash.password.", false, p.password_encoding); is_problem(r)) return r;
        static const std::set<std::string> encodings = {"ascii", "utf8", "utf16le", "ucs2", "latin1", "binary"};
        if (!encodings.count(p.password_encoding))
            return problem("ENUM_MISMATCH", "custom_password_hash.password.encoding", "unsupported password encoding");
    }

    if (binary_digest) {
        auto decoded = decode(p.value, encoding);
        if (!decoded || decoded->empty()) return problem("FORMAT", "custom_password_hash.hash.value", "hash is not valid " + encoding);
        p.expected = *decoded;
    }
    if (p.algorithm == "hmac") {
        if (auto r = text_member(hash, "digest", "custom_password_hash.hash.", true, p.digest); is_problem(r)) return r;
        static const std::set<std::string> digests = {"md4", "md5", "ripemd160", "sha1", "sha224", "sha256", "sha384", "sha512", "whirlpool"};
        if (!digests.count(p.digest)) return problem("ENUM_MISMATCH", "custom_password_hash.hash.digest", "unsupported HMAC digest");
        if (!hash.contains("key") || !hash["key"].is_object())
            return problem("OBJECT_REQUIRED", "custom_password_hash.hash.key", "HMAC needs a key object");
        std::string key, key_encoding = "utf8";
        if (auto r = text_member(hash["key"], "value", "custom_password_hash.hash.key.", true, key); is_problem(r)) return r;
        if (auto r = text_member(hash["key"], "encoding", "custom_password_hash.hash.key.", false, key_encoding); is_problem(r)) return r;
        auto decoded = decode(key, key_encoding);
        if (!decoded) return problem("FORMAT", "custom_password_hash.hash.key.value", "key is not valid " + key_encoding);
        p.key = *decoded;
        if (!fetch_md(openssl_digest(p.digest))) return problem("ENUM_MISMATCH", "custom_password_hash.hash.digest", "digest unavailable");
    } else if (p.algorithm == "md4" || p.algorithm == "md5" || p.algorithm.rfind("sha", 0) == 0) {
        auto size = digest(p.algorithm, "");
        if (!size || size->size() != p.expected.size())
            return problem("FORMAT", "custom_password_hash.hash.value", "hash has the wrong length for " + p.algorithm);
    } else if (p.algorithm == "scrypt") {
        auto integer = [&](const char* key, unsigned long& out, bool required) -> std::optional<Problem> {
            if (!custom.contains(key)) {
                if (required) return problem("OBJECT_REQUIRED", std::string("custom_password_hash.") + key, std::string(key) + " is required");
                return std::nullopt;
            }
            if (!custom[key].is_number_integer()) return problem("INVALID_TYPE", std::string("custom_password_hash.") + key, std::string(key) + " must be an integer");
            const auto v = custom[key].get<long long>();
            if (v < 1) return problem("MINIMUM", std::string("custom_password_hash.") + key, std::string(key) + " must be positive");
            out = static_cast<unsigned long>(std::min<long long>(v, 1LL << 40));
            return std::nullopt;
        };
        for (auto [key, target, required] : {std::tuple{"keylen", &p.keylen, true}, std::tuple{"cost", &p.cost, false},
                                             std::tuple{"blockSize", &p.block_size, false},
                                             std::tuple{"parallelization", &p.parallelization, false}})
            if (auto bad = integer(key, *target, required)) return *bad;
        if (p.cost < 2 || (p.cost & (p.cost - 1)) != 0)
            return problem("FORMAT", "custom_password_hash.cost", "cost must be a power of two greater than one");
        if (p.cost > k_limits.scrypt_max_cost || p.block_size > 64 || p.parallelization > 64 ||
            128UL * p.cost * p.block_size > k_limits.scrypt_max_memory_bytes ||
            p.cost * p.block_size * p.parallelization > k_limits.scrypt_max_work ||
            p.keylen > static_cast<unsigned long>(k_limits.max_key_bytes))
            return problem("MAXIMUM", "custom_password_hash.cost", "scrypt parameters out of bounds");
        if (p.keylen != p.expected.size()) return problem("FORMAT", "custom_password_hash.keylen", "keylen does not match the hash length");
    } else if (p.algorithm == "bcrypt") {
        const bool prefix_ok = p.value.rfind("$2a$", 0) == 0 || p.value.rfind("$2b$", 0) == 0 || p.value.rfind("$2y$", 0) == 0;
        const int cost = crypto::bcrypt_cost(p.value);
        if (!prefix_ok || cost < 0) return problem("FORMAT", "custom_password_hash.hash.value", "not a $2a$, $2b$ or $2y$ bcrypt hash");
        if (cost > k_limits.bcrypt_max_cost) return problem("MAXIMUM", "custom_password_hash.hash.value", "bcrypt cost out of bounds");
    } else if (p.algorithm == "argon2") {
        if (auto bad = check_argon2(p.value)) return *bad;
    } else if (p.algorithm == "pbkdf2") {
        if (auto bad = check_phc_pbkdf2(p.value, nullptr, nullptr, nullptr, nullptr)) return *bad;
    } else if (p.algorithm == "ldap") {
        auto scheme = check_ldap(p.value);
        if (auto* bad = std::get_if<Problem>(&scheme)) return *bad;
    }
    return p;
}

std::string salted(const Parsed& p, const std::string& password) {
    return p.salt_prefix ? p.salt + password : password + p.salt;
}

bool matches(const Parsed& p, std::string_view typed) {
    const std::string password = transcode(typed, p.password_encoding);
    if (p.algorithm == "bcrypt") return crypto::bcrypt_verify(salted(p, password), p.value);
    if (p.algorithm == "md4" || p.algorithm == "md5" || p.algorithm == "sha1" || p.algorithm == "sha256" || p.algorithm == "sha512") {
        auto got = digest(p.algorithm, salted(p, password));
        return got && crypto::constant_time_equals(*got, p.expected);
    }
    if (p.algorithm == "hmac") {
        auto got = hmac(openssl_digest(p.digest), p.key, salted(p, password));
        return got && crypto::constant_time_equals(*got, p.expected);
    }
    if (p.algorithm == "scrypt") {
        std::string out(p.keylen, '\0');
        if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(p.salt.data()), p.salt.size(),
                           p.cost, p.block_size, p.parallelization, k_limits.scrypt_max_memory_bytes * 2,
                           reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1)
            return false;
        return crypto::constant_time_equals(out, p.expected);
    }
    if (p.algorithm == "pbkdf2") {
        std::string md, salt, expected;
        unsigned iterations = 0;
        if (check_phc_pbkdf2(p.value, &md, &iterations, &salt, &expected)) return false;
        auto got = pbkdf2(md, password, salt, iterations, expected.size());
        return got && crypto::constant_time_equals(*got, expected);
    }
    if (p.algorithm == "argon2") {
        const argon2_type type = p.value.rfind("$argon2id$", 0) == 0 ? Argon2_id
                                 : p.value.rfind("$argon2i$", 0) == 0 ? Argon2_i
                                                                       : Argon2_d;
        // libargon2 compares the tags in constant time itself.
        return argon2_verify(p.value.c_str(), password.data(), password.size(), type) == ARGON2_OK;
    }
    if (p.algorithm == "ldap") {
        auto parsed = check_ldap(p.value);
        auto* scheme = std::get_if<LdapScheme>(&parsed);
        if (!scheme) return false;
        auto size = digest(scheme->digest, "");
        if (!size) return false;
        const std::string stored_digest = scheme->decoded.substr(0, size->size());
        const std::string salt = scheme->decoded.substr(size->size());  // RFC 2307: H(password || salt) || salt
        auto got = digest(scheme->digest, password + salt);
        return got && crypto::constant_time_equals(*got, stored_digest);
    }
    return false;
}

json normalized(const json& custom, const Parsed& p) {
    json out = custom;
    const bool binary_digest = !p.expected.empty();
    if (!out["hash"].contains("encoding")) out["hash"]["encoding"] = binary_digest ? "hex" : "utf8";
    if (out.contains("salt")) {
        if (!out["salt"].contains("encoding")) out["salt"]["encoding"] = "utf8";
        if (!out["salt"].contains("position")) out["salt"]["position"] = "prefix";
    }
    if (p.algorithm == "hmac" && !out["hash"]["key"].contains("encoding")) out["hash"]["key"]["encoding"] = "utf8";
    if (p.algorithm == "scrypt") {
        out["cost"] = p.cost;
        out["blockSize"] = p.block_size;
        out["parallelization"] = p.parallelization;
    }
    return out;
}

}  // namespace

Checked check_custom_password_hash(const nlohmann::json& custom) {
    auto parsed = parse(custom);
    if (auto* bad = std::get_if<Problem>(&parsed)) return Checked{std::nullopt, *bad};
    return Checked{normalized(custom, std::get<Parsed>(parsed)), Problem{}};
}

bool verify(std::string_view password, const std::string& stored) {
    auto spec = json::parse(stored, nullptr, false);
    if (spec.is_discarded()) return false;
    auto parsed = parse(spec);
    auto* p = std::get_if<Parsed>(&parsed);
    return p && matches(*p, password);
}

}  // namespace janua::identity::legacy
