// janua idp ...: upstream identity providers, directly or through the daemon. Without --org: the
// platform's social providers (/api/v1/identity-providers); with --org: that organization's
// enterprise OIDC connections (/api/v1/organizations/{org}/identity-providers). Both modes print
// the same JSON; the client secret is read from a file and never printed.
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "cli/runner.hpp"
#include "core/federation/presets.hpp"
#include "core/orgs/org_repository.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace janua::cli {
namespace {

struct IdpArgs {
    std::string org, id, preset, issuer, client_id, secret_file, slug, name, default_role, authorization_endpoint,
        token_endpoint, userinfo_endpoint, emails_endpoint, apple_team_id, apple_key_id, apple_key_file;
    std::vector<std::string> scopes, domains;
    bool disabled = false, enable = false, no_jit = false, jit = false, remove_secret = false, store_tokens = false,
         no_store_tokens = false;
};

const std::vector<Column> k_columns = {{"id", "ID"},         {"slug", "SLUG"},       {"preset", "PRESET"},
                                       {"issuer", "ISSUER"}, {"client_id", "CLIENT ID"}, {"enabled", "ENABLED"}};

identity::Actor cli_actor() { return identity::Actor{"system", std::string("janua-cli"), "", ""}; }

std::string base_path(const IdpArgs& a) {
    return a.org.empty() ? "/api/v1/identity-providers" : "/api/v1/organizations/" + url_encode(a.org) + "/identity-providers";
}

// The secret of --client-secret-file ("-": standard input): its first line.
Result<std::string> read_secret(CliContext& ctx, const std::string& path) {
    if (path == "-") return ctx.read_stdin_secret();
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::validation, "cannot read --client-secret-file '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    std::string secret = text.str().substr(0, text.str().find('\n'));
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    if (secret.empty()) return make_error(ErrorCode::validation, "--client-secret-file '" + path + "' is empty");
    return secret;
}

// The request body from the options that were given (create and update share it).
Result<nlohmann::json> body_of(CliContext& ctx, const IdpArgs& a) {
    nlohmann::json body = nlohmann::json::object();
    auto set = [&](const char* key, const std::string& value) {
        if (!value.empty()) body[key] = value;
    };
    set("preset", a.preset);
    set("issuer", a.issuer);
    set("client_id", a.client_id);
    set("slug", a.slug);
    set("display_name", a.name);
    set("default_role", a.default_role);
    set("authorization_endpoint", a.authorization_endpoint);
    set("token_endpoint", a.token_endpoint);
    set("userinfo_endpoint", a.userinfo_endpoint);
    set("emails_endpoint", a.emails_endpoint);
    if (!a.scopes.empty()) body["scopes"] = a.scopes;
    if (!a.domains.empty()) body["allowed_domains"] = a.domains;
    if (a.disabled) body["enabled"] = false;
    if (a.enable) body["enabled"] = true;
    if (a.no_jit) body["jit_provisioning"] = false;
    if (a.jit) body["jit_provisioning"] = true;
    if (a.store_tokens) body["store_tokens"] = true;
    if (a.no_store_tokens) body["store_tokens"] = false;
    if (a.remove_secret) body["client_secret"] = nullptr;
    if (!a.secret_file.empty()) {
        auto secret = read_secret(ctx, a.secret_file);
        if (!secret) return secret.error();
        body["client_secret"] = *secret;
    }
    // Sign in with Apple: januad signs the client-secret JWT itself from the .p8 key.
    if (!a.apple_key_file.empty() || !a.apple_team_id.empty() || !a.apple_key_id.empty()) {
        if (a.apple_key_file.empty() || a.apple_team_id.empty() || a.apple_key_id.empty())
            return make_error(ErrorCode::validation, "give --apple-team-id, --apple-key-id and --apple-private-key-file together");
        std::ifstream in(a.apple_key_file, std::ios::binary);
        if (!in) return make_error(ErrorCode::validation, "cannot read --apple-private-key-file '" + a.apple_key_file + "'");
        std::stringstream pem;
        pem << in.rdbuf();
        body["apple_signing_key"] = {{"team_id", a.apple_team_id}, {"key_id", a.apple_key_id}, {"private_key", pem.str()}};
    }
    return body;
}

// Direct mode names an organization by id or slug, like the API.
Result<std::optional<std::string>> scope_of(DirectServices& services, const IdpArgs& a) {
    if (a.org.empty()) return std::optional<std::string>{};
    auto org = services.pool().transact([&](db::Transaction& tx) { return orgs::repo::find(tx, a.org); });
    if (!org) return make_error(ErrorCode::not_found, "organization not found");
    return std::optional<std::string>(org->id);
}

template <class Direct, class Remote>
int run_idp(CliContext& ctx, const IdpArgs& a, Direct direct, Remote remote) {
    return run_either(
        ctx,
        [&](DirectServices& services) -> Result<nlohmann::json> {
            auto scope = scope_of(services, a);
            if (!scope) return scope.error();
            return direct(services.identity_providers(), *scope);
        },
        std::move(remote), k_columns);
}

std::string preset_names() {
    std::string names;
    for (const auto& p : federation::all_presets()) names += (names.empty() ? "" : "|") + p.name;
    return names;
}

CommandSpec& settings_options(CommandSpec& cmd, IdpArgs& a) {
    return cmd.option("--org", &a.org, "organization id or slug: an enterprise OIDC connection of that organization")
        .option("--issuer", &a.issuer, "OpenID Connect issuer URL (discovery at ISSUER/.well-known/openid-configuration)")
        .option("--client-id", &a.client_id, "client id registered at the provider")
        .option("--client-secret-file", &a.secret_file, "file holding the client secret on its first line ('-': stdin)")
        .option("--slug", &a.slug, "name in URLs (/api/v1/auth/oauth/SLUG/...); presets default to their own name")
        .option("--name", &a.name, "display name on the sign-in page")
        .option("--scope", &a.scopes, "scope to request (repeat; replaces the preset's)")
        .option("--allowed-domain", &a.domains, "enterprise: email domain that may sign in (repeat)")
        .option("--default-role", &a.default_role, "enterprise: role of members created at sign-in (default member)")
        .flag("--no-jit", &a.no_jit, "enterprise: do not create accounts or memberships at sign-in")
        .flag("--store-tokens", &a.store_tokens,
              "social: keep users' upstream tokens for /api/v1/integrations (encrypted; off by default)")
        .option("--authorization-endpoint", &a.authorization_endpoint, "override the authorization endpoint")
        .option("--token-endpoint", &a.token_endpoint, "override the token endpoint")
        .option("--userinfo-endpoint", &a.userinfo_endpoint, "override the userinfo (profile) endpoint")
        .option("--emails-endpoint", &a.emails_endpoint, "override the email list endpoint (GitHub)")
        .option("--apple-team-id", &a.apple_team_id, "apple: your 10-character Team ID (the client secret JWT's iss)")
        .option("--apple-key-id", &a.apple_key_id, "apple: the 10-character ID of the Sign in with Apple key")
        .option("--apple-private-key-file", &a.apple_key_file,
                "apple: the .p8 key file; januad signs a fresh client secret JWT with it for every sign-in");
}

}  // namespace

void add_idp_commands(CommandTable& table) {
    table.noun("idp", "Upstream identity providers: social login presets and enterprise OIDC connections");
    auto a = std::make_shared<IdpArgs>();

    auto& create = table.add("idp", "create", "Add a social provider (--preset) or an OIDC provider (--issuer)");
    create.option("--preset", &a->preset, "one of " + preset_names() + " (oidc: any issuer; implied by --issuer)");
    settings_options(create, *a).flag("--disabled", &a->disabled, "create it disabled");
    create.example = "janua idp create --preset google --client-id 123.apps.googleusercontent.com "
                     "--client-secret-file google.secret\n"
                     "  janua idp create --org acme --issuer https://login.acme.example --client-id janua "
                     "--client-secret-file acme.secret --allowed-domain acme.example --slug acme-sso";
    create.run = [a](CliContext& ctx) {
        if (a->client_id.empty()) return ctx.fail("--client-id is required", exit_usage);
        if (a->preset.empty() && a->issuer.empty()) return ctx.fail("give --preset NAME or --issuer URL", exit_usage);
        auto body = body_of(ctx, *a);
        if (!body) return ctx.fail(body.error());
        return run_idp(
            ctx, *a,
            [&](federation::ProviderService& s, const std::optional<std::string>& scope) {
                return json_of(s.create(scope, *body, cli_actor()));
            },
            [&] { return ctx.call("POST", base_path(*a), *body); });
    };

    auto& list = table.add("idp", "list", "List the platform's providers, or an organization's connections");
    list.option("--org", &a->org, "organization id or slug");
    list.run = [a](CliContext& ctx) {
        return run_idp(
            ctx, *a,
            [&](federation::ProviderService& s, const std::optional<std::string>& scope) -> Result<nlohmann::json> {
                auto found = s.list(scope);
                if (!found) return found.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& p : *found) data.push_back(federation::to_json(p));
                return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
            },
            [&] { return ctx.call("GET", base_path(*a)); });
    };

    auto& get = table.add("idp", "get", "Show one provider (the secret only as client_secret_set)");
    get.option("provider", &a->id, "provider id or slug", true).option("--org", &a->org, "organization id or slug");
    get.run = [a](CliContext& ctx) {
        return run_idp(
            ctx, *a,
            [&](federation::ProviderService& s, const std::optional<std::string>& scope) { return json_of(s.get(scope, a->id)); },
            [&] { return ctx.call("GET", base_path(*a) + "/" + url_encode(a->id)); });
    };

    auto& update = table.add("idp", "update", "Change a provider: only the options given change");
    update.option("provider", &a->id, "provider id or slug", true);
    settings_options(update, *a)
        .flag("--disable", &a->disabled, "turn sign-in through it off")
        .flag("--enable", &a->enable, "turn sign-in through it on")
        .flag("--jit", &a->jit, "enterprise: create accounts and memberships at sign-in")
        .flag("--no-store-tokens", &a->no_store_tokens, "social: stop keeping upstream tokens and delete the ones kept")
        .flag("--remove-client-secret", &a->remove_secret, "make it a public client (PKCE only)");
    update.example = "janua idp update github --client-secret-file new.secret";
    update.run = [a](CliContext& ctx) {
        auto body = body_of(ctx, *a);
        if (!body) return ctx.fail(body.error());
        if (body->empty()) return ctx.fail("nothing to change: give at least one option", exit_usage);
        return run_idp(
            ctx, *a,
            [&](federation::ProviderService& s, const std::optional<std::string>& scope) {
                return json_of(s.update(scope, a->id, *body, cli_actor()));
            },
            [&] { return ctx.call("PATCH", base_path(*a) + "/" + url_encode(a->id), *body); });
    };

    auto& test = table.add("idp", "test", "Fetch the provider's discovery document and keys now and show what a login uses");
    test.option("provider", &a->id, "provider id or slug", true).option("--org", &a->org, "organization id or slug");
    test.run = [a](CliContext& ctx) {
        return run_idp(
            ctx, *a,
            [&](federation::ProviderService& s, const std::optional<std::string>& scope) { return s.test(scope, a->id); },
            [&] { return ctx.call("POST", base_path(*a) + "/" + url_encode(a->id) + "/test", nlohmann::json::object()); });
    };

    auto& remove = table.add("idp", "delete", "Delete a provider and every account linked through it (needs --yes)");
    remove.option("provider", &a->id, "provider id or slug", true).option("--org", &a->org, "organization id or slug");
    remove.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("deleting identity provider '" + a->id + "' and the accounts linked through it"))
            return static_cast<int>(exit_usage);
        return run_idp(
            ctx, *a,
            [&](federation::ProviderService& s, const std::optional<std::string>& scope) {
                return status_as(s.remove(scope, a->id, cli_actor()), {{"deleted", a->id}});
            },
            [&] { return remote_as(ctx.call("DELETE", base_path(*a) + "/" + url_encode(a->id)), {{"deleted", a->id}}); });
    };
}

}  // namespace janua::cli
