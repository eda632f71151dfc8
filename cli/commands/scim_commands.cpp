// janua scim token create|list|revoke: an organization's SCIM bearer tokens (for Okta, Azure AD
// and other provisioning clients). Direct mode acts as an operator; remote mode calls
// /api/v1/organizations/{org}/scim/tokens and needs scim:write (create, revoke) or scim:read.
// janua scim groups: what the IdP's Groups are in Janua (roles) and who is in them.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"

#include <memory>

namespace janua::cli {
namespace {

const std::vector<Column> k_token_columns = {{"id", "ID"},         {"name", "NAME"},           {"prefix", "PREFIX"},
                                             {"status", "STATUS"}, {"last_used_at", "LAST USED"}, {"created_at", "CREATED"}};

const std::vector<Column> k_group_columns = {{"id", "ID"},           {"display_name", "GROUP"}, {"role", "ROLE"},
                                             {"external_id", "EXTERNAL ID"}, {"member_count", "MEMBERS"}};

struct TokenArgs {
    std::string action, id, org, name;
};

std::string tokens_path(const std::string& org) { return "/api/v1/organizations/" + url_encode(org) + "/scim/tokens"; }

}  // namespace

void add_scim_commands(CommandTable& table) {
    table.noun("scim", "SCIM 2.0 provisioning: bearer tokens for an identity provider (Okta, Azure AD), its Groups");
    auto a = std::make_shared<TokenArgs>();

    auto& token = table.add("scim", "token",
                            "Manage an organization's SCIM tokens: create (prints the token once), list, revoke ID");
    token.option("action", &a->action, "create, list or revoke", true)
        .option("id", &a->id, "token id (revoke)")
        .option("--org", &a->org, "the organization (id or slug)", true)
        .option("--name", &a->name, "what the token is for, e.g. \"okta\" (create)");
    token.example =
        "janua scim token create --org acme --name okta --output json | jq -r .token   # paste into the IdP as the API token";
    token.run = [a](CliContext& ctx) {
        if (a->action == "create") {
            if (a->name.empty()) return ctx.fail("--name is required to create a token (e.g. --name okta)", exit_usage);
            return run_either(
                ctx,
                [&](DirectServices& s) -> Result<nlohmann::json> {
                    return json_of(s.scim_tokens().create(rbac::direct_caller(), a->org, a->name));
                },
                [&] { return ctx.call("POST", tokens_path(a->org), {{"name", a->name}}); });
        }
        if (a->action == "list") {
            return run_either(
                ctx,
                [&](DirectServices& s) -> Result<nlohmann::json> {
                    auto list = s.scim_tokens().list(a->org);
                    if (!list) return list.error();
                    nlohmann::json data = nlohmann::json::array();
                    for (const auto& t : *list) data.push_back(scim::to_json(t));
                    return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
                },
                [&] { return ctx.call("GET", tokens_path(a->org)); }, k_token_columns);
        }
        if (a->action == "revoke") {
            if (a->id.empty()) return ctx.fail("give the token id to revoke: janua scim token revoke ID --org ORG", exit_usage);
            const nlohmann::json done = {{"revoked", a->id}};
            return run_either(
                ctx,
                [&](DirectServices& s) { return status_as(s.scim_tokens().revoke(rbac::direct_caller(), a->org, a->id), done); },
                [&] { return remote_as(ctx.call("DELETE", tokens_path(a->org) + "/" + url_encode(a->id)), done); });
        }
        return ctx.fail("unknown action '" + a->action + "': use create, list or revoke", exit_usage);
    };

    auto& groups = table.add("scim", "groups",
                             "List an organization's SCIM Groups: the role each is, its IdP externalId and its members");
    groups.option("--org", &a->org, "the organization (id or slug)", true);
    groups.example = "janua scim groups --org acme --output json | jq '.data[] | {display_name, members: [.members[].email]}'";
    groups.run = [a](CliContext& ctx) {
        return run_either(
            ctx, [&](DirectServices& s) { return s.scim_groups().overview(a->org); },
            [&] { return ctx.call("GET", "/api/v1/organizations/" + url_encode(a->org) + "/scim/groups"); }, k_group_columns);
    };
}

}  // namespace janua::cli
