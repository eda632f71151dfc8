// Data-subject requests: received -> in_progress -> completed, or rejected (with the reason the
// subject must be given, GDPR art. 12(4)), or cancelled by the subject. The deadline starts at
// receipt (30 days under GDPR art. 12(3), 45 under CCPA) and may be extended once the request is
// known to be complex, up to 90 days after receipt.
#include "core/common/ids.hpp"
#include "core/common/page_cursor.hpp"
#include "core/common/time.hpp"
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"

#include <algorithm>

namespace janua::compliance {
namespace {

#define DSR_COLUMNS                                                                                                 \
    "id, user_id, type, regulation, status, details, assignee_id, resolution, received_at, deadline_at, closed_at, " \
    "(status IN ('received', 'in_progress') AND deadline_at < now()), updated_at"

constexpr db::Statement k_insert{
    "dsr_insert",
    "INSERT INTO data_subject_requests (user_id, type, regulation, details, deadline_at, created_by) "
    "VALUES ($1, $2, $3, $4, now() + make_interval(days => $5), $6) RETURNING " DSR_COLUMNS};
constexpr db::Statement k_get{"dsr_get", "SELECT " DSR_COLUMNS " FROM data_subject_requests WHERE id = $1"};
constexpr db::Statement k_lock{"dsr_lock", "SELECT " DSR_COLUMNS " FROM data_subject_requests WHERE id = $1 FOR UPDATE"};
constexpr db::Statement k_open_of_type{"dsr_open_of_type",
                                       "SELECT id FROM data_subject_requests WHERE user_id = $1 AND type = $2 AND "
                                       "status IN ('received', 'in_progress') LIMIT 1"};
constexpr db::Statement k_lock_user{"dsr_lock_user", "SELECT 1 FROM users WHERE id = $1 FOR UPDATE"};
constexpr db::Statement k_list{
    "dsr_list",
    "SELECT " DSR_COLUMNS " FROM data_subject_requests WHERE "
    "($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR type = $3) AND "
    "(NOT $4 OR (status IN ('received', 'in_progress') AND deadline_at < now())) AND "
    "($5::timestamptz IS NULL OR (received_at, id) < ($5::timestamptz, $6::uuid)) "
    "ORDER BY received_at DESC, id DESC LIMIT $7"};
constexpr db::Statement k_update{
    "dsr_update",
    "UPDATE data_subject_requests SET status = $2, assignee_id = $3, resolution = $4, deadline_at = coalesce(to_timestamp($5::bigint), deadline_at), "
    "closed_at = CASE WHEN $2 IN ('completed', 'rejected', 'cancelled') THEN coalesce(closed_at, now()) END, "
    "updated_at = now() WHERE id = $1 RETURNING " DSR_COLUMNS};
constexpr db::Statement k_received_epoch{"dsr_received_epoch",
                                         "SELECT extract(epoch FROM received_at)::float8 FROM data_subject_requests WHERE id = $1"};
constexpr db::Statement k_admin{"dsr_admin", "SELECT id FROM users WHERE id = $1 AND is_platform_admin"};

const std::vector<std::string> k_types = {"access", "erasure", "rectification", "portability"};
const std::vector<std::string> k_statuses = {"received", "in_progress", "completed", "rejected", "cancelled"};

bool is_one_of(const std::string& value, const std::vector<std::string>& set) {
    return std::find(set.begin(), set.end(), value) != set.end();
}

bool is_open(const std::string& status) { return status == "received" || status == "in_progress"; }

bool may_move(const std::string& from, const std::string& to) {
    if (from == to) return true;
    if (from == "received") return to == "in_progress" || to == "rejected" || to == "cancelled" || to == "completed";
    if (from == "in_progress") return to == "completed" || to == "rejected" || to == "cancelled";
    return false;  // completed, rejected and cancelled are final
}

SubjectRequest request_of(const pqxx::row& r) {
    SubjectRequest q;
    q.id = r[0].as<std::string>();
    q.user_id = detail::optional_text(r[1]);
    q.type = r[2].as<std::string>();
    q.regulation = r[3].as<std::string>();
    q.status = r[4].as<std::string>();
    q.details = detail::optional_text(r[5]);
    q.assignee_id = detail::optional_text(r[6]);
    q.resolution = detail::optional_text(r[7]);
    q.received_at = db::timestamp(r[8]);
    q.deadline_at = db::timestamp(r[9]);
    if (!r[10].is_null()) q.closed_at = db::timestamp(r[10]);
    q.overdue = r[11].as<bool>();
    q.updated_at = db::timestamp(r[12]);
    return q;
}

nlohmann::json opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json to_json(const SubjectRequest& q) {
    return {{"id", q.id},
            {"user_id", opt(q.user_id)},
            {"type", q.type},
            {"regulation", q.regulation},
            {"status", q.status},
            {"details", opt(q.details)},
            {"assignee_id", opt(q.assignee_id)},
            {"resolution", opt(q.resolution)},
            {"received_at", q.received_at},
            {"deadline_at", q.deadline_at},
            {"closed_at", opt(q.closed_at)},
            {"overdue", q.overdue},
            {"updated_at", q.updated_at}};
}

Result<SubjectRequest> ComplianceService::create_request(const NewSubjectRequest& in, const identity::Actor& actor) {
    if (!is_one_of(in.type, k_types)) return detail::invalid("type", "must be access, erasure, rectification or portability");
    std::string regulation;
    if (in.regulation) {
        if (*in.regulation != "gdpr" && *in.regulation != "ccpa") return detail::invalid("regulation", "must be gdpr or ccpa");
        if ((*in.regulation == "gdpr" && !m_settings.gdpr) || (*in.regulation == "ccpa" && !m_settings.ccpa))
            return detail::invalid("regulation", "is not enabled on this server (COMPLIANCE_" +
                                                     std::string(*in.regulation == "gdpr" ? "GDPR" : "CCPA") + "_ENABLED)");
        regulation = *in.regulation;
    } else if (m_settings.gdpr) {
        regulation = "gdpr";
    } else if (m_settings.ccpa) {
        regulation = "ccpa";
    } else {
        return make_error(ErrorCode::not_found,
                          "privacy features are disabled: set COMPLIANCE_GDPR_ENABLED or COMPLIANCE_CCPA_ENABLED to true");
    }
    if (in.details && in.details->size() > 4000) return detail::invalid("details", "must be at most 4000 characters");
    return db::atomically<SubjectRequest>(m_pool, [&](db::Transaction& tx) -> Result<SubjectRequest> {
        auto user_id = detail::find_user(tx, in.user);
        if (!user_id) return detail::user_not_found(in.user);
        tx.exec(k_lock_user, *user_id);  // one open request per type, even under concurrent calls
        if (auto open = tx.exec(k_open_of_type, *user_id, in.type); !open.empty()) {
            Error e = make_error(ErrorCode::conflict, "an open " + in.type + " request of this person exists already");
            e.details = {{"request_id", open[0][0].as<std::string>()}};
            return e;
        }
        const std::optional<std::string> created_by = actor.id ? std::optional<std::string>(actor.type + ":" + *actor.id)
                                                                : std::optional<std::string>(actor.type);
        auto created = request_of(tx.exec(k_insert, *user_id, in.type, regulation, in.details,
                                          deadline_days(regulation), created_by)[0]);
        detail::record(tx, actor, "compliance.request_created", "data_subject_request", created.id,
                       {{"user_id", *user_id}, {"type", created.type}, {"regulation", regulation},
                        {"deadline_at", created.deadline_at}});
        return created;
    });
}

Result<SubjectRequest> ComplianceService::get_request(const std::string& id) {
    if (!is_uuid(id)) return make_error(ErrorCode::not_found, "data-subject request not found");
    auto rows = m_pool.transact([&](db::Transaction& tx) { return tx.exec(k_get, id); });
    if (rows.empty()) return make_error(ErrorCode::not_found, "data-subject request not found");
    return request_of(rows[0]);
}

Result<SubjectRequestPage> ComplianceService::list_requests(const SubjectRequestFilter& f) {
    if (f.limit < 1 || f.limit > 200) return detail::invalid("limit", "must be between 1 and 200");
    if (f.status && !is_one_of(*f.status, k_statuses))
        return detail::invalid("status", "must be received, in_progress, completed, rejected or cancelled");
    if (f.type && !is_one_of(*f.type, k_types)) return detail::invalid("type", "must be access, erasure, rectification or portability");
    if (f.user_id && !is_uuid(*f.user_id)) return detail::invalid("user_id", "must be a user id");
    auto after = paging::decode_cursor(f.cursor);
    if (!after) return after.error();
    return m_pool.transact([&](db::Transaction& tx) {
        SubjectRequestPage page;
        auto rows = tx.exec(k_list, f.user_id, f.status, f.type, f.overdue_only, after->created_at, after->id, f.limit + 1);
        for (const auto& r : rows) {
            if (static_cast<int>(page.data.size()) == f.limit) break;
            page.data.push_back(request_of(r));
        }
        if (static_cast<int>(rows.size()) > f.limit)
            page.next_cursor = paging::encode_cursor(page.data.back().received_at, page.data.back().id);
        return page;
    });
}

Result<SubjectRequest> ComplianceService::update_request(const std::string& id, const SubjectRequestUpdate& u,
                                                         const identity::Actor& actor) {
    if (!is_uuid(id)) return make_error(ErrorCode::not_found, "data-subject request not found");
    if (u.status && !is_one_of(*u.status, k_statuses))
        return detail::invalid("status", "must be received, in_progress, completed, rejected or cancelled");
    if (u.resolution && u.resolution->size() > 4000) return detail::invalid("resolution", "must be at most 4000 characters");
    std::optional<std::int64_t> new_deadline;
    if (u.deadline_at) {
        new_deadline = parse_rfc3339(*u.deadline_at);
        if (!new_deadline) return detail::invalid("deadline_at", "must be an RFC 3339 UTC time (2026-12-24T00:00:00Z)");
    }
    return db::atomically<SubjectRequest>(m_pool, [&](db::Transaction& tx) -> Result<SubjectRequest> {
        auto rows = tx.exec(k_lock, id);
        if (rows.empty()) return make_error(ErrorCode::not_found, "data-subject request not found");
        SubjectRequest current = request_of(rows[0]);
        const std::string status = u.status.value_or(current.status);
        if (!may_move(current.status, status))
            return make_error(ErrorCode::conflict, "a " + current.status + " request cannot become " + status +
                                                       (is_open(current.status) ? "" : " (it is closed)"));
        if (!is_open(current.status) && (u.assignee || u.deadline_at))
            return make_error(ErrorCode::conflict, "the request is " + current.status + "; it cannot be changed any more");
        std::optional<std::string> assignee = current.assignee_id;
        if (u.assignee) {
            if (u.assignee->empty()) {
                assignee.reset();
            } else {
                auto found = detail::find_user(tx, *u.assignee);
                if (!found || tx.exec(k_admin, *found).empty())
                    return detail::invalid("assignee", "must be a platform administrator (user id or email)");
                assignee = found;
            }
        }
        const std::optional<std::string> resolution = u.resolution ? u.resolution : current.resolution;
        if (status == "rejected" && (!resolution || resolution->empty()))
            return detail::invalid("resolution", "is required to reject a request: the person must be told why (GDPR art. 12(4))");
        std::optional<long long> deadline;
        if (new_deadline) {
            const double received = tx.exec(k_received_epoch, id)[0][0].as<double>();
            if (static_cast<double>(*new_deadline) < received || static_cast<double>(*new_deadline) > received + 90.0 * 86400)
                return detail::invalid("deadline_at", "must lie between the receipt and 90 days after it (GDPR art. 12(3))");
            deadline = static_cast<long long>(*new_deadline);
        }
        auto updated = request_of(tx.exec(k_update, id, status, assignee, resolution, deadline)[0]);
        nlohmann::json changes = nlohmann::json::object();
        if (status != current.status) changes["status"] = {current.status, status};
        if (assignee != current.assignee_id) changes["assignee_id"] = {opt(current.assignee_id), opt(assignee)};
        if (updated.deadline_at != current.deadline_at) changes["deadline_at"] = {current.deadline_at, updated.deadline_at};
        if (resolution != current.resolution) changes["resolution_changed"] = true;
        detail::record(tx, actor, "compliance.request_updated", "data_subject_request", id,
                       {{"type", updated.type}, {"changes", changes}});
        return updated;
    });
}

Result<SubjectRequest> ComplianceService::cancel_request(const std::string& id, const std::string& user_id,
                                                         const identity::Actor& actor) {
    if (!is_uuid(id)) return make_error(ErrorCode::not_found, "data-subject request not found");
    return db::atomically<SubjectRequest>(m_pool, [&](db::Transaction& tx) -> Result<SubjectRequest> {
        auto rows = tx.exec(k_lock, id);
        // Someone else's request is "not found": ids cannot be probed.
        if (rows.empty() || detail::optional_text(rows[0][1]) != user_id)
            return make_error(ErrorCode::not_found, "data-subject request not found");
        SubjectRequest current = request_of(rows[0]);
        if (!is_open(current.status)) return make_error(ErrorCode::conflict, "the request is " + current.status + " already");
        auto updated = request_of(tx.exec(k_update, id, std::string("cancelled"), current.assignee_id, current.resolution,
                                          std::optional<long long>())[0]);
        detail::record(tx, actor, "compliance.request_cancelled", "data_subject_request", id, {{"type", updated.type}});
        return updated;
    });
}

}  // namespace janua::compliance
