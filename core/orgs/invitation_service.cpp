#include "core/orgs/invitation_service.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/common/page_cursor.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/db/atomically.hpp"
#include "core/identity/user_repository.hpp"
#include "core/branding/mail_look.hpp"
#include "core/mail/email_job.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/org_service.hpp"

#include <algorithm>

namespace janua::orgs {
namespace {

using db::Statement;

#define JANUA_INVITATION_COLUMNS                                                                                    \
    "i.id, i.organization_id, i.email, r.name, i.invited_by, CASE WHEN i.status = 'pending' AND i.expires_at <= "   \
    "now() THEN 'expired' ELSE i.status END, i.expires_at, i.accepted_by, i.accepted_at, i.sent_count, "            \
    "i.created_at, i.updated_at"

constexpr Statement k_retire_expired{
    "invitations_retire_expired",
    "UPDATE invitations SET status = 'revoked', revoked_at = now(), updated_at = now() WHERE organization_id = $1 "
    "AND lower(email) = lower($2) AND status = 'pending' AND expires_at <= now()"};
constexpr Statement k_insert{
    "invitations_insert",
    "INSERT INTO invitations (organization_id, email, role_id, token_hash, invited_by, expires_at) VALUES ($1, $2, "
    "$3, $4, $5::uuid, now() + make_interval(days => $6)) ON CONFLICT DO NOTHING RETURNING id"};
constexpr Statement k_find{"invitations_find", "SELECT " JANUA_INVITATION_COLUMNS
                                               " FROM invitations i JOIN roles r ON r.id = i.role_id "
                                               "WHERE i.id = $1 AND i.organization_id = $2"};
constexpr Statement k_find_by_token{"invitations_find_by_token",
                                    "SELECT " JANUA_INVITATION_COLUMNS ", i.role_id FROM invitations i JOIN roles r ON "
                                    "r.id = i.role_id WHERE i.token_hash = $1 FOR UPDATE OF i"};
constexpr Statement k_list{"invitations_list", "SELECT " JANUA_INVITATION_COLUMNS
                                               " FROM invitations i JOIN roles r ON r.id = i.role_id "
                                               "WHERE i.organization_id = $1 ORDER BY i.created_at DESC, i.id LIMIT 1000"};
constexpr Statement k_list_page{
    "invitations_list_page",
    "SELECT " JANUA_INVITATION_COLUMNS " FROM invitations i JOIN roles r ON r.id = i.role_id WHERE i.organization_id = $1 "
    "AND ($2::timestamptz IS NULL OR (i.created_at, i.id) < ($2::timestamptz, $3::uuid)) AND ($5::text IS NULL OR "
    "(CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END) = $5::text) "
    "ORDER BY i.created_at DESC, i.id DESC LIMIT $4"};
constexpr Statement k_resend{"invitations_resend",
                             "UPDATE invitations SET token_hash = $2, expires_at = now() + make_interval(days => $3), "
                             "sent_count = sent_count + 1, updated_at = now() WHERE id = $1 AND status = 'pending'"};
constexpr Statement k_revoke{"invitations_revoke",
                             "UPDATE invitations SET status = 'revoked', revoked_at = now(), updated_at = now() "
                             "WHERE id = $1 AND status = 'pending'"};
constexpr Statement k_accept{"invitations_accept",
                             "UPDATE invitations SET status = 'accepted', accepted_by = $2, accepted_at = now(), "
                             "updated_at = now() WHERE id = $1"};
constexpr Statement k_member_email{
    "invitations_member_email",
    "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 AND lower(u.email) = "
    "lower($2)"};

Invitation from_row(const pqxx::row& r) {
    Invitation i;
    i.id = r[0].as<std::string>();
    i.organization_id = r[1].as<std::string>();
    i.email = r[2].as<std::string>();
    i.role = r[3].as<std::string>();
    i.invited_by = db::optional_field<std::string>(r[4]);
    i.status = r[5].as<std::string>();
    i.expires_at = db::timestamp(r[6]);
    i.accepted_by = db::optional_field<std::string>(r[7]);
    i.accepted_at = db::timestamp(r[8]);
    i.sent_count = r[9].as<int>();
    i.created_at = db::timestamp(r[10]);
    i.updated_at = db::timestamp(r[11]);
    return i;
}

Error invalid(const std::string& field, const std::string& rule, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"rule", rule}, {"message", message}}});
    return e;
}

Error invitation_not_found() { return make_error(ErrorCode::not_found, "invitation not found"); }

Error no_longer_valid(const std::string& status) {
    const std::string message = status == "accepted" ? "this invitation has already been accepted"
                                : status == "revoked" ? "this invitation has been revoked"
                                                      : "this invitation has expired; ask for a new one";
    Error e = make_error(ErrorCode::conflict, message);
    e.details = nlohmann::json::array({{{"field", "token"}, {"rule", status}, {"message", message}}});
    return e;
}

std::string display_name(const identity::User& user) {
    std::string name = user.first_name.value_or("");
    if (user.last_name) name += (name.empty() ? "" : " ") + *user.last_name;
    return name.empty() ? user.email : name;
}

}  // namespace

nlohmann::json to_json(const Invitation& i) {
    auto opt = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    return {{"id", i.id},
            {"organization_id", i.organization_id},
            {"email", i.email},
            {"role", i.role},
            {"invited_by", opt(i.invited_by)},
            {"status", i.status},
            {"expires_at", i.expires_at},
            {"accepted_by", opt(i.accepted_by)},
            {"accepted_at", i.accepted_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(i.accepted_at)},
            {"sent_count", i.sent_count},
            {"created_at", i.created_at},
            {"updated_at", i.updated_at}};
}

InvitationSettings invitation_settings(const config::Config& config) {
    InvitationSettings s;
    s.email_enabled = config.email_enabled;
    s.mail = mail::mail_context(config);
    s.frontend_url = config.frontend_url;
    s.password_policy = identity::password_policy_from(config);
    return s;
}

Result<NewInvitation> new_invitation_from_json(const nlohmann::json& body) {
    NewInvitation spec;
    for (const auto& [key, value] : body.items())
        if (key != "email" && key != "role" && key != "expires_in_days")
            return invalid(key, "unknown", "is not a member of an invitation");
    if (!body.contains("email") || !body["email"].is_string()) return invalid("email", "required", "is required (a string)");
    spec.email = body["email"].get<std::string>();
    if (body.contains("role") && !body["role"].is_null()) {
        if (!body["role"].is_string()) return invalid("role", "type", "must be a role name");
        spec.role = body["role"].get<std::string>();
    }
    if (body.contains("expires_in_days") && !body["expires_in_days"].is_null()) {
        if (!body["expires_in_days"].is_number_integer()) return invalid("expires_in_days", "type", "must be a whole number");
        const auto days = body["expires_in_days"].get<long long>();
        if (days < 1 || days > 3650) return invalid("expires_in_days", "range", "must be a positive number of days");
        spec.expires_in_days = static_cast<int>(days);
    }
    return spec;
}

void InvitationService::send(db::Transaction& tx, const Invitation& invitation, const std::string& org_name,
                             const std::string& token, const std::string& inviter) {
    if (!m_settings.email_enabled) return;
    std::string root = m_settings.frontend_url;
    while (!root.empty() && root.back() == '/') root.pop_back();
    auto message = mail::invitation_email(
        branding::mail_context_for_organization(tx, m_settings.mail, invitation.organization_id, invitation.email),
        invitation.email,
                                          root + "/accept-invitation?token=" + token, org_name, inviter);
    auto queued = mail::enqueue(tx, message);
    if (!queued) throw std::logic_error("cannot queue invitation email: " + queued.error().message);
}

Result<Invitation> InvitationService::create_in(db::Transaction& tx, const rbac::Caller& caller,
                                                const std::string& org_id, const std::string& org_name,
                                                const NewInvitation& spec) {
    const auto email = identity::normalize_email(spec.email);
    if (!email) return invalid("email", "format", "must be a valid email address");
    const int days = spec.expires_in_days.value_or(m_settings.default_expire_days);
    if (days < 1 || days > m_settings.max_expire_days)
        return invalid("expires_in_days", "range", "must be from 1 to " + std::to_string(m_settings.max_expire_days));
    auto grant = rbac::grant_in(tx, caller, org_id);
    if (!grant) return organization_not_found();
    auto role = repo::find_role(tx, org_id, spec.role);
    if (!role) return make_error(ErrorCode::not_found, "cannot find role '" + spec.role + "'");
    if (auto e = refuse_escalation(*grant, role->permissions)) return *e;
    if (!tx.exec(k_member_email, org_id, *email).empty())
        return make_error(ErrorCode::conflict, "'" + *email + "' is already a member of this organization");
    tx.exec(k_retire_expired, org_id, *email);
    const std::string token = crypto::random_token(32);
    auto rows = tx.exec(k_insert, org_id, *email, role->id, pqxx::binarystring(crypto::sha256(token)),
                        caller.user_id, days);
    if (rows.empty())
        return make_error(ErrorCode::conflict, "'" + *email + "' already has a pending invitation; resend it instead");
    auto invitation = from_row(tx.exec(k_find, rows[0][0].as<std::string>(), org_id)[0]);
    std::string inviter;
    if (caller.user_id)
        if (auto user = identity::users::find_by_id(tx, *caller.user_id)) inviter = display_name(*user);
    send(tx, invitation, org_name, token, inviter);
    record(tx, caller, "invitation.created", org_id, "invitation", invitation.id,
           {{"email", invitation.email}, {"role", invitation.role}});
    return invitation;
}

Result<Invitation> InvitationService::create(const rbac::Caller& caller, const std::string& org_ref,
                                             const NewInvitation& spec) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Invitation> {
        auto org = repo::find(tx, org_ref);
        if (!org) return organization_not_found();
        return create_in(tx, caller, org->id, org->name, spec);
    });
}

Result<nlohmann::json> InvitationService::create_bulk(const rbac::Caller& caller, const std::string& org_ref,
                                                      const nlohmann::json& entries) {
    if (!entries.is_array() || entries.empty() || static_cast<int>(entries.size()) > m_settings.max_bulk)
        return invalid("invitations", "size", "must be an array of 1 to " + std::to_string(m_settings.max_bulk) + " invitations");
    auto org = get_org(org_ref);
    if (!org) return org.error();
    nlohmann::json results = nlohmann::json::array();
    int created = 0;
    // One transaction per entry: a bad address does not stop the others.
    for (const auto& entry : entries) {
        nlohmann::json item = {{"email", entry.is_object() ? entry.value("email", nlohmann::json(nullptr)) : nullptr}};
        Result<Invitation> outcome = invitation_not_found();
        if (!entry.is_object()) {
            outcome = invalid("invitations[]", "type", "must be an object {email, role?, expires_in_days?}");
        } else if (auto spec = new_invitation_from_json(entry); !spec) {
            outcome = spec.error();
        } else {
            outcome = m_pool.transact(
                [&](db::Transaction& tx) { return create_in(tx, caller, org->first, org->second, *spec); });
        }
        if (outcome) {
            item["invitation"] = to_json(*outcome);
            ++created;
        } else {
            item["error"] = {{"code", error_code_name(outcome.error().code)}, {"message", outcome.error().message}};
        }
        results.push_back(item);
    }
    return nlohmann::json{{"data", results}, {"created", created}, {"failed", static_cast<int>(entries.size()) - created}};
}

Result<std::pair<std::string, std::string>> InvitationService::get_org(const std::string& org_ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::pair<std::string, std::string>> {
        auto org = repo::find(tx, org_ref);
        if (!org) return organization_not_found();
        return std::make_pair(org->id, org->name);
    });
}

Result<InvitationService::Page> InvitationService::list_page(const std::string& org_ref,
                                                           const std::optional<std::string>& status, int limit,
                                                           const std::optional<std::string>& cursor) {
    if (status && *status != "pending" && *status != "accepted" && *status != "revoked" && *status != "expired")
        return invalid("status", "enum", "must be pending, accepted, revoked or expired");
    auto after = paging::decode_cursor(cursor);
    if (!after) return after.error();
    limit = std::clamp(limit, 1, 200);
    return m_pool.transact([&](db::Transaction& tx) -> Result<Page> {
        auto org = repo::find(tx, org_ref);
        if (!org) return organization_not_found();
        Page page;
        for (const auto& row : tx.exec(k_list_page, org->id, after->created_at, after->id, limit + 1, status)) {
            if (static_cast<int>(page.items.size()) == limit) {
                page.next_cursor = paging::encode_cursor(page.items.back().created_at, page.items.back().id);
                break;
            }
            page.items.push_back(from_row(row));
        }
        return page;
    });
}

Result<std::vector<Invitation>> InvitationService::list(const std::string& org_ref,
                                                        const std::optional<std::string>& status) {
    if (status && *status != "pending" && *status != "accepted" && *status != "revoked" && *status != "expired")
        return invalid("status", "enum", "must be pending, accepted, revoked or expired");
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<Invitation>> {
        auto org = repo::find(tx, org_ref);
        if (!org) return organization_not_found();
        std::vector<Invitation> out;
        for (const auto& row : tx.exec(k_list, org->id)) {
            auto i = from_row(row);
            if (!status || i.status == *status) out.push_back(std::move(i));
        }
        return out;
    });
}

Result<Invitation> InvitationService::resend(const rbac::Caller& caller, const std::string& org_ref,
                                             const std::string& id) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Invitation> {
        auto org = repo::find(tx, org_ref);
        if (!org) return organization_not_found();
        if (!is_uuid(id)) return invitation_not_found();
        auto rows = tx.exec(k_find, id, org->id);
        if (rows.empty()) return invitation_not_found();
        auto current = from_row(rows[0]);
        if (current.status == "accepted" || current.status == "revoked") return no_longer_valid(current.status);
        const std::string token = crypto::random_token(32);
        tx.exec(k_resend, id, pqxx::binarystring(crypto::sha256(token)), m_settings.default_expire_days);
        auto invitation = from_row(tx.exec(k_find, id, org->id)[0]);
        std::string inviter;
        if (caller.user_id)
            if (auto user = identity::users::find_by_id(tx, *caller.user_id)) inviter = display_name(*user);
        send(tx, invitation, org->name, token, inviter);
        record(tx, caller, "invitation.resent", org->id, "invitation", id, {{"email", invitation.email}});
        return invitation;
    });
}

Status InvitationService::revoke(const rbac::Caller& caller, const std::string& org_ref, const std::string& id) {
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto org = repo::find(tx, org_ref);
        if (!org) return organization_not_found();
        if (!is_uuid(id)) return invitation_not_found();
        auto rows = tx.exec(k_find, id, org->id);
        if (rows.empty()) return invitation_not_found();
        auto current = from_row(rows[0]);
        if (current.status != "pending" && current.status != "expired") return no_longer_valid(current.status);
        tx.exec(k_revoke, id);
        record(tx, caller, "invitation.revoked", org->id, "invitation", id, {{"email", current.email}});
        return Ok{};
    });
}

Result<Accepted> InvitationService::accept(const std::string& token, const std::optional<std::string>& user_id,
                                           const std::optional<InvitationSignup>& signup,
                                           const identity::RequestMeta& meta) {
    if (token.empty() || token.size() > 256) return invitation_not_found();
    std::optional<std::string> password_hash;
    if (!user_id) {
        if (!signup) return invalid("password", "required", "is required to create your account (or sign in first)");
        if (auto ok = identity::check_password(m_settings.password_policy, signup->password); !ok) return ok.error();
        for (const auto* name : {&signup->first_name, &signup->last_name})
            if (*name && (*name)->size() > 255) return invalid("name", "length", "must be at most 255 characters");
        auto hash = m_hasher.hash(signup->password);
        if (!hash) return hash.error();
        password_hash = *hash;
    }
    return db::atomically<Accepted>(m_pool, [&](db::Transaction& tx) -> Result<Accepted> {
        auto rows = tx.exec(k_find_by_token, pqxx::binarystring(crypto::sha256(token)));
        if (rows.empty()) return invitation_not_found();
        auto invitation = from_row(rows[0]);
        const std::string role_id = rows[0][12].as<std::string>();
        if (invitation.status != "pending") return no_longer_valid(invitation.status);
        rbac::Caller actor;
        Accepted accepted;
        if (user_id) {
            auto user = identity::users::find_by_id(tx, *user_id);
            if (!user) return make_error(ErrorCode::token, "sign in again");
            if (identity::normalize_email(user->email) != invitation.email)
                return make_error(ErrorCode::authorization,
                                  "this invitation was sent to another email address; sign in with that address");
            // The link reached the address: it is verified now.
            if (!user->email_verified) identity::users::mark_email_verified(tx, user->id);
            accepted.user_id = user->id;
        } else {
            if (identity::users::find_by_email(tx, invitation.email))
                return make_error(ErrorCode::conflict, "an account with this email address exists; sign in, then accept");
            identity::users::NewUser spec;
            spec.email = invitation.email;
            spec.first_name = signup->first_name;
            spec.last_name = signup->last_name;
            spec.password_hash = password_hash;
            spec.email_verified = true;
            auto user = identity::users::insert(tx, spec);
            if (!user) return user.error();
            accepted.user_id = user->id;
            accepted.created_user = true;
        }
        actor.user_id = accepted.user_id;
        actor.actor = identity::Actor{"user", accepted.user_id, meta.ip, meta.request_id};
        if (accepted.created_user)
            record(tx, actor, "user.signup", invitation.organization_id, "user", accepted.user_id,
                   {{"via", "invitation"}});
        auto member = repo::insert_member(tx, invitation.organization_id, accepted.user_id, role_id);
        if (!member) return member.error();
        tx.exec(k_accept, invitation.id, accepted.user_id);
        record(tx, actor, "invitation.accepted", invitation.organization_id, "invitation", invitation.id,
               {{"email", invitation.email}, {"role", invitation.role}});
        accepted.invitation = from_row(tx.exec(k_find, invitation.id, invitation.organization_id)[0]);
        return accepted;
    });
}

}  // namespace janua::orgs
