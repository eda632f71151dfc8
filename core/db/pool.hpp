#pragma once
// A bounded pool of libpqxx connections shared by request threads. Connections are opened
// lazily, so a process starts while PostgreSQL is down and recovers when it returns.

#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace janua::db {

// Thrown when no connection can be had (database down, pool exhausted); callers answer 503.
class DatabaseUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PoolSettings {
    std::string url;
    int size = 10;
    int connect_timeout_seconds = 3;
    int acquire_timeout_ms = 2000;
    int statement_timeout_ms = 30000;
    std::string application_name = "janua";
};

// A named SQL statement with $n parameters; prepared once per connection on first use.
struct Statement {
    const char* name;
    const char* sql;
};

// Add connect_timeout and application_name to a libpq URL or keyword string.
std::string with_connection_options(const std::string& url, int connect_timeout_seconds,
                                    const std::string& application_name);

// Open one connection outside any pool (migrations, LISTEN); throws DatabaseUnavailable.
std::unique_ptr<pqxx::connection> connect(const PoolSettings& settings);

class Pool;

struct PooledConnection {
    std::unique_ptr<pqxx::connection> connection;
    std::unordered_set<std::string> prepared;
};

// Exclusive use of one connection; returns it to the pool when destroyed.
class Lease {
public:
    Lease(Pool* pool, std::unique_ptr<PooledConnection> slot);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    pqxx::connection& connection() { return *m_slot->connection; }
    void ensure_prepared(const Statement& statement);
    // Drop this connection instead of reusing it (after a broken-connection error).
    void discard() { m_discard = true; }

private:
    Pool* m_pool;
    std::unique_ptr<PooledConnection> m_slot;
    bool m_discard = false;
};

// Work on a leased connection, with prepared-statement helpers: a read-write transaction, or
// (Pool::read) autocommitted single statements, which save the BEGIN and COMMIT round trips.
class Transaction {
public:
    enum class Mode { atomic, autocommit };
    explicit Transaction(Lease& lease, Mode mode = Mode::atomic)
        : m_lease(lease),
          m_work(mode == Mode::atomic
                     ? std::unique_ptr<pqxx::transaction_base>(std::make_unique<pqxx::work>(lease.connection()))
                     : std::make_unique<pqxx::nontransaction>(lease.connection())) {}

    template <class... Args>
    pqxx::result exec(const Statement& statement, Args&&... args) {
        m_lease.ensure_prepared(statement);
        return m_work->exec_prepared(statement.name, std::forward<Args>(args)...);
    }
    pqxx::result exec_sql(const std::string& sql) { return m_work->exec(sql); }
    void commit() { m_work->commit(); }
    pqxx::transaction_base& raw() { return *m_work; }

private:
    Lease& m_lease;
    std::unique_ptr<pqxx::transaction_base> m_work;
};

struct PoolStats {
    int in_use = 0;
    int idle = 0;
    int max = 0;
    long long acquire_timeouts = 0;
    long long connect_failures = 0;
};

class Pool {
public:
    explicit Pool(PoolSettings settings);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Wait up to acquire_timeout_ms for a connection; throws DatabaseUnavailable.
    Lease acquire();
    PoolStats stats() const;
    // Close idle connections (shutdown).
    void close_idle();

    // Run `work(Transaction&)` and commit. A broken connection becomes DatabaseUnavailable.
    template <class F>
    auto transact(F&& work) {
        return run(Transaction::Mode::atomic, std::forward<F>(work));
    }
    // Run `work` without a transaction: each statement commits on its own and sees its own
    // snapshot. For a hot path that only reads, with one statement (or statements that need not
    // agree with each other); anything that writes belongs in transact().
    template <class F>
    auto read(F&& work) {
        return run(Transaction::Mode::autocommit, std::forward<F>(work));
    }

private:
    friend class Lease;
    template <class F>
    auto run(Transaction::Mode mode, F&& work) {
        Lease lease = acquire();
        try {
            Transaction tx(lease, mode);
            if constexpr (std::is_void_v<decltype(work(tx))>) {
                work(tx);
                tx.commit();
            } else {
                auto result = work(tx);
                tx.commit();
                return result;
            }
        } catch (const pqxx::broken_connection& e) {
            lease.discard();
            close_idle();  // the server went away: the other idle connections are dead too
            throw DatabaseUnavailable(std::string("database connection lost: ") + e.what());
        } catch (const pqxx::in_doubt_error& e) {
            lease.discard();
            close_idle();
            throw DatabaseUnavailable(std::string("database connection lost during commit: ") + e.what());
        }
    }
    void give_back(std::unique_ptr<PooledConnection> slot, bool discard);
    std::unique_ptr<PooledConnection> open_connection();

    PoolSettings m_settings;
    mutable std::mutex m_mutex;
    std::condition_variable m_available;
    std::vector<std::unique_ptr<PooledConnection>> m_idle;
    int m_in_use = 0;
    int m_opening = 0;
    long long m_acquire_timeouts = 0;
    long long m_connect_failures = 0;
};

// Read a nullable column (libpqxx 6.4 cannot convert NULL to std::optional itself).
template <class T>
std::optional<T> optional_field(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return field.as<T>();
}

// A timestamptz column (read on a UTC session) as RFC 3339, e.g. "2026-11-22T16:20:00.123456Z" (full precision,
// so it also serves as a pagination position);
// empty for NULL.
std::string timestamp(const pqxx::field& field);

}  // namespace janua::db
