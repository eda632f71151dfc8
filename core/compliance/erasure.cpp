// Erasure (GDPR art. 17): the person's row goes, and with it (ON DELETE CASCADE) their sessions,
// refresh tokens, one-time links, MFA secrets and backup codes, passkeys, API keys, memberships,
// consents and privacy settings. Audit entries stay, because the chain must keep verifying, but
// are pseudonymized: the person's id as actor or target becomes a random pseudonym and their IP,
// user agent and details are dropped (audit_pseudonymize, migrations/0004), and entries that
// mention them only in their details lose those details too. One transaction: all or nothing.
#include "core/compliance/erasure.hpp"

#include "core/compliance/internal.hpp"

namespace janua::compliance {
namespace {

constexpr db::Statement k_lock_user{"erase_lock_user", "SELECT id, email FROM users WHERE id = $1 FOR UPDATE"};
// The organizations the person owns, locked so no second owner leaves while we decide.
constexpr db::Statement k_lock_owned{
    "erase_lock_owned",
    "SELECT o.id FROM organizations o WHERE o.owner_id = $1 OR EXISTS (SELECT 1 FROM memberships m JOIN roles r ON "
    "r.id = m.role_id WHERE m.organization_id = o.id AND m.user_id = $1 AND r.name = 'owner' AND r.is_system) "
    "ORDER BY o.id FOR UPDATE OF o"};
constexpr db::Statement k_sole_owned{
    "erase_sole_owned",
    "SELECT o.slug FROM organizations o WHERE (o.owner_id = $1 OR EXISTS (SELECT 1 FROM memberships m JOIN roles r ON "
    "r.id = m.role_id WHERE m.organization_id = o.id AND m.user_id = $1 AND r.name = 'owner' AND r.is_system)) "
    "AND NOT EXISTS (SELECT 1 FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.organization_id = o.id "
    "AND m.user_id <> $1 AND r.name = 'owner' AND r.is_system) ORDER BY o.slug"};
constexpr db::Statement k_pseudonym{"erase_pseudonym", "SELECT 'erased-' || gen_random_uuid()"};
constexpr db::Statement k_close_requests{
    "erase_close_requests",
    "UPDATE data_subject_requests SET status = 'completed', resolution = coalesce(resolution, 'erased'), "
    "closed_at = now(), updated_at = now() WHERE user_id = $1 AND type = 'erasure' AND status IN ('received', "
    "'in_progress')"};
// What the person wrote in their requests may identify them; the requests themselves remain as proof.
constexpr db::Statement k_scrub_requests{"erase_scrub_requests",
                                         "UPDATE data_subject_requests SET details = NULL WHERE user_id = $1"};
constexpr db::Statement k_invitations{"erase_invitations", "DELETE FROM invitations WHERE lower(email) = lower($1)"};
// Mail not yet sent to them is not sent; sent mail keeps its row without its content.
constexpr db::Statement k_mail{
    "erase_mail",
    "UPDATE jobs SET payload = '{\"redacted\": true}'::jsonb, "
    "status = CASE WHEN status = 'pending' THEN 'dead' ELSE status END, "
    "last_error = CASE WHEN status = 'pending' THEN 'recipient erased' ELSE last_error END, "
    "finished_at = CASE WHEN status = 'pending' THEN now() ELSE finished_at END "
    "WHERE kind = 'email' AND status <> 'running' AND lower(payload->>'to') = lower($1)"};
// Entries naming the person only inside their details (an admin's event about them, an
// invitation to their address). The same guarded update path as audit_pseudonymize.
constexpr db::Statement k_mentions{
    "erase_audit_mentions",
    "UPDATE audit_events SET ip_address = NULL, user_agent = NULL, details = jsonb_build_object('pseudonymized', true), "
    "pseudonymized_at = now() WHERE hash IS NOT NULL AND pseudonymized_at IS NULL AND "
    "(strpos(details::text, $1) > 0 OR strpos(lower(details::text), lower($2)) > 0)"};
constexpr db::Statement k_guard{"erase_audit_guard", "SELECT set_config('janua.audit_pseudonymize', $1, true)"};
constexpr db::Statement k_delete{"erase_delete_user", "DELETE FROM users WHERE id = $1"};

}  // namespace

nlohmann::json to_json(const ErasureReport& r) {
    return {{"erased", true},
            {"user_id", r.user_id},
            {"pseudonym", r.pseudonym},
            {"audit_entries_pseudonymized", r.audit_entries_pseudonymized},
            {"requests_completed", r.requests_completed}};
}

Result<ErasureReport> erase_in(db::Transaction& tx, const std::string& user_id, const identity::Actor& actor,
                               const std::string& reason) {
    auto user = tx.exec(k_lock_user, user_id);
    if (user.empty()) return detail::user_not_found(user_id);
    const std::string email = user[0][1].as<std::string>();
    tx.exec(k_lock_owned, user_id);
    if (auto owned = tx.exec(k_sole_owned, user_id); !owned.empty()) {
        std::string slugs;
        nlohmann::json list = nlohmann::json::array();
        for (const auto& row : owned) {
            slugs += (slugs.empty() ? "" : ", ") + row[0].as<std::string>();
            list.push_back(row[0].as<std::string>());
        }
        Error e = make_error(ErrorCode::conflict,
                             "cannot erase '" + email + "': they are the only owner of " +
                                 (owned.size() == 1 ? "organization " : "organizations ") + slugs +
                                 "; transfer ownership first (janua org transfer-ownership ORG --to USER) or delete "
                                 "the organization (janua org delete ORG --yes)");
        e.details = {{"sole_owner_of", list}};
        return e;
    }
    ErasureReport report;
    report.user_id = user_id;
    report.pseudonym = tx.exec(k_pseudonym)[0][0].as<std::string>();
    report.requests_completed = static_cast<int>(tx.exec(k_close_requests, user_id).affected_rows());
    tx.exec(k_scrub_requests, user_id);
    tx.exec(k_invitations, email);
    tx.exec(k_mail, email);
    report.audit_entries_pseudonymized = audit::pseudonymize(tx, user_id, report.pseudonym);
    tx.exec(k_guard, std::string("on"));
    report.audit_entries_pseudonymized += static_cast<long long>(tx.exec(k_mentions, user_id, email).affected_rows());
    tx.exec(k_guard, std::string("off"));
    tx.exec(k_delete, user_id);
    // Recorded after the sweep, under the pseudonym: this entry itself names nobody.
    detail::record(tx, actor, "compliance.erasure", "user", report.pseudonym,
                   {{"reason", reason},
                    {"audit_entries_pseudonymized", report.audit_entries_pseudonymized},
                    {"requests_completed", report.requests_completed}});
    return report;
}

Result<ErasureReport> ComplianceService::erase_user(const std::string& key, const identity::Actor& actor) {
    return db::atomically<ErasureReport>(m_pool, [&](db::Transaction& tx) -> Result<ErasureReport> {
        auto user_id = detail::find_user(tx, key);
        if (!user_id) return detail::user_not_found(key);
        return erase_in(tx, *user_id, actor, "request");
    });
}

}  // namespace janua::compliance
