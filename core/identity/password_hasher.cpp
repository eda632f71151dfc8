#include "core/identity/password_hasher.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/password_hash.hpp"
#include "core/crypto/random.hpp"
#include "core/identity/legacy_password.hpp"

#include <openssl/evp.h>

#include <regex>

namespace janua::identity {
namespace {

std::optional<crypto::Pbkdf2Digest> digest_named(const std::string& name) {
    if (name == "sha1") return crypto::Pbkdf2Digest::sha1;
    if (name == "sha256") return crypto::Pbkdf2Digest::sha256;
    if (name == "sha512") return crypto::Pbkdf2Digest::sha512;
    return std::nullopt;
}

bool verify_pbkdf2(const std::string& password, const std::string& hash) {
    static const std::regex phc(R"(^\$pbkdf2-(sha1|sha256|sha512)\$i=(\d{1,9})(?:,l=(\d{1,4}))?\$([A-Za-z0-9+/.=]+)\$([A-Za-z0-9+/=]+)$)");
    std::smatch m;
    if (!std::regex_match(hash, m, phc)) return false;
    auto digest = digest_named(m[1].str());
    auto salt = crypto::base64_decode(m[4].str(), crypto::Base64Padding::optional);
    auto expected = crypto::base64_decode(m[5].str(), crypto::Base64Padding::optional);
    if (!digest || !salt || !expected || expected->empty()) return false;
    if (m[3].matched && std::stoul(m[3].str()) != expected->size()) return false;
    return crypto::pbkdf2_verify(*digest, password, *salt, static_cast<unsigned>(std::stoul(m[2].str())), *expected);
}

std::string digest_of(const std::string& name, const std::string& data) {
    const EVP_MD* md = name == "sha1" ? EVP_sha1() : name == "sha256" ? EVP_sha256() : EVP_sha512();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), out, &length, md, nullptr);
    return std::string(reinterpret_cast<const char*>(out), length);
}

bool verify_salted_sha(const std::string& password, const std::string& hash, const std::string& digest) {
    const auto first = hash.find('$');
    const auto last = hash.rfind('$');
    if (first == std::string::npos || last == first) return false;
    const std::string position = hash.substr(0, first);
    const std::string salt = hash.substr(first + 1, last - first - 1);
    auto expected = crypto::hex_decode(hash.substr(last + 1));
    if (!expected || (position != "prefix" && position != "suffix")) return false;
    const std::string input = position == "prefix" ? salt + password : password + salt;
    return crypto::constant_time_equals(digest_of(digest, input), *expected);
}

}  // namespace

bool verify_password_hash(const std::string& password, const std::string& hash, const std::string& algorithm) {
    if (algorithm == "bcrypt") return crypto::bcrypt_verify(password, hash);
    if (algorithm.rfind("pbkdf2-", 0) == 0) return hash.rfind("$" + algorithm + "$", 0) == 0 && verify_pbkdf2(password, hash);
    if (algorithm == "salted-sha1") return verify_salted_sha(password, hash, "sha1");
    if (algorithm == "salted-sha256") return verify_salted_sha(password, hash, "sha256");
    if (algorithm == "salted-sha512") return verify_salted_sha(password, hash, "sha512");
    if (algorithm == "legacy") return legacy::verify(password, hash);  // imported: core/identity/legacy_password.hpp
    return false;
}

PasswordHasher::PasswordHasher(HasherSettings settings) : m_settings(settings) {
    m_dummy_hash = crypto::bcrypt_hash(crypto::random_token(16), m_settings.bcrypt_cost);
    for (int i = 0; i < m_settings.workers; ++i) m_threads.emplace_back([this] { worker_loop(); });
}

PasswordHasher::~PasswordHasher() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) t.join();
}

void PasswordHasher::worker_loop() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        job();
    }
}

template <class T>
Result<T> PasswordHasher::run(std::function<T()> work) {
    auto task = std::make_shared<std::packaged_task<T()>>(std::move(work));
    auto future = task->get_future();
    {
        std::lock_guard lock(m_mutex);
        if (static_cast<int>(m_queue.size()) >= m_settings.queue) {
            Error busy = make_error(ErrorCode::unavailable, "too many sign-ins in progress; retry shortly",
                                    "password hashing queue full");
            busy.retry_after_seconds = 1;
            return busy;
        }
        m_queue.emplace_back([task] { (*task)(); });
    }
    m_cv.notify_one();
    if (future.wait_for(std::chrono::milliseconds(m_settings.wait_ms)) != std::future_status::ready) {
        // The job still runs to completion later; only this caller gives up waiting.
        Error slow = make_error(ErrorCode::unavailable, "too many sign-ins in progress; retry shortly",
                                "password hashing wait exceeded");
        slow.retry_after_seconds = 1;
        return slow;
    }
    return future.get();
}

Result<std::string> PasswordHasher::hash(const std::string& password) {
    const int cost = m_settings.bcrypt_cost;
    return run<std::string>([password, cost] { return crypto::bcrypt_hash(password, cost); });
}

Result<bool> PasswordHasher::verify(const std::string& password, const std::string& hash, const std::string& algorithm) {
    return run<bool>([password, hash, algorithm] { return verify_password_hash(password, hash, algorithm); });
}

void PasswordHasher::verify_dummy(const std::string& password) {
    const std::string dummy = m_dummy_hash;
    (void)run<bool>([password, dummy] { return crypto::bcrypt_verify(password, dummy); });
}

bool PasswordHasher::needs_rehash(const std::string& hash, const std::string& algorithm) const {
    if (algorithm != "bcrypt") return true;
    return crypto::bcrypt_cost(hash) < m_settings.bcrypt_cost;
}

}  // namespace janua::identity
