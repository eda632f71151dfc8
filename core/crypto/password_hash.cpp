#include "core/crypto/password_hash.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "core/crypto/hash.hpp"

namespace janua::crypto {
namespace {

// "$2b$" + two-digit cost + "$" + 22 salt characters + 31 hash characters.
constexpr std::size_t k_hash_length = 60;
constexpr std::size_t k_prefix_length = 7;

bool is_bcrypt_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '/';
}

// Return the cost when `hash` has the exact shape of a bcrypt hash, else -1. $2x$ (the
// bug-compatible variant for broken 8-bit handling) is deliberately not accepted.
int parse_cost(std::string_view hash) {
    if (hash.size() != k_hash_length || hash.substr(0, 2) != "$2") return -1;
    if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return -1;
    if (hash[3] != '$' || hash[6] != '$') return -1;
    if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return -1;
    const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
    if (cost < bcrypt_min_cost || cost > bcrypt_max_cost) return -1;
    for (const char c : hash.substr(k_prefix_length)) {
        if (!is_bcrypt_char(c)) return -1;
    }
    return cost;
}

// crypt_data is 32 KiB: too big for the stack of a pool thread. It holds password-derived
// state, so it is wiped before being freed.
struct CryptDataDeleter {
    void operator()(crypt_data* data) const {
        OPENSSL_cleanse(data, sizeof(crypt_data));
        delete data;
    }
};
using CryptDataPtr = std::unique_ptr<crypt_data, CryptDataDeleter>;

CryptDataPtr new_crypt_data() {
    // Value-initialised: crypt_r requires the structure zeroed before first use.
    return CryptDataPtr(new crypt_data());
}

// A NUL-terminated copy of the password for crypt_r, wiped when done.
class PassphraseCopy {
  public:
    explicit PassphraseCopy(std::string_view password) : m_text(password) {}
    ~PassphraseCopy() { OPENSSL_cleanse(m_text.data(), m_text.size()); }
    PassphraseCopy(const PassphraseCopy&) = delete;
    PassphraseCopy& operator=(const PassphraseCopy&) = delete;

    const char* c_str() const { return m_text.c_str(); }

  private:
    std::string m_text;
};

bool has_nul(std::string_view text) {
    return text.find('\0') != std::string_view::npos;
}

}  // namespace

std::string bcrypt_hash(std::string_view password, int cost) {
    if (cost < bcrypt_min_cost || cost > bcrypt_max_cost) {
        throw std::invalid_argument("bcrypt cost must be between 4 and 31");
    }
    if (has_nul(password)) throw std::invalid_argument("password contains a NUL byte");

    char salt[CRYPT_GENSALT_OUTPUT_SIZE] = {};
    // A null random-bytes argument makes libxcrypt draw the salt from the OS CSPRNG.
    if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt) ==
            nullptr ||
        salt[0] == '*') {
        throw std::runtime_error("libxcrypt cannot make a bcrypt salt");
    }
    const PassphraseCopy phrase(password);
    auto data = new_crypt_data();
    const char* hashed = crypt_r(phrase.c_str(), salt, data.get());
    // libxcrypt signals failure with a string starting with '*', not with NULL.
    if (hashed == nullptr || hashed[0] == '*') {
        throw std::runtime_error("libxcrypt cannot compute a bcrypt hash");
    }
    return std::string(hashed);
}

bool bcrypt_verify(std::string_view password, std::string_view hash) {
    if (parse_cost(hash) < 0 || has_nul(password)) return false;
    const PassphraseCopy phrase(password);
    const std::string setting(hash);
    auto data = new_crypt_data();
    const char* hashed = crypt_r(phrase.c_str(), setting.c_str(), data.get());
    if (hashed == nullptr || hashed[0] == '*') return false;
    return constant_time_equals(hashed, hash);
}

int bcrypt_cost(std::string_view hash) {
    return parse_cost(hash);
}

}  // namespace janua::crypto
