#pragma once
// SQL for organizations, roles and memberships. Functions run inside the caller's transaction;
// values are validated by the services before they get here.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/orgs/organization.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::orgs::repo {

// By id when `ref` is a uuid, else by slug.
std::optional<Organization> find(db::Transaction& tx, const std::string& ref);
std::optional<Organization> lock(db::Transaction& tx, const std::string& id);
// Conflict when the slug is taken.
Result<Organization> insert(db::Transaction& tx, const Organization& org);
// Replace slug, name, settings and metadata; conflict when the new slug is taken.
Result<Organization> update(db::Transaction& tx, const Organization& org);
void set_owner(db::Transaction& tx, const std::string& org_id, const std::string& user_id);
// Memberships first (they reference custom roles), then the organization and what cascades.
void remove(db::Transaction& tx, const std::string& org_id);
int count_owned(db::Transaction& tx, const std::string& user_id);

struct Page {
    std::vector<Organization> items;
    std::optional<std::string> next_cursor;
};
// Every organization (user_id none) or those `user_id` belongs to (with its role), oldest first.
Result<Page> list(db::Transaction& tx, const std::optional<std::string>& user_id, int limit,
                  const std::optional<std::string>& cursor);

// A custom role of the organization or a built-in one, by name.
std::optional<Role> find_role(db::Transaction& tx, const std::string& org_id, const std::string& name);
// Built-in roles first, then the organization's own, by name.
std::vector<Role> list_roles(db::Transaction& tx, const std::string& org_id);
Result<Role> insert_role(db::Transaction& tx, const std::string& org_id, const std::string& name,
                         const std::optional<std::string>& description, const std::vector<std::string>& permissions);
Role update_role(db::Transaction& tx, const std::string& role_id, const std::optional<std::string>& description,
                 const std::vector<std::string>& permissions);
void remove_role(db::Transaction& tx, const std::string& role_id);
int count_role_members(db::Transaction& tx, const std::string& role_id);

std::vector<Member> list_members(db::Transaction& tx, const std::string& org_id);
struct MemberPage {
    std::vector<Member> items;
    std::optional<std::string> next_cursor;
};
// Oldest membership first; `limit` 1-200, `cursor` the next_cursor of the previous page.
Result<MemberPage> list_members_page(db::Transaction& tx, const std::string& org_id, int limit,
                                     const std::optional<std::string>& cursor);
std::optional<Member> find_member(db::Transaction& tx, const std::string& org_id, const std::string& user_id);
// Conflict when the user already belongs to the organization.
Result<Member> insert_member(db::Transaction& tx, const std::string& org_id, const std::string& user_id,
                             const std::string& role_id);
void set_member_role(db::Transaction& tx, const std::string& org_id, const std::string& user_id,
                     const std::string& role_id);
void remove_member(db::Transaction& tx, const std::string& org_id, const std::string& user_id);
int count_owners(db::Transaction& tx, const std::string& org_id);

// The user's role in the organization and its permissions; none when not a member.
struct Grant {
    std::string role;
    std::vector<std::string> permissions;
};
std::optional<Grant> grant_of(db::Transaction& tx, const std::string& org_id, const std::string& user_id);

}  // namespace janua::orgs::repo
