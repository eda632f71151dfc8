#include "core/orgs/member_adder.hpp"

#include "core/common/ids.hpp"

namespace janua::orgs {

nlohmann::json to_json(const MemberAdded& added) {
    if (added.member) return to_json(*added.member);
    return {{"status", "invited"}, {"email", added.invitation->email}, {"role", added.invitation->role},
            {"invitation", to_json(*added.invitation)}};
}

Result<MemberAdded> add_or_invite(OrgService& orgs, InvitationService& invitations, const Caller& caller, const std::string& org_ref,
                                  const std::string& user, const std::string& role) {
    MemberAdded out;
    if (is_uuid(user) || caller.platform_admin) {
        auto member = orgs.add_member(caller, org_ref, user, role);
        if (!member) return member.error();
        out.member = *member;
        return out;
    }
    // By email: never look the address up here. The invitation checks the address, the role
    // and the caller's right to grant it, and refuses (409) only what the caller can see anyway:
    // a current member of the organization, or an invitation already pending.
    NewInvitation spec;
    spec.email = user;
    spec.role = role;
    auto invitation = invitations.create(caller, org_ref, spec);
    if (!invitation) return invitation.error();
    out.invitation = *invitation;
    return out;
}

}  // namespace janua::orgs
