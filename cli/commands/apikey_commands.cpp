// janua apikey ...: API keys (jk_...). Direct mode acts as an operator and alone can mint
// platform-admin keys (what remote mode then uses as --token); remote mode calls /api/v1/api-keys.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"

#include <memory>

namespace janua::cli {
namespace {

const std::vector<Column> k_key_columns = {{"id", "ID"},           {"name", "NAME"},
                                           {"prefix", "PREFIX"},   {"status", "STATUS"},
                                           {"permissions", "PERMISSIONS"}, {"expires_at", "EXPIRES"},
                                           {"last_used_at", "LAST USED"}};

std::string key_path(const std::string& id) { return "/api/v1/api-keys/" + url_encode(id); }

struct KeyArgs {
    std::string id, name, org, user, grace;
    std::vector<std::string> permissions;
    int expires_in_days = 0;
    bool platform_admin = false;
};

}  // namespace

void add_apikey_commands(CommandTable& table) {
    table.noun("apikey", "API keys (Authorization: Bearer jk_...): create, list, revoke, rotate");
    auto a = std::make_shared<KeyArgs>();

    auto& create = table.add("apikey", "create", "Create an API key; prints the key once");
    create.option("--name", &a->name, "what the key is for", true)
        .option("--permission", &a->permissions,
                "permission the key carries (repeat): resource:action, resource:* or *; never more than its user holds")
        .option("--org", &a->org, "limit the key to this organization (id or slug)")
        .option("--user", &a->user, "the user the key acts for (id or email; required in direct mode)")
        .option("--expires-in-days", &a->expires_in_days, "days until the key stops working (default: never)")
        .flag("--platform-admin", &a->platform_admin,
              "a platform-admin key for automation and remote mode (direct mode only)");
    create.example =
        "janua apikey create --platform-admin --name ci --database-url $DATABASE_URL --output json | jq -r .key";
    create.run = [a](CliContext& ctx) {
        if (a->platform_admin && ctx.remote())
            return ctx.fail("--platform-admin works in direct mode only (--database-url): a daemon never mints them",
                            exit_usage);
        nlohmann::json body = {{"name", a->name}, {"permissions", a->permissions}};
        if (!a->org.empty()) body["organization_id"] = a->org;
        if (!a->user.empty()) body["user_id"] = a->user;
        if (a->expires_in_days != 0) body["expires_in_days"] = a->expires_in_days;
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto spec = rbac::new_api_key_from_json(body);
                if (!spec) return spec.error();
                spec->platform_admin = a->platform_admin;
                return json_of(s.api_keys().create(rbac::direct_caller(), *spec));
            },
            [&] { return ctx.call("POST", "/api/v1/api-keys", body); });
    };

    auto& list = table.add("apikey", "list", "List every API key (never the secrets; remote mode: platform admins)");
    list.run = [](CliContext& ctx) {
        return run_either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto keys = s.api_keys().list(rbac::direct_caller(), true);
                if (!keys) return keys.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& k : *keys) data.push_back(rbac::to_json(k));
                return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
            },
            [&] { return remote_all_pages(ctx, "/api/v1/api-keys?all=true"); }, k_key_columns);
    };

    auto& revoke = table.add("apikey", "revoke", "Revoke an API key at once");
    revoke.option("id", &a->id, "key id", true);
    revoke.run = [a](CliContext& ctx) {
        const nlohmann::json done = {{"revoked", a->id}};
        return run_either(
            ctx, [&](DirectServices& s) { return status_as(s.api_keys().revoke(rbac::direct_caller(), a->id), done); },
            [&] { return remote_as(ctx.call("DELETE", key_path(a->id)), done); });
    };

    auto& rotate = table.add("apikey", "rotate",
                             "Issue a new secret for a key; the old one keeps working for a grace period (default 1 h)");
    rotate.option("id", &a->id, "key id", true)
        .option("--grace-seconds", &a->grace, "how long the old secret keeps working (0: stop at once; max 7 days)");
    rotate.example = "janua apikey rotate 0b7e...-... --grace-seconds 600 --output json | jq -r .key";
    rotate.run = [a](CliContext& ctx) {
        std::optional<int> grace;
        nlohmann::json body = nlohmann::json::object();
        if (!a->grace.empty()) {
            std::size_t used = 0;
            try {
                grace = std::stoi(a->grace, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != a->grace.size())
                return ctx.fail("--grace-seconds must be a whole number of seconds", exit_usage);
            body["grace_seconds"] = *grace;
        }
        return run_either(
            ctx, [&](DirectServices& s) { return json_of(s.api_keys().rotate(rbac::direct_caller(), a->id, grace)); },
            [&] { return ctx.call("POST", key_path(a->id) + "/rotate", body); });
    };
}

}  // namespace janua::cli
