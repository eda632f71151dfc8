#pragma once
// SCIM Groups of one organization, mapped onto its roles (RFC 7643 §4.2). Every role the
// organization can use is a Group: the system roles (owner, admin, member, viewer) and its custom
// roles. A Group's members are the members holding that role; since a Janua member holds exactly
// one role per organization, adding a User to a Group moves them out of their previous one, and
// removing them gives them the default `member` role. A Group the IdP creates is a new custom
// role without permissions (an admin grants them in Janua). The token may move people only into
// and out of roles whose permissions its creator holds (orgs::refuse_escalation); the owner role
// and its holders are never changed through SCIM. Every change is audited in its transaction.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/scim/group_patch.hpp"
#include "core/scim/tokens.hpp"
#include "core/scim/users.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace janua::scim {

class GroupService {
public:
    GroupService(db::Pool& pool, std::string base_url) : m_pool(pool), m_base_url(std::move(base_url)) {}

    // with_members false: `members` is left out (excludedAttributes=members), which spares
    // reading a large role's holders; meta.version is the same either way.
    Result<ListPage> list(const TokenPrincipal& who, const ListQuery& query, bool with_members);
    Result<Resource> get(const TokenPrincipal& who, const std::string& id, bool with_members);
    Result<Resource> create(const TokenPrincipal& who, const nlohmann::json& body);
    Result<Resource> replace(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                             const Precondition& if_match);
    Result<Resource> patch(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                           const Precondition& if_match);
    Status remove(const TokenPrincipal& who, const std::string& id, const Precondition& if_match);

    // For operators (`janua scim groups`, GET /api/v1/organizations/{org}/scim/groups): every
    // Group of the organization (by id or slug) with the role it is, its externalId and its
    // members. {"data": [{id, display_name, role, external_id, member_count, members: [{user_id,
    // email}]}], "next_cursor": null}, in the order GET /Groups lists them.
    Result<nlohmann::json> overview(const std::string& org_ref);

private:
    db::Pool& m_pool;
    std::string m_base_url;
};

// Whether a response should carry `members`, from attributes= / excludedAttributes=.
bool wants_members(const std::optional<std::string>& attributes, const std::optional<std::string>& excluded);

}  // namespace janua::scim
