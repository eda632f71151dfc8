#pragma once
// Password hashing and verification on a bounded pool of threads, so a flood of sign-ins uses
// at most `workers` cores and at most `queue` waiting requests; everyone else gets 503 with
// Retry-After at once instead of a hung connection, and token, JWKS and health traffic flows on.

#include "core/common/result.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace janua::identity {

struct HasherSettings {
    int workers = 2;
    int queue = 8;       // jobs waiting for a worker
    int wait_ms = 2000;  // longest a caller waits for its result
    int bcrypt_cost = 12;
};

// Verify a stored hash of any supported algorithm: bcrypt ($2a/$2b/$2y), pbkdf2-sha1/256/512
// (PHC "$pbkdf2-<digest>$i=<n>[,l=<len>]$<b64 salt>$<b64 hash>"), salted-sha1/256/512
// ("<prefix|suffix>$<salt>$<hex digest>"), and "legacy": an imported hash described as JSON
// (core/identity/legacy_password.hpp). Unknown algorithm or malformed hash: false.
bool verify_password_hash(const std::string& password, const std::string& hash, const std::string& algorithm);

class PasswordHasher {
public:
    explicit PasswordHasher(HasherSettings settings);
    ~PasswordHasher();
    PasswordHasher(const PasswordHasher&) = delete;
    PasswordHasher& operator=(const PasswordHasher&) = delete;

    // A new bcrypt hash at the configured cost.
    Result<std::string> hash(const std::string& password);
    Result<bool> verify(const std::string& password, const std::string& hash, const std::string& algorithm);
    // Spend the time of one verification, for unknown accounts (no timing difference).
    void verify_dummy(const std::string& password);
    // True when a hash should be replaced (imported algorithm, or bcrypt below the configured cost).
    bool needs_rehash(const std::string& hash, const std::string& algorithm) const;

private:
    template <class T>
    Result<T> run(std::function<T()> work);
    void worker_loop();

    HasherSettings m_settings;
    std::string m_dummy_hash;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_queue;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

}  // namespace janua::identity
