// janua org ...: direct mode calls orgs::OrgService / InvitationService as an operator (a
// platform admin), remote mode the /api/v1/organizations routes; both print the same JSON.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"
#include "core/orgs/member_adder.hpp"

#include <memory>

namespace janua::cli {
namespace {

const std::vector<Column> k_org_columns = {
    {"id", "ID"}, {"slug", "SLUG"}, {"name", "NAME"}, {"owner_id", "OWNER"}, {"created_at", "CREATED"}};
const std::vector<Column> k_member_columns = {
    {"user_id", "USER ID"}, {"email", "EMAIL"}, {"role", "ROLE"}, {"created_at", "JOINED"}};

std::string org_path(const std::string& ref) { return "/api/v1/organizations/" + url_encode(ref); }

struct OrgArgs {
    std::string org, slug, name, owner, settings, metadata, cursor, user, role, email;
    int limit = 50, expires_in_days = 0;
};

// --settings / --metadata: a JSON object given on the command line.
Result<nlohmann::json> json_object_flag(const std::string& text, const std::string& flag) {
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return make_error(ErrorCode::validation, flag + " must be a JSON object, e.g. '{\"plan\":\"pro\"}'");
    return parsed;
}

Result<nlohmann::json> org_body(const OrgArgs& a) {
    nlohmann::json body = nlohmann::json::object();
    if (!a.slug.empty()) body["slug"] = a.slug;
    if (!a.name.empty()) body["name"] = a.name;
    for (const auto& [text, flag, key] : {std::tuple{a.settings, "--settings", "settings"},
                                          std::tuple{a.metadata, "--metadata", "metadata"}}) {
        if (text.empty()) continue;
        auto parsed = json_object_flag(text, flag);
        if (!parsed) return parsed.error();
        body[key] = *parsed;
    }
    return body;
}

nlohmann::json members_json(const std::vector<orgs::Member>& members) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& m : members) data.push_back(orgs::to_json(m));
    return {{"data", data}, {"next_cursor", nullptr}};
}

}  // namespace

void add_org_commands(CommandTable& table) {
    table.noun("org", "organizations: create, list, get, update, delete, members, add-member, remove-member, set-role, invite");
    auto a = std::make_shared<OrgArgs>();

    auto& create = table.add("org", "create", "Create an organization; its owner becomes its first member");
    create.option("--slug", &a->slug, "URL name: 1-63 of a-z, 0-9 and '-'", true)
        .option("--name", &a->name, "display name", true)
        .option("--owner", &a->owner, "the owner's user id or email (required in direct mode)")
        .option("--settings", &a->settings, "settings as a JSON object")
        .option("--metadata", &a->metadata, "metadata as a JSON object");
    create.example = "janua org create --slug acme --name 'Acme Inc' --owner ops@acme.example --output json";
    create.run = [a](CliContext& ctx) {
        auto body = org_body(*a);
        if (!body) return ctx.fail(body.error());
        if (!a->owner.empty()) (*body)["owner"] = a->owner;
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto spec = orgs::new_organization_from_json(*body);
                if (!spec) return spec.error();
                return json_of(s.orgs().create(rbac::direct_caller(), *spec));
            },
            [&] { return ctx.call("POST", "/api/v1/organizations", *body); }, k_org_columns);
    };

    auto& list = table.add("org", "list", "List every organization, oldest first (remote mode: platform admins)");
    list.option("--limit", &a->limit, "page size (1-200, default 50)")
        .option("--cursor", &a->cursor, "next_cursor of the previous page");
    list.example = "janua org list --output json | jq -r '.data[].slug'";
    list.run = [a](CliContext& ctx) {
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto page = s.orgs().list(rbac::direct_caller(), true, a->limit,
                                          a->cursor.empty() ? std::nullopt : std::optional<std::string>(a->cursor));
                if (!page) return page.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& o : page->items) data.push_back(orgs::to_json(o));
                return nlohmann::json{{"data", data},
                                      {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}};
            },
            [&] {
                std::string query = "?all=true&limit=" + std::to_string(a->limit);
                if (!a->cursor.empty()) query += "&cursor=" + url_encode(a->cursor);
                return ctx.call("GET", "/api/v1/organizations" + query);
            },
            k_org_columns);
    };

    auto& get = table.add("org", "get", "Show one organization (by id or slug)");
    get.option("org", &a->org, "organization id or slug", true);
    get.run = [a](CliContext& ctx) {
        return run_either(
            ctx, [&](DirectServices& s) { return json_of(s.orgs().get(a->org)); },
            [&] { return ctx.call("GET", org_path(a->org)); });
    };

    auto& update = table.add("org", "update", "Change an organization's name, slug, settings or metadata");
    update.option("org", &a->org, "organization id or slug", true)
        .option("--name", &a->name, "display name")
        .option("--slug", &a->slug, "new slug")
        .option("--settings", &a->settings, "settings as a JSON object (replaces them)")
        .option("--metadata", &a->metadata, "metadata as a JSON object (replaces it)");
    update.example = "janua org update acme --name 'Acme Corporation'";
    update.run = [a](CliContext& ctx) {
        auto patch = org_body(*a);
        if (!patch) return ctx.fail(patch.error());
        if (patch->empty()) return ctx.fail("nothing to change: give --name, --slug, --settings or --metadata", exit_usage);
        return run_either(
            ctx, [&](DirectServices& s) { return json_of(s.orgs().update(rbac::direct_caller(), a->org, *patch)); },
            [&] { return ctx.call("PATCH", org_path(a->org), *patch); });
    };

    auto& remove = table.add("org", "delete",
                             "Delete an organization with its members, roles, invitations and API keys (needs --yes)");
    remove.option("org", &a->org, "organization id or slug", true);
    remove.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("deleting organization '" + a->org + "'")) return static_cast<int>(exit_usage);
        const nlohmann::json done = {{"deleted", a->org}};
        return run_either(
            ctx, [&](DirectServices& s) { return status_as(s.orgs().remove(rbac::direct_caller(), a->org), done); },
            [&] { return remote_as(ctx.call("DELETE", org_path(a->org)), done); });
    };

    auto& members = table.add("org", "members", "List an organization's members and their roles");
    members.option("org", &a->org, "organization id or slug", true);
    members.run = [a](CliContext& ctx) {
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto found = s.orgs().members(a->org);
                if (!found) return found.error();
                return members_json(*found);
            },
            [&] { return remote_all_pages(ctx, org_path(a->org) + "/members"); }, k_member_columns);
    };

    auto& add = table.add("org", "add-member", "Add an existing user to an organization (others: org invite)");
    add.option("org", &a->org, "organization id or slug", true)
        .option("user", &a->user, "user id or email", true)
        .option("--role", &a->role, "role name (default member; see `janua role list ORG`)");
    add.example = "janua org add-member acme ops@acme.example --role admin";
    add.run = [a](CliContext& ctx) {
        const std::string role = a->role.empty() ? "member" : a->role;
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto added = orgs::add_or_invite(s.orgs(), s.invitations(), rbac::direct_caller(), a->org, a->user, role);
                if (!added) return added.error();
                return orgs::to_json(*added);
            },
            [&] { return ctx.call("POST", org_path(a->org) + "/members", {{"user_id", a->user}, {"role", role}}); });
    };

    auto& remove_member = table.add("org", "remove-member", "Remove a member (the last owner cannot be removed)");
    remove_member.option("org", &a->org, "organization id or slug", true).option("user", &a->user, "user id or email", true);
    remove_member.run = [a](CliContext& ctx) {
        const nlohmann::json done = {{"removed", a->user}, {"organization", a->org}};
        return run_either(
            ctx,
            [&](DirectServices& s) { return status_as(s.orgs().remove_member(rbac::direct_caller(), a->org, a->user), done); },
            [&] { return remote_as(ctx.call("DELETE", org_path(a->org) + "/members/" + url_encode(a->user)), done); });
    };

    auto& set_role = table.add("org", "set-role", "Give a member another role");
    set_role.option("org", &a->org, "organization id or slug", true)
        .option("user", &a->user, "user id or email", true)
        .option("role", &a->role, "role name", true);
    set_role.example = "janua org set-role acme ops@acme.example viewer";
    set_role.run = [a](CliContext& ctx) {
        return run_either(
            ctx,
            [&](DirectServices& s) { return json_of(s.orgs().set_member_role(rbac::direct_caller(), a->org, a->user, a->role)); },
            [&] { return ctx.call("PATCH", org_path(a->org) + "/members/" + url_encode(a->user), {{"role", a->role}}); });
    };

    auto& invite = table.add("org", "invite", "Invite someone by email; the link is mailed through the outbox");
    invite.option("org", &a->org, "organization id or slug", true)
        .option("email", &a->email, "address to invite", true)
        .option("--role", &a->role, "role on joining (default member)")
        .option("--expires-in-days", &a->expires_in_days, "days the link stays valid (1-30, default 7)");
    invite.example = "janua org invite acme new.hire@acme.example --role member";
    invite.run = [a](CliContext& ctx) {
        nlohmann::json body = {{"email", a->email}, {"role", a->role.empty() ? "member" : a->role}};
        if (a->expires_in_days != 0) body["expires_in_days"] = a->expires_in_days;
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto spec = orgs::new_invitation_from_json(body);
                if (!spec) return spec.error();
                return json_of(s.invitations().create(rbac::direct_caller(), a->org, *spec));
            },
            [&] { return ctx.call("POST", org_path(a->org) + "/invitations", body); });
    };
}

}  // namespace janua::cli
