#include "core/devices/device_service.hpp"

#include "core/identity/audit_events.hpp"
#include "core/common/ids.hpp"
#include "core/common/text.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/db/atomically.hpp"

namespace janua::devices {
namespace {

using db::Statement;

#define JANUA_DEVICE_COLUMNS \
    "id, user_agent, first_ip, last_ip, first_seen_at, last_seen_at, last_signin_at, trusted_at"

constexpr Statement k_find{
    "devices_find_by_token",
    "SELECT id, trusted_at IS NOT NULL, last_signin_at IS NOT NULL OR trusted_at IS NOT NULL "
    "FROM devices WHERE user_id = $1 AND token_hash = $2"};
constexpr Statement k_token_known{"devices_token_known", "SELECT 1 FROM devices WHERE token_hash = $1 LIMIT 1"};
// Devices count as known once a sign-in on them went through (or their user trusted them); a device
// whose only sign-in waits for its confirmation proves nothing yet.
constexpr Statement k_history{
    "devices_history",
    "SELECT last_ip, extract(epoch FROM now() - coalesce(last_signin_at, trusted_at))::float8 FROM devices "
    "WHERE user_id = $1 AND (last_signin_at IS NOT NULL OR trusted_at IS NOT NULL) "
    "ORDER BY coalesce(last_signin_at, trusted_at) DESC LIMIT $2"};
constexpr Statement k_recent_failures{
    "devices_recent_failures",
    "SELECT count(*) FROM audit_events WHERE actor_id = $1 AND action = 'user.signin' AND outcome = 'failure' "
    "AND details->>'reason' = 'wrong_password' AND occurred_at > now() - make_interval(mins => $2)"};
constexpr Statement k_insert{
    "devices_insert",
    "INSERT INTO devices (user_id, token_hash, user_agent, first_ip, last_ip) VALUES ($1, $2, $3, $4, $4) RETURNING id"};
constexpr Statement k_prune{
    "devices_prune",
    "DELETE FROM devices WHERE id IN (SELECT id FROM devices WHERE user_id = $1 "
    "ORDER BY trusted_at IS NOT NULL DESC, last_seen_at DESC, id OFFSET $2)"};
constexpr Statement k_accept{
    "devices_accept",
    "UPDATE devices SET last_seen_at = now(), last_signin_at = now(), last_ip = $2, user_agent = $3 WHERE id = $1"};
constexpr Statement k_set_confirm{
    "devices_set_confirm",
    "UPDATE devices SET last_seen_at = now(), confirm_token_hash = $2, "
    "confirm_expires_at = now() + make_interval(mins => $3) WHERE id = $1"};
constexpr Statement k_confirm{
    "devices_confirm",
    "UPDATE devices SET trusted_at = coalesce(trusted_at, now()), confirm_token_hash = NULL, confirm_expires_at = NULL "
    "WHERE confirm_token_hash = $1 AND confirm_expires_at > now() RETURNING user_id, " JANUA_DEVICE_COLUMNS};
constexpr Statement k_list{"devices_list",
                           "SELECT " JANUA_DEVICE_COLUMNS " FROM devices WHERE user_id = $1 ORDER BY last_seen_at DESC, id"};
constexpr Statement k_trust{
    "devices_trust",
    "UPDATE devices SET trusted_at = coalesce(trusted_at, now()), confirm_token_hash = NULL, confirm_expires_at = NULL "
    "WHERE id = $1 AND user_id = $2 RETURNING " JANUA_DEVICE_COLUMNS};
constexpr Statement k_delete{"devices_delete", "DELETE FROM devices WHERE id = $1 AND user_id = $2"};

Device from_row(const pqxx::row& r, int at = 0) {
    Device d;
    d.id = r[at].as<std::string>();
    d.user_agent = r[at + 1].as<std::string>();
    d.first_ip = r[at + 2].as<std::string>();
    d.last_ip = r[at + 3].as<std::string>();
    d.first_seen_at = db::timestamp(r[at + 4]);
    d.last_seen_at = db::timestamp(r[at + 5]);
    d.last_signin_at = r[at + 6].is_null() ? "" : db::timestamp(r[at + 6]);
    d.trusted_at = r[at + 7].is_null() ? "" : db::timestamp(r[at + 7]);
    return d;
}

audit::Event device_event(const std::string& action, const identity::RequestMeta& meta, const std::string& user_id,
                          const std::string& device_id) {
    auto e = identity::user_event(action, meta, user_id);
    e.target_type = "device";
    e.target_id = device_id;
    return e;
}

std::string hash_of(const std::string& token) { return crypto::sha256(token); }

// A user agent as stored and mailed (core/common/text.hpp).
std::string clean_agent(const std::string& agent, std::size_t max) { return printable_ascii(agent, max); }

std::string link(const std::string& base, const std::string& path) {
    std::string root = base;
    while (!root.empty() && root.back() == '/') root.pop_back();
    return root + path;
}

// One line for the mails: what signed in, from where. Values come from the client: kept short.
std::string describe(const identity::RequestMeta& meta) {
    std::string agent = meta.user_agent.empty() ? "an unnamed browser or app" : clean_agent(meta.user_agent, 200);
    return "Device: " + agent + ". Address: " + (meta.ip.empty() ? "unknown" : meta.ip) + ".";
}

}  // namespace

nlohmann::json to_json(const Device& d) {
    auto optional = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    return {{"id", d.id},
            {"user_agent", d.user_agent},
            {"first_ip", d.first_ip},
            {"last_ip", d.last_ip},
            {"first_seen_at", d.first_seen_at},
            {"last_seen_at", d.last_seen_at},
            {"last_signin_at", optional(d.last_signin_at)},
            {"trusted", !d.trusted_at.empty()},
            {"trusted_at", optional(d.trusted_at)}};
}

nlohmann::json Decision::audit(const std::string& decision) const {
    return {{"score", risk.score},
            {"threshold", threshold},
            {"reasons", risk.reasons()},
            {"device_id", device_id},
            {"new_device", new_device},
            {"trusted_device", trusted},
            {"decision", decision}};
}

DeviceService::DeviceService(DeviceSettings settings, db::Pool& pool, std::shared_ptr<const GeoIp> geo,
                             identity::Mailer mailer)
    : m_settings(std::move(settings)), m_pool(pool), m_geo(std::move(geo)), m_mailer(std::move(mailer)) {}

Decision DeviceService::assess(db::Transaction& tx, const identity::User& user, const identity::RequestMeta& meta,
                               const std::string& device_token, bool step_up_by_mfa) {
    Decision decision;
    decision.threshold = m_settings.step_up_threshold;
    History history;
    const bool usable_token = !device_token.empty() && device_token.size() <= k_max_device_token;
    if (usable_token) {
        auto found = tx.exec(k_find, user.id, pqxx::binarystring(hash_of(device_token)));
        if (!found.empty()) {
            decision.device_id = found[0][0].as<std::string>();
            decision.device_token = device_token;
            decision.trusted = found[0][1].as<bool>();
            history.known_device = found[0][2].as<bool>();
        }
    }
    const auto seen = tx.exec(k_history, user.id, k_max_devices_per_user);
    history.has_devices = !seen.empty();
    for (const auto& row : seen) history.ips.push_back(row[0].as<std::string>());
    if (!seen.empty()) {
        history.previous_ip = seen[0][0].as<std::string>();
        history.seconds_since_previous = seen[0][1].as<double>();
    }
    history.recent_failures = tx.exec(k_recent_failures, user.id, k_failed_attempts_window_minutes)[0][0].as<int>();
    decision.risk = devices::assess(history, meta.ip, m_geo.get());
    decision.new_device = history.has_devices && !history.known_device;

    if (decision.device_id.empty()) {
        // A browser shared by several users keeps one token; a token Janua never issued is replaced
        // rather than adopted, so nobody can choose another browser's token for it.
        std::string token = device_token;
        if (!usable_token || tx.exec(k_token_known, pqxx::binarystring(hash_of(token))).empty())
            token = crypto::random_token(32);
        decision.device_token = token;
        decision.device_id = tx.exec(k_insert, user.id, pqxx::binarystring(hash_of(token)),
                                     clean_agent(meta.user_agent, 512), meta.ip)[0][0]
                                 .as<std::string>();
        tx.exec(k_prune, user.id, k_max_devices_per_user);
    }
    decision.confirm_by_email = m_settings.step_up_threshold > 0 && decision.risk.score >= m_settings.step_up_threshold &&
                                !decision.trusted && !step_up_by_mfa;
    return decision;
}

void DeviceService::accept(db::Transaction& tx, const identity::User& user, const Decision& decision,
                           const identity::RequestMeta& meta) {
    tx.exec(k_accept, decision.device_id, meta.ip, clean_agent(meta.user_agent, 512));
    if (!decision.new_device || !m_settings.notify_new_device) return;
    m_mailer(tx, {identity::OutgoingMail::Kind::new_signin, user.email, link(m_settings.frontend_url, "/forgot-password"),
                  describe(meta)});
}

Error DeviceService::refuse(db::Transaction& tx, const identity::User& user, const Decision& decision,
                            const identity::RequestMeta& meta) {
    const std::string token = crypto::random_token(32);
    tx.exec(k_set_confirm, decision.device_id, pqxx::binarystring(hash_of(token)), m_settings.confirm_minutes);
    m_mailer(tx, {identity::OutgoingMail::Kind::device_confirmation, user.email,
                  link(m_settings.base_url, "/api/v1/devices/confirm?token=" + token), describe(meta)});
    auto e = identity::user_event("user.signin", meta, user.id, "failure");
    e.details = {{"reason", "device_confirmation_required"}, {"risk", decision.audit("email_confirmation")}};
    audit::record(tx, e);
    Error error = make_error(ErrorCode::authorization,
                             "this sign-in needs confirming: we emailed you a link; open it, then sign in again "
                             "with the same device_token");
    error.details = {{"reason", "device_confirmation_required"}, {"device_token", decision.device_token}};
    return error;
}

std::vector<Device> DeviceService::list(const std::string& user_id) {
    return m_pool.read([&](db::Transaction& tx) {
        std::vector<Device> out;
        for (const auto& row : tx.exec(k_list, user_id)) out.push_back(from_row(row));
        return out;
    });
}

Result<Device> DeviceService::trust(const identity::Principal& caller, const std::string& device_id,
                                    const identity::RequestMeta& meta) {
    if (!is_uuid(device_id) || caller.user_id.empty()) return make_error(ErrorCode::not_found, "device not found");
    return db::atomically<Device>(m_pool, [&](db::Transaction& tx) -> Result<Device> {
        auto r = tx.exec(k_trust, device_id, caller.user_id);
        if (r.empty()) return make_error(ErrorCode::not_found, "device not found");
        auto e = device_event("device.trusted", meta, caller.user_id, device_id);
        e.details = {{"via", "user"}};
        audit::record(tx, e);
        return from_row(r[0]);
    });
}

Status DeviceService::remove(const identity::Principal& caller, const std::string& device_id,
                             const identity::RequestMeta& meta) {
    if (!is_uuid(device_id) || caller.user_id.empty()) return make_error(ErrorCode::not_found, "device not found");
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Result<Ok> {
        if (tx.exec(k_delete, device_id, caller.user_id).affected_rows() == 0)
            return make_error(ErrorCode::not_found, "device not found");
        audit::record(tx, device_event("device.removed", meta, caller.user_id, device_id));
        return Ok{};
    });
}

Result<Device> DeviceService::confirm(const std::string& token, const identity::RequestMeta& meta) {
    auto invalid = [] { return make_error(ErrorCode::token, "invalid or expired confirmation link; sign in again to get a new one"); };
    if (token.empty() || token.size() > 256) return invalid();
    return db::atomically<Device>(m_pool, [&](db::Transaction& tx) -> Result<Device> {
        auto r = tx.exec(k_confirm, pqxx::binarystring(hash_of(token)));
        if (r.empty()) return invalid();
        const auto user_id = r[0][0].as<std::string>();
        auto device = from_row(r[0], 1);
        auto e = device_event("device.trusted", meta, user_id, device.id);
        e.details = {{"via", "email_confirmation"}};
        audit::record(tx, e);
        return device;
    });
}

}  // namespace janua::devices
