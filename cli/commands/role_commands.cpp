// janua role ...: an organization's roles (built-in and custom); direct mode calls
// orgs::OrgService as an operator, remote mode the /api/v1/organizations/{org}/roles routes.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"

#include <algorithm>
#include <memory>

namespace janua::cli {
namespace {

const std::vector<Column> k_role_columns = {
    {"name", "NAME"}, {"is_system", "BUILT-IN"}, {"permissions", "PERMISSIONS"}, {"description", "DESCRIPTION"}};

std::string roles_path(const std::string& org) { return "/api/v1/organizations/" + url_encode(org) + "/roles"; }

struct RoleArgs {
    std::string org, name, description;
    std::vector<std::string> permissions;
};

nlohmann::json roles_json(const std::vector<orgs::Role>& roles) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& r : roles) data.push_back(orgs::to_json(r));
    return {{"data", data}, {"next_cursor", nullptr}};
}

// The role's permissions with `change` added (grant) or taken away (revoke), in order.
std::vector<std::string> edited(std::vector<std::string> current, const std::vector<std::string>& change, bool add) {
    for (const auto& p : change) {
        auto at = std::find(current.begin(), current.end(), p);
        if (add && at == current.end()) current.push_back(p);
        if (!add && at != current.end()) current.erase(at);
    }
    return current;
}

// grant / revoke: read the role, edit its permission list, write it back.
int edit_permissions(CliContext& ctx, const RoleArgs& a, bool add) {
    return run_either(
        ctx,
        [&](DirectServices& s) -> Result<nlohmann::json> {
            auto roles = s.orgs().roles(a.org);
            if (!roles) return roles.error();
            auto role = std::find_if(roles->begin(), roles->end(), [&](const orgs::Role& r) { return r.name == a.name; });
            if (role == roles->end()) return make_error(ErrorCode::not_found, "cannot find role '" + a.name + "'");
            orgs::RoleChange change;
            change.permissions = edited(role->permissions, a.permissions, add);
            return json_of(s.orgs().update_role(rbac::direct_caller(), a.org, a.name, change));
        },
        [&]() -> Result<nlohmann::json> {
            auto roles = ctx.call("GET", roles_path(a.org));
            if (!roles) return roles.error();
            for (const auto& r : (*roles)["data"])
                if (r["name"] == a.name)
                    return ctx.call("PATCH", roles_path(a.org) + "/" + url_encode(a.name),
                                    {{"permissions", edited(r["permissions"].get<std::vector<std::string>>(),
                                                            a.permissions, add)}});
            return make_error(ErrorCode::not_found, "cannot find role '" + a.name + "'");
        });
}

}  // namespace

void add_role_commands(CommandTable& table) {
    table.noun("role", "an organization's roles and their permissions: create, list, update, delete, grant, revoke");
    auto a = std::make_shared<RoleArgs>();
    const std::string permission_help =
        "permission (repeat): resource:action, resource:* or *; e.g. members:read, invitations:*";

    auto& create = table.add("role", "create", "Create a custom role in an organization");
    create.option("org", &a->org, "organization id or slug", true)
        .option("name", &a->name, "role name: 1-63 of a-z, 0-9, '_', '.', '-'", true)
        .option("--permission", &a->permissions, permission_help)
        .option("--description", &a->description, "what the role is for");
    create.example = "janua role create acme auditor --permission members:read --permission org:read";
    create.run = [a](CliContext& ctx) {
        nlohmann::json body = {{"name", a->name}, {"permissions", a->permissions}};
        if (!a->description.empty()) body["description"] = a->description;
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto change = orgs::role_change_from_json(body, true);
                if (!change) return change.error();
                return json_of(s.orgs().create_role(rbac::direct_caller(), a->org, a->name, *change));
            },
            [&] { return ctx.call("POST", roles_path(a->org), body); });
    };

    auto& list = table.add("role", "list", "List an organization's roles: built-in ones first, then custom ones");
    list.option("org", &a->org, "organization id or slug", true);
    list.run = [a](CliContext& ctx) {
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto roles = s.orgs().roles(a->org);
                if (!roles) return roles.error();
                return roles_json(*roles);
            },
            [&] { return ctx.call("GET", roles_path(a->org)); }, k_role_columns);
    };

    auto& update = table.add("role", "update", "Replace a custom role's permissions or description");
    update.option("org", &a->org, "organization id or slug", true)
        .option("name", &a->name, "role name", true)
        .option("--permission", &a->permissions, permission_help + " (replaces the list)")
        .option("--description", &a->description, "what the role is for");
    update.run = [a](CliContext& ctx) {
        nlohmann::json body = nlohmann::json::object();
        if (!a->permissions.empty()) body["permissions"] = a->permissions;
        if (!a->description.empty()) body["description"] = a->description;
        if (body.empty()) return ctx.fail("nothing to change: give --permission or --description", exit_usage);
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto change = orgs::role_change_from_json(body, false);
                if (!change) return change.error();
                return json_of(s.orgs().update_role(rbac::direct_caller(), a->org, a->name, *change));
            },
            [&] { return ctx.call("PATCH", roles_path(a->org) + "/" + url_encode(a->name), body); });
    };

    auto& remove = table.add("role", "delete", "Delete a custom role nobody holds");
    remove.option("org", &a->org, "organization id or slug", true).option("name", &a->name, "role name", true);
    remove.run = [a](CliContext& ctx) {
        const nlohmann::json done = {{"deleted", a->name}, {"organization", a->org}};
        return run_either(
            ctx, [&](DirectServices& s) { return status_as(s.orgs().delete_role(rbac::direct_caller(), a->org, a->name), done); },
            [&] { return remote_as(ctx.call("DELETE", roles_path(a->org) + "/" + url_encode(a->name)), done); });
    };

    auto& grant = table.add("role", "grant", "Add permissions to a custom role");
    grant.option("org", &a->org, "organization id or slug", true)
        .option("name", &a->name, "role name", true)
        .option("permission", &a->permissions, permission_help);
    grant.example = "janua role grant acme auditor invitations:read";
    grant.run = [a](CliContext& ctx) {
        if (a->permissions.empty()) return ctx.fail("name at least one permission", exit_usage);
        return edit_permissions(ctx, *a, true);
    };

    auto& revoke = table.add("role", "revoke", "Take permissions away from a custom role");
    revoke.option("org", &a->org, "organization id or slug", true)
        .option("name", &a->name, "role name", true)
        .option("permission", &a->permissions, permission_help);
    revoke.run = [a](CliContext& ctx) {
        if (a->permissions.empty()) return ctx.fail("name at least one permission", exit_usage);
        return edit_permissions(ctx, *a, false);
    };
}

}  // namespace janua::cli
