#pragma once
// Privacy compliance: consent records, data-subject requests with their deadlines, privacy
// settings, the export of everything held on a person (or on an organization's members,
// streamed), erasure, and retention policies swept by a background job. Every change is
// audited in the transaction that makes it; changes that must be all-or-nothing go through
// db::atomically. No HTTP here: daemon/routes/compliance_routes.cpp and
// cli/commands/compliance_commands.cpp are thin layers over this class.

#include "core/common/result.hpp"
#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "core/identity/user_admin.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace janua::compliance {

struct ComplianceSettings {
    bool gdpr = true;   // COMPLIANCE_GDPR_ENABLED
    bool ccpa = true;   // COMPLIANCE_CCPA_ENABLED
    bool soc2 = false;  // COMPLIANCE_SOC2_ENABLED (reported only)
    bool hipaa = false; // COMPLIANCE_HIPAA_ENABLED (reported only)
    int default_retention_days = 2555;       // DEFAULT_RETENTION_PERIOD_DAYS
    int retention_interval_minutes = 60;     // COMPLIANCE_RETENTION_INTERVAL_MINUTES
};

ComplianceSettings settings_from(const config::Config& config);

// Days to answer a request: one month under GDPR art. 12(3) (taken as 30 days), 45 under
// CCPA 1798.130(a)(2).
int deadline_days(const std::string& regulation);

// --- consents ---
struct Consent {
    std::string id;
    std::string purpose;
    std::string version;
    std::string status;  // given | withdrawn | superseded
    std::string source;
    std::string given_at;
    std::optional<std::string> withdrawn_at;
    std::optional<std::string> withdrawn_source;
};
nlohmann::json to_json(const Consent& consent);

struct ConsentInput {
    std::string purpose;
    std::string version;
    std::string source = "api";
};

// --- data-subject requests ---
struct SubjectRequest {
    std::string id;
    std::optional<std::string> user_id;
    std::string type;        // access | erasure | rectification | portability
    std::string regulation;  // gdpr | ccpa
    std::string status;      // received | in_progress | completed | rejected | cancelled
    std::optional<std::string> details;
    std::optional<std::string> assignee_id;
    std::optional<std::string> resolution;
    std::string received_at;
    std::string deadline_at;
    std::optional<std::string> closed_at;
    bool overdue = false;
    std::string updated_at;
};
nlohmann::json to_json(const SubjectRequest& request);

struct NewSubjectRequest {
    std::string user;  // id or email
    std::string type;
    std::optional<std::string> regulation;  // default: gdpr when enabled, else ccpa
    std::optional<std::string> details;
};

// A change by an operator; only what is set changes.
struct SubjectRequestUpdate {
    std::optional<std::string> status;
    std::optional<std::string> assignee;  // user id or email of a platform admin; "" unassigns
    std::optional<std::string> resolution;
    std::optional<std::string> deadline_at;  // RFC 3339; at most received + 90 days (art. 12(3) extension)
};

struct SubjectRequestFilter {
    std::optional<std::string> user_id;
    std::optional<std::string> status;
    std::optional<std::string> type;
    bool overdue_only = false;
    int limit = 50;
    std::optional<std::string> cursor;
};

struct SubjectRequestPage {
    std::vector<SubjectRequest> data;
    std::optional<std::string> next_cursor;
};

// --- privacy settings ---
struct PrivacySettings {
    bool marketing_emails = false;
    bool analytics = false;
    bool third_party_sharing = false;
    std::string profile_visibility = "private";
    std::optional<std::string> updated_at;  // none: never changed (the defaults)
};
nlohmann::json to_json(const PrivacySettings& settings);

// --- retention ---
struct RetentionPolicy {
    std::string category;
    int retention_days = 0;
    bool enabled = true;
    bool is_default = false;  // no row: DEFAULT_RETENTION_PERIOD_DAYS applies
    std::optional<std::string> updated_at;
};
nlohmann::json to_json(const RetentionPolicy& policy);

// An organization's own retention for its data (core/compliance/org_retention.cpp): never longer
// than the platform's policy for the same data; the sweep applies the shorter of the two.
struct OrgRetentionPolicy {
    std::string organization_id;
    std::string category;                  // sessions | inactive_members | audit_details
    std::optional<int> retention_days;     // the organization's; none: it set nothing
    std::optional<int> platform_days;      // the platform's bound; none: the platform keeps this data indefinitely
    std::optional<int> effective_days;     // what the sweep applies: the shorter of the two
    std::optional<std::string> updated_at;
};
nlohmann::json to_json(const OrgRetentionPolicy& policy);

// What one sweep removed, per category, and the accounts it could not erase.
struct RetentionReport {
    nlohmann::json deleted = nlohmann::json::object();
    std::vector<std::string> skipped_users;  // sole owners of an organization
    nlohmann::json organizations = nlohmann::json::object();  // org id -> {category: rows}
};
nlohmann::json to_json(const RetentionReport& report);

// --- erasure ---
struct ErasureReport {
    std::string user_id;
    std::string pseudonym;
    long long audit_entries_pseudonymized = 0;
    int requests_completed = 0;
};
nlohmann::json to_json(const ErasureReport& report);

enum class ExportFormat { json, csv };

// Receives the pieces of a streamed export; returns false to stop (the reader went away).
using Sink = std::function<bool(const std::string& chunk)>;

class ComplianceService {
public:
    ComplianceService(db::Pool& pool, ComplianceSettings settings) : m_pool(pool), m_settings(settings) {}

    const ComplianceSettings& settings() const { return m_settings; }
    nlohmann::json status() const;

    // The user id for an id or an email; not_found otherwise.
    Result<std::string> resolve_user(const std::string& key);

    // Consents of a user: current and past.
    Result<std::vector<Consent>> consents(const std::string& user_id);
    // Record a consent; the same purpose and version again changes nothing (200 with the
    // current record), a new version supersedes the current one.
    Result<Consent> give_consent(const std::string& user_id, const ConsentInput& input, const identity::Actor& actor,
                                 const std::string& user_agent);
    // Withdraw the current consent for `purpose`; not_found when none is in force.
    Result<Consent> withdraw_consent(const std::string& user_id, const std::string& purpose, const std::string& source,
                                     const identity::Actor& actor);

    Result<SubjectRequest> create_request(const NewSubjectRequest& request, const identity::Actor& actor);
    Result<SubjectRequest> get_request(const std::string& id);
    Result<SubjectRequestPage> list_requests(const SubjectRequestFilter& filter);
    Result<SubjectRequest> update_request(const std::string& id, const SubjectRequestUpdate& update,
                                          const identity::Actor& actor);
    // The subject withdraws an open request of theirs.
    Result<SubjectRequest> cancel_request(const std::string& id, const std::string& user_id,
                                          const identity::Actor& actor);

    Result<PrivacySettings> privacy_settings(const std::string& user_id);
    Result<PrivacySettings> update_privacy_settings(const std::string& user_id, const nlohmann::json& patch,
                                                    const identity::Actor& actor);

    // Everything held on a person, as one JSON document (core/compliance/export.cpp). The export
    // is audited as compliance.export.
    Result<nlohmann::json> export_user(const std::string& key, const identity::Actor& actor);
    // The same document as CSV rows "category,record,field,value".
    static std::string export_csv(const nlohmann::json& document);

    // An organization's members, written to `sink` a page at a time (never the whole
    // organization in memory). check_org_export first, so that errors come before any byte.
    Result<std::string> check_org_export(const std::string& org_ref, const identity::Actor& actor);
    Status stream_org_export(const std::string& org_id, ExportFormat format, const Sink& sink, int page_size = 500);

    // Delete the person and their secrets and pseudonymize their audit entries (the chain still
    // verifies). Refused for the sole owner of an organization.
    Result<ErasureReport> erase_user(const std::string& key, const identity::Actor& actor);

    Result<std::vector<RetentionPolicy>> retention_policies();
    Result<RetentionPolicy> set_retention_policy(const std::string& category, int days, bool enabled,
                                                 const identity::Actor& actor);
    Status delete_retention_policy(const std::string& category, const identity::Actor& actor);
    Result<std::vector<OrgRetentionPolicy>> org_retention_policies(const std::string& org_ref);
    Result<OrgRetentionPolicy> set_org_retention_policy(const std::string& org_ref, const std::string& category, int days,
                                                        const identity::Actor& actor);
    Status delete_org_retention_policy(const std::string& org_ref, const std::string& category, const identity::Actor& actor);
    // Apply every policy now (the background job calls this): the platform's, then each
    // organization's where it is stricter.
    Result<RetentionReport> run_retention(const identity::Actor& actor);
    // Make sure one sweep is scheduled (`delay` from now) unless one already is.
    void schedule_retention(std::chrono::milliseconds delay);

private:
    // The organizations' policies, swept into `report` (under "organizations").
    void run_org_retention(const identity::Actor& actor, const std::vector<RetentionPolicy>& platform, RetentionReport& report);

    db::Pool& m_pool;
    ComplianceSettings m_settings;
};

// The job kind of the retention sweep (registered on the daemon's worker).
inline constexpr const char* k_retention_job_kind = "compliance.retention";

}  // namespace janua::compliance
