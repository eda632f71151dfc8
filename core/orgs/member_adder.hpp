#pragma once
// Adding someone to an organization (POST /organizations/{org}/members, `janua org add-member`)
// without telling the caller whether an email address has an account (review finding
// "404-vs-201 enumeration"). As Keycloak's "invite member" and Auth0's organization invitations
// do, an email address is answered the same whether or not an account exists: an invitation is
// created and mailed, and the person joins by accepting it (signing in, or signing up through
// the link). A user id (a random UUID, which only someone who can already see the account
// knows) adds the member at once, as before; so does an email for a platform administrator (who
// can list every user anyway, and whom `janua org add-member` in direct mode acts as).

#include "core/orgs/invitation_service.hpp"
#include "core/orgs/org_service.hpp"

#include <optional>
#include <string>

namespace janua::orgs {

struct MemberAdded {
    std::optional<Member> member;          // added at once (201)
    std::optional<Invitation> invitation;  // invited (202)
};
// {"member": ...} or {"invitation": ..., "status": "invited", "email": ...}.
nlohmann::json to_json(const MemberAdded& added);

// `user`: a user id or an email address; `role` a role name.
Result<MemberAdded> add_or_invite(OrgService& orgs, InvitationService& invitations, const Caller& caller, const std::string& org_ref,
                                  const std::string& user, const std::string& role);

}  // namespace janua::orgs
