#pragma once
// Invitations to join an organization: a single-use link mailed through the outbox, accepted by
// a signed-in user with the invited address or by signing up through it (the address is then
// verified: the link proved it). Every change is audited.

#include "core/common/result.hpp"
#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/identity/password_policy.hpp"
#include "core/mail/templates.hpp"
#include "core/rbac/access.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::orgs {

struct Invitation {
    std::string id;
    std::string organization_id;
    std::string email;
    std::string role;
    std::optional<std::string> invited_by;
    std::string status;  // pending | accepted | revoked | expired (pending past expires_at)
    std::string expires_at;
    std::optional<std::string> accepted_by;
    std::string accepted_at;
    int sent_count = 0;
    std::string created_at;
    std::string updated_at;
};
nlohmann::json to_json(const Invitation& invitation);

struct InvitationSettings {
    bool email_enabled = true;
    mail::MailContext mail;
    std::string frontend_url;  // the link is FRONTEND_URL/accept-invitation?token=...
    int default_expire_days = 7;
    int max_expire_days = 30;
    int max_bulk = 100;
    identity::PasswordPolicy password_policy;
};

InvitationSettings invitation_settings(const config::Config& config);

struct NewInvitation {
    std::string email;
    std::string role = "member";
    std::optional<int> expires_in_days;
};
Result<NewInvitation> new_invitation_from_json(const nlohmann::json& body);

// Signing up through an invitation.
struct InvitationSignup {
    std::string password;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
};

struct Accepted {
    Invitation invitation;
    std::string user_id;
    bool created_user = false;
};

class InvitationService {
public:
    InvitationService(db::Pool& pool, identity::PasswordHasher& hasher, InvitationSettings settings)
        : m_pool(pool), m_hasher(hasher), m_settings(std::move(settings)) {}

    Result<Invitation> create(const rbac::Caller& caller, const std::string& org_ref, const NewInvitation& spec);
    // One result per entry: {email, invitation} or {email, error}.
    Result<nlohmann::json> create_bulk(const rbac::Caller& caller, const std::string& org_ref,
                                       const nlohmann::json& entries);
    // `status`: pending, accepted, revoked, expired, or none for all.
    Result<std::vector<Invitation>> list(const std::string& org_ref, const std::optional<std::string>& status);
    // One page of them, newest first; `limit` 1-200, `cursor` the next_cursor of the previous page.
    struct Page {
        std::vector<Invitation> items;
        std::optional<std::string> next_cursor;
    };
    Result<Page> list_page(const std::string& org_ref, const std::optional<std::string>& status, int limit,
                           const std::optional<std::string>& cursor);
    // A new link (the old one stops working) and a fresh expiry.
    Result<Invitation> resend(const rbac::Caller& caller, const std::string& org_ref, const std::string& id);
    Status revoke(const rbac::Caller& caller, const std::string& org_ref, const std::string& id);
    // `user_id` set: a signed-in user, whose address must be the invited one. Otherwise `signup`
    // creates the account.
    Result<Accepted> accept(const std::string& token, const std::optional<std::string>& user_id,
                            const std::optional<InvitationSignup>& signup, const identity::RequestMeta& meta);

private:
    Result<Invitation> create_in(db::Transaction& tx, const rbac::Caller& caller, const std::string& org_id,
                                 const std::string& org_name, const NewInvitation& spec);
    // (id, name) of the organization.
    Result<std::pair<std::string, std::string>> get_org(const std::string& org_ref);
    void send(db::Transaction& tx, const Invitation& invitation, const std::string& org_name,
              const std::string& token, const std::string& inviter);

    db::Pool& m_pool;
    identity::PasswordHasher& m_hasher;
    InvitationSettings m_settings;
};

}  // namespace janua::orgs
