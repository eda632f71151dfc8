#include "core/db/pool.hpp"

namespace janua::db {

std::string with_connection_options(const std::string& url, int connect_timeout_seconds,
                                    const std::string& application_name) {
    const bool is_uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
    std::string out = url;
    if (is_uri) {
        auto add = [&](const std::string& key, const std::string& value) {
            if (out.find(key + "=") != std::string::npos) return;
            out += (out.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
        };
        add("connect_timeout", std::to_string(connect_timeout_seconds));
        add("application_name", application_name);
    } else {
        if (out.find("connect_timeout=") == std::string::npos)
            out += " connect_timeout=" + std::to_string(connect_timeout_seconds);
        if (out.find("application_name=") == std::string::npos) out += " application_name=" + application_name;
    }
    return out;
}

std::unique_ptr<pqxx::connection> connect(const PoolSettings& settings) {
    try {
        auto connection = std::make_unique<pqxx::connection>(
            with_connection_options(settings.url, settings.connect_timeout_seconds, settings.application_name));
        // set_variable, unlike a plain SET, survives libpqxx's transparent reconnection.
        // Timestamps come back as UTC text, which db::timestamp() turns into RFC 3339.
        connection->set_variable("TimeZone", "'UTC'");
        if (settings.statement_timeout_ms > 0)
            connection->set_variable("statement_timeout", std::to_string(settings.statement_timeout_ms));
        return connection;
    } catch (const pqxx::broken_connection& e) {
        // libpq's message names host and port but never the password.
        throw DatabaseUnavailable(std::string("cannot connect to the database: ") + e.what());
    }
}

std::string timestamp(const pqxx::field& field) {
    if (field.is_null()) return {};
    // PostgreSQL prints "2026-11-22 16:20:00.123456+00" on a UTC session.
    std::string text = field.as<std::string>();
    if (text.size() >= 19 && text[10] == ' ') text[10] = 'T';
    const auto plus = text.find_last_of("+-");
    if (plus != std::string::npos && plus > 18) text = text.substr(0, plus);
    return text + "Z";
}

Lease::Lease(Pool* pool, std::unique_ptr<PooledConnection> slot) : m_pool(pool), m_slot(std::move(slot)) {}

Lease::Lease(Lease&& other) noexcept
    : m_pool(other.m_pool), m_slot(std::move(other.m_slot)), m_discard(other.m_discard) {
    other.m_pool = nullptr;
}

Lease::~Lease() {
    if (m_pool && m_slot) m_pool->give_back(std::move(m_slot), m_discard);
}

void Lease::ensure_prepared(const Statement& statement) {
    if (m_slot->prepared.insert(statement.name).second) {
        m_slot->connection->prepare(statement.name, statement.sql);
    }
}

Pool::Pool(PoolSettings settings) : m_settings(std::move(settings)) {}

std::unique_ptr<PooledConnection> Pool::open_connection() {
    auto slot = std::make_unique<PooledConnection>();
    slot->connection = connect(m_settings);
    return slot;
}

Lease Pool::acquire() {
    std::unique_lock lock(m_mutex);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_settings.acquire_timeout_ms);
    for (;;) {
        while (!m_idle.empty()) {
            auto slot = std::move(m_idle.back());
            m_idle.pop_back();
            if (!slot->connection->is_open()) continue;  // dropped by the server: replace it
            ++m_in_use;
            return Lease(this, std::move(slot));
        }
        if (m_in_use + m_opening < m_settings.size) {
            ++m_opening;
            lock.unlock();
            try {
                auto slot = open_connection();
                lock.lock();
                --m_opening;
                ++m_in_use;
                return Lease(this, std::move(slot));
            } catch (...) {
                lock.lock();
                --m_opening;
                ++m_connect_failures;
                m_available.notify_one();
                throw;
            }
        }
        if (m_available.wait_until(lock, deadline) == std::cv_status::timeout) {
            ++m_acquire_timeouts;
            throw DatabaseUnavailable("no database connection free within " +
                                      std::to_string(m_settings.acquire_timeout_ms) + " ms");
        }
    }
}

void Pool::give_back(std::unique_ptr<PooledConnection> slot, bool discard) {
    std::lock_guard lock(m_mutex);
    --m_in_use;
    if (!discard && slot->connection->is_open()) m_idle.push_back(std::move(slot));
    m_available.notify_one();
}

PoolStats Pool::stats() const {
    std::lock_guard lock(m_mutex);
    return PoolStats{m_in_use, static_cast<int>(m_idle.size()), m_settings.size, m_acquire_timeouts,
                     m_connect_failures};
}

void Pool::close_idle() {
    std::lock_guard lock(m_mutex);
    m_idle.clear();
}

}  // namespace janua::db
