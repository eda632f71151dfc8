#include "core/crypto/random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "core/crypto/encoding.hpp"

namespace janua::crypto {

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    std::size_t filled = 0;
    // RAND_bytes takes an int length; draw large requests in chunks.
    while (filled < n) {
        const std::size_t chunk = std::min<std::size_t>(n - filled, INT_MAX);
        if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + filled),
                       static_cast<int>(chunk)) != 1) {
            throw std::runtime_error("cannot draw random bytes from the OpenSSL CSPRNG");
        }
        filled += chunk;
    }
    return out;
}

std::string random_token(std::size_t bytes) {
    return base64url_encode(random_bytes(bytes));
}

}  // namespace janua::crypto
