// janua client ...: direct mode calls oidc::ClientService, remote mode the /api/v1/oauth/clients
// routes; both build the same JSON body and print the same JSON.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"

#include <fstream>
#include <memory>
#include <sstream>

namespace janua::cli {
namespace {

const std::vector<Column> k_client_columns = {{"client_id", "CLIENT ID"},
                                              {"name", "NAME"},
                                              {"is_public", "PUBLIC"},
                                              {"token_endpoint_auth_method", "AUTH METHOD"},
                                              {"enabled", "ENABLED"},
                                              {"created_at", "CREATED"}};

identity::Actor cli_actor() { return identity::Actor{"system", std::string("janua-cli"), "", ""}; }

// The shared runner (cli/runner.hpp) on the client service, with the client table's columns.
template <class Direct, class Remote>
int run_client(CliContext& ctx, Direct direct, Remote remote) {
    return run_either(
        ctx, [&](DirectServices& services) { return direct(services.clients()); }, std::move(remote), k_client_columns);
}

template <class T>
Result<nlohmann::json> as_json(const Result<T>& r) {
    if (!r) return r.error();
    return oidc::to_json(*r);
}

std::string client_path(const std::string& client_id) { return "/api/v1/oauth/clients/" + url_encode(client_id); }

Result<std::string> read_file(const std::string& path, const std::string& flag) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::validation, "cannot read " + flag + " '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The secret of --secret-file: the file's first line (a trailing newline is not part of it).
Result<std::string> read_secret_file(const std::string& path) {
    auto text = read_file(path, "--secret-file");
    if (!text) return text.error();
    std::string secret = text->substr(0, text->find('\n'));
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    return secret;
}

struct ClientArgs {
    std::string key, name, id, method, secret_file, jwks_file, jwks_uri, consent, enabled, require_par, search, cursor, grace;
    std::vector<std::string> grant_types, redirect_uris, post_logout_redirect_uris, scopes;
    int access_ttl = 0, refresh_ttl = 0, limit = 50;
    bool is_public = false;
};

// The settings both create and update take, as API members; only the flags that were given.
Result<nlohmann::json> settings_body(const ClientArgs& a) {
    nlohmann::json body = nlohmann::json::object();
    if (!a.name.empty()) body["name"] = a.name;
    if (!a.grant_types.empty()) body["grant_types"] = a.grant_types;
    if (!a.redirect_uris.empty()) body["redirect_uris"] = a.redirect_uris;
    if (!a.post_logout_redirect_uris.empty()) body["post_logout_redirect_uris"] = a.post_logout_redirect_uris;
    if (!a.scopes.empty()) body["scopes"] = a.scopes;
    if (!a.method.empty()) body["token_endpoint_auth_method"] = a.method;
    if (!a.jwks_file.empty()) {
        auto text = read_file(a.jwks_file, "--jwks-file");
        if (!text) return text.error();
        auto jwks = nlohmann::json::parse(*text, nullptr, false);
        if (jwks.is_discarded() || !jwks.is_object())
            return make_error(ErrorCode::validation, "--jwks-file must hold a JSON Web Key Set object");
        body["jwks"] = jwks;
    }
    if (!a.jwks_uri.empty()) body["jwks_uri"] = a.jwks_uri;
    if (a.access_ttl != 0) body["access_token_ttl_seconds"] = a.access_ttl;
    if (a.refresh_ttl != 0) body["refresh_token_ttl_seconds"] = a.refresh_ttl;
    if (!a.consent.empty()) body["require_consent"] = a.consent == "true";
    if (!a.enabled.empty()) body["enabled"] = a.enabled == "true";
    if (!a.require_par.empty()) body["require_pushed_authorization_requests"] = a.require_par == "true";
    return body;
}

// Options shared by create and update.
void settings_options(CommandSpec& cmd, ClientArgs& a) {
    cmd.option("--grant-type", &a.grant_types,
               "allowed grant (repeat): authorization_code, refresh_token, client_credentials, "
               "urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange")
        .option("--redirect-uri", &a.redirect_uris, "redirect URI, matched exactly (repeat)")
        .option("--post-logout-redirect-uri", &a.post_logout_redirect_uris, "post-logout redirect URI (repeat)")
        .option("--scope", &a.scopes, "scope the client may request (repeat; default openid profile email)")
        .choice("--token-auth-method", &a.method, {"client_secret_basic", "client_secret_post", "none", "private_key_jwt"},
                "how the client authenticates at the token endpoint")
        .option("--jwks-file", &a.jwks_file, "file with the client's public JWK Set (private_key_jwt)")
        .option("--jwks-uri", &a.jwks_uri, "https URL of the client's JWK Set (private_key_jwt)")
        .option("--access-token-ttl", &a.access_ttl, "access token lifetime in seconds (default: the server's)")
        .option("--refresh-token-ttl", &a.refresh_ttl, "refresh token lifetime in seconds (default: the server's)")
        .choice("--require-consent", &a.consent, {"true", "false"}, "ask users for consent (default true)")
        .choice("--require-par", &a.require_par, {"true", "false"},
                "authorization requests must be pushed to /oauth/par first (RFC 9126; default false)");
}

}  // namespace

void add_client_commands(CommandTable& table) {
    table.noun("client", "OAuth 2.0 / OpenID Connect clients: create, list, get, update, rotate-secret, delete");
    auto a = std::make_shared<ClientArgs>();

    auto& create = table.add("client", "create", "Register a client; prints its secret once");
    create.option("--name", &a->name, "display name", true)
        .option("--id", &a->id, "client_id (1-128 of [A-Za-z0-9._:-]; default: generated)")
        .flag("--public", &a->is_public, "a public client (SPA, native app): no secret, PKCE required")
        .option("--secret-file", &a->secret_file, "read the secret from this file instead of generating one");
    settings_options(create, *a);
    create.example =
        "janua client create --name 'Acme Web' --id acme-web --grant-type authorization_code "
        "--grant-type refresh_token --redirect-uri https://acme.example/callback --output json";
    create.run = [a](CliContext& ctx) {
        if (a->grant_types.empty()) return ctx.fail("give at least one --grant-type", exit_usage);
        auto body = settings_body(*a);
        if (!body) return ctx.fail(body.error());
        if (!a->id.empty()) (*body)["client_id"] = a->id;
        if (a->is_public) (*body)["is_public"] = true;
        if (!a->secret_file.empty()) {
            auto secret = read_secret_file(a->secret_file);
            if (!secret) return ctx.fail(secret.error());
            (*body)["client_secret"] = *secret;
        }
        return run_client(
            ctx,
            [&](oidc::ClientService& clients) -> Result<nlohmann::json> {
                auto spec = oidc::client_spec_from_json(*body);
                if (!spec) return spec.error();
                return as_json(clients.create(std::move(spec).value(), cli_actor()));
            },
            [&] { return ctx.call("POST", "/api/v1/oauth/clients", *body); });
    };

    auto& list = table.add("client", "list", "List clients, oldest first, a page at a time");
    list.option("--search", &a->search, "substring of the client_id or name")
        .option("--limit", &a->limit, "page size (1-200, default 50)")
        .option("--cursor", &a->cursor, "next_cursor of the previous page");
    list.example = "janua client list --output json | jq -r '.data[].client_id'";
    list.run = [a](CliContext& ctx) {
        return run_client(
            ctx,
            [&](oidc::ClientService& clients) -> Result<nlohmann::json> {
                oidc::clients::ListFilter filter;
                if (!a->search.empty()) filter.query = a->search;
                if (!a->cursor.empty()) filter.cursor = a->cursor;
                filter.limit = a->limit;
                auto page = clients.list(filter);
                if (!page) return page.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& c : page->clients) data.push_back(oidc::to_json(c));
                return nlohmann::json{{"data", data},
                                      {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}};
            },
            [&] {
                std::string query = "?limit=" + std::to_string(a->limit);
                if (!a->search.empty()) query += "&q=" + url_encode(a->search);
                if (!a->cursor.empty()) query += "&cursor=" + url_encode(a->cursor);
                return ctx.call("GET", "/api/v1/oauth/clients" + query);
            });
    };

    auto& get = table.add("client", "get", "Show one client (never its secret)");
    get.option("client_id", &a->key, "client_id", true);
    get.run = [a](CliContext& ctx) {
        return run_client(
            ctx, [&](oidc::ClientService& clients) { return as_json(clients.get(a->key)); },
            [&] { return ctx.call("GET", client_path(a->key)); });
    };

    auto& update = table.add("client", "update", "Change a client's settings; list options replace the whole list");
    update.option("client_id", &a->key, "client_id", true).option("--name", &a->name, "display name");
    settings_options(update, *a);
    update.choice("--enabled", &a->enabled, {"true", "false"}, "a disabled client cannot authenticate or get tokens");
    update.example = "janua client update acme-web --redirect-uri https://acme.example/callback --enabled true";
    update.run = [a](CliContext& ctx) {
        auto patch = settings_body(*a);
        if (!patch) return ctx.fail(patch.error());
        if (patch->empty()) return ctx.fail("nothing to change: give at least one option (see --help)", exit_usage);
        return run_client(
            ctx, [&](oidc::ClientService& clients) { return as_json(clients.update(a->key, *patch, cli_actor())); },
            [&] { return ctx.call("PATCH", client_path(a->key), *patch); });
    };

    auto& rotate = table.add("client", "rotate-secret",
                             "Issue a new secret; the old one keeps working for a grace period (default 24 h)");
    rotate.option("client_id", &a->key, "client_id", true)
        .option("--grace-seconds", &a->grace, "how long the old secret keeps working (0: stop at once)")
        .option("--secret-file", &a->secret_file, "read the new secret from this file instead of generating one");
    rotate.example = "janua client rotate-secret acme-web --grace-seconds 3600 --output json";
    rotate.run = [a](CliContext& ctx) {
        nlohmann::json body = nlohmann::json::object();
        std::optional<int> grace;
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
        std::optional<std::string> supplied;
        if (!a->secret_file.empty()) {
            auto secret = read_secret_file(a->secret_file);
            if (!secret) return ctx.fail(secret.error());
            supplied = *secret;
            body["client_secret"] = *secret;
        }
        return run_client(
            ctx,
            [&](oidc::ClientService& clients) { return as_json(clients.rotate_secret(a->key, grace, cli_actor(), supplied)); },
            [&] { return ctx.call("POST", client_path(a->key) + "/rotate-secret", body); });
    };

    auto& remove = table.add("client", "delete", "Delete a client and its grants and consents (needs --yes)");
    remove.option("client_id", &a->key, "client_id", true);
    remove.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("deleting client '" + a->key + "'")) return static_cast<int>(exit_usage);
        return run_client(
            ctx,
            [&](oidc::ClientService& clients) -> Result<nlohmann::json> {
                auto done = clients.remove(a->key, cli_actor());
                if (!done) return done.error();
                return nlohmann::json{{"deleted", a->key}};
            },
            [&]() -> Result<nlohmann::json> {
                auto done = ctx.call("DELETE", client_path(a->key));
                if (!done) return done.error();
                return nlohmann::json{{"deleted", a->key}};
            });
    };
}

}  // namespace janua::cli
