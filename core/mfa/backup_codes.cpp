#include "core/mfa/backup_codes.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

#include <cctype>

namespace janua::mfa {
namespace {

// No 0/O, 1/I/L, U: nothing a user can misread.
constexpr const char* k_alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";  // 30 symbols: 16 carry 78 bits
constexpr std::size_t k_code_length = 16;

}  // namespace

std::vector<std::string> generate_backup_codes(int count) {
    static_assert(sizeof("23456789ABCDEFGHJKMNPQRSTVWXYZ") - 1 == 30);
    std::vector<std::string> codes;
    for (int i = 0; i < count; ++i) {
        std::string code;
        while (code.size() < k_code_length) {
            // Rejection sampling keeps every symbol equally likely (256 = 8*30 + 16).
            for (unsigned char b : crypto::random_bytes(k_code_length)) {
                if (b >= 240 || code.size() == k_code_length) continue;
                code += k_alphabet[b % 30];
            }
        }
        codes.push_back(code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8, 4) + "-" + code.substr(12, 4));
    }
    return codes;
}

std::optional<std::string> normalize_backup_code(const std::string& typed) {
    if (typed.size() > 64) return std::nullopt;
    std::string out;
    for (char raw : typed) {
        if (raw == '-' || raw == ' ') continue;
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
        bool known = false;
        for (const char* a = k_alphabet; *a; ++a) known = known || *a == c;
        if (!known) return std::nullopt;
        out += c;
    }
    if (out.size() != k_code_length) return std::nullopt;
    return out;
}

std::string backup_code_hash(const std::string& canonical) { return crypto::sha256("janua-backup-code:" + canonical); }

}  // namespace janua::mfa
