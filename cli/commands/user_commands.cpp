// janua user ...: direct mode calls identity::UserAdmin, remote mode the /api/v1/users routes;
// both print the same JSON.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"

#include <memory>

namespace janua::cli {
namespace {

const std::vector<Column> k_user_columns = {
    {"id", "ID"}, {"email", "EMAIL"}, {"username", "USERNAME"}, {"status", "STATUS"}, {"created_at", "CREATED"}};
const std::vector<Column> k_session_columns = {
    {"id", "ID"}, {"ip_address", "IP"}, {"user_agent", "USER AGENT"}, {"created_at", "CREATED"}, {"last_used_at", "LAST USED"}};

identity::Actor cli_actor() { return identity::Actor{"system", std::string("janua-cli"), "", ""}; }

nlohmann::json sessions_json(const std::vector<identity::sessions::Session>& sessions) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& s : sessions) data.push_back(identity::sessions::to_json(s));
    return data;
}

// The shared runner (cli/runner.hpp) with the user table's columns.
template <class Direct, class Remote>
int run_user(CliContext& ctx, Direct direct, Remote remote, const std::vector<Column>& columns = k_user_columns) {
    return run_either(ctx, std::move(direct), std::move(remote), columns);
}

template <class T>
Result<nlohmann::json> as_json(const Result<T>& r) {
    if (!r) return r.error();
    return identity::to_json(*r);
}

std::string user_path(const std::string& key) { return "/api/v1/users/" + url_encode(key); }

struct UserArgs {
    std::string key, email, username, first_name, last_name, display_name, locale, timezone, metadata, status;
    std::string admin, verified, search, cursor;
    int limit = 50;
    bool password_stdin = false, platform_admin = false, is_verified = false, unlock = false;
};

Result<nlohmann::json> parse_bool_text(const std::string& name, const std::string& text) {
    if (text == "true") return nlohmann::json(true);
    if (text == "false") return nlohmann::json(false);
    return make_error(ErrorCode::validation, "--" + name + " must be true or false");
}

Result<nlohmann::json> update_patch(const UserArgs& a) {
    nlohmann::json patch = nlohmann::json::object();
    auto text = [&](const char* key, const std::string& value) {
        if (!value.empty()) patch[key] = value;
    };
    text("email", a.email);
    text("username", a.username);
    text("first_name", a.first_name);
    text("last_name", a.last_name);
    text("display_name", a.display_name);
    text("locale", a.locale);
    text("timezone", a.timezone);
    text("status", a.status);
    if (!a.metadata.empty()) {
        auto parsed = nlohmann::json::parse(a.metadata, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) return make_error(ErrorCode::validation, "--metadata must be a JSON object");
        patch["metadata"] = parsed;
    }
    if (!a.admin.empty()) {
        auto b = parse_bool_text("platform-admin", a.admin);
        if (!b) return b.error();
        patch["is_platform_admin"] = *b;
    }
    if (!a.verified.empty()) {
        auto b = parse_bool_text("email-verified", a.verified);
        if (!b) return b.error();
        patch["email_verified"] = *b;
    }
    if (patch.empty()) return make_error(ErrorCode::validation, "nothing to change: give at least one option (see --help)");
    return patch;
}

}  // namespace

void add_user_commands(CommandTable& table) {
    table.noun("user", "Users: create, list, get, update, suspend, reactivate, delete, set-password, sessions");
    auto a = std::make_shared<UserArgs>();

    auto& create = table.add("user", "create", "Create a user (the password, if any, is read from standard input)");
    create.option("--email", &a->email, "email address (unique, case-insensitive)", true)
        .option("--username", &a->username, "optional unique username")
        .option("--first-name", &a->first_name, "given name")
        .option("--last-name", &a->last_name, "family name")
        .flag("--password-stdin", &a->password_stdin, "read the password from standard input")
        .flag("--platform-admin", &a->platform_admin, "make the user a platform administrator")
        .flag("--email-verified", &a->is_verified, "mark the email address as verified");
    create.example = "printf '%s' \"$PW\" | janua user create --email ops@example.com --password-stdin --output json";
    create.run = [a](CliContext& ctx) {
        identity::CreateUserRequest request;
        request.email = a->email;
        if (!a->username.empty()) request.username = a->username;
        if (!a->first_name.empty()) request.first_name = a->first_name;
        if (!a->last_name.empty()) request.last_name = a->last_name;
        if (a->password_stdin) request.password = ctx.read_stdin_secret();
        request.is_platform_admin = a->platform_admin;
        request.email_verified = a->is_verified;
        return run_user(
            ctx, [&](DirectServices& s) { return as_json(s.users().create(request, cli_actor())); },
            [&] {
                nlohmann::json body = {{"email", request.email}, {"is_platform_admin", request.is_platform_admin},
                                       {"email_verified", request.email_verified}};
                if (request.password) body["password"] = *request.password;
                if (request.username) body["username"] = *request.username;
                if (request.first_name) body["first_name"] = *request.first_name;
                if (request.last_name) body["last_name"] = *request.last_name;
                return ctx.call("POST", "/api/v1/users", body);
            });
    };

    auto& list = table.add("user", "list", "List users, oldest first, a page at a time");
    list.option("--search", &a->search, "substring of email, username or name")
        .choice("--status", &a->status, {"ACTIVE", "INACTIVE", "SUSPENDED", "PENDING", "DELETED"}, "only this status")
        .option("--limit", &a->limit, "page size (1-200, default 50)")
        .option("--cursor", &a->cursor, "next_cursor of the previous page");
    list.example = "janua user list --status SUSPENDED --output json | jq -r '.data[].email'";
    list.run = [a](CliContext& ctx) {
        return run_user(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                identity::users::ListFilter filter;
                if (!a->search.empty()) filter.query = a->search;
                if (!a->status.empty()) filter.status = a->status;
                if (!a->cursor.empty()) filter.cursor = a->cursor;
                filter.limit = a->limit;
                auto page = s.users().list(filter);
                if (!page) return page.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& u : page->users) data.push_back(identity::to_json(u));
                return nlohmann::json{{"data", data},
                                      {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}};
            },
            [&] {
                std::string query = "?limit=" + std::to_string(a->limit);
                if (!a->search.empty()) query += "&q=" + url_encode(a->search);
                if (!a->status.empty()) query += "&status=" + a->status;
                if (!a->cursor.empty()) query += "&cursor=" + url_encode(a->cursor);
                return ctx.call("GET", "/api/v1/users" + query);
            });
    };

    auto& get = table.add("user", "get", "Show one user, by id or email");
    get.option("user", &a->key, "user id or email", true);
    get.run = [a](CliContext& ctx) {
        return run_user(
            ctx, [&](DirectServices& s) { return as_json(s.users().get(a->key)); },
            [&] { return ctx.call("GET", user_path(a->key)); });
    };

    auto& update = table.add("user", "update", "Change a user's profile, email, status or flags");
    update.option("user", &a->key, "user id or email", true)
        .option("--email", &a->email, "new email address")
        .option("--username", &a->username, "new username")
        .option("--first-name", &a->first_name, "given name")
        .option("--last-name", &a->last_name, "family name")
        .option("--display-name", &a->display_name, "display name")
        .option("--locale", &a->locale, "locale, e.g. en-US")
        .option("--timezone", &a->timezone, "IANA time zone, e.g. Europe/Paris")
        .option("--metadata", &a->metadata, "JSON object replacing the user's metadata")
        .choice("--platform-admin", &a->admin, {"true", "false"}, "grant or remove platform administration")
        .choice("--email-verified", &a->verified, {"true", "false"}, "mark the email verified or not");
    update.run = [a](CliContext& ctx) {
        auto patch = update_patch(*a);
        if (!patch) return ctx.fail(patch.error());
        return run_user(
            ctx, [&](DirectServices& s) { return as_json(s.users().update(a->key, *patch, cli_actor())); },
            [&] { return ctx.call("PATCH", user_path(a->key), *patch); });
    };

    for (const auto& [verb, status, help] :
         {std::tuple{"suspend", "SUSPENDED", "Suspend a user and sign them out everywhere"},
          std::tuple{"reactivate", "ACTIVE", "Reactivate a suspended or inactive user"}}) {
        auto& cmd = table.add("user", verb, help);
        cmd.option("user", &a->key, "user id or email", true);
        const std::string new_status = status, route = verb;
        cmd.run = [a, new_status, route](CliContext& ctx) {
            return run_user(
                ctx, [&](DirectServices& s) { return as_json(s.users().set_status(a->key, new_status, cli_actor())); },
                [&] { return ctx.call("POST", user_path(a->key) + "/" + route); });
        };
    }

    auto& remove = table.add("user", "delete", "Delete a user and everything they own (needs --yes)");
    remove.option("user", &a->key, "user id or email", true);
    remove.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("deleting user '" + a->key + "'")) return static_cast<int>(exit_usage);
        return run_user(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto done = s.users().remove(a->key, cli_actor());
                if (!done) return done.error();
                return nlohmann::json{{"deleted", a->key}};
            },
            [&]() -> Result<nlohmann::json> {
                auto done = ctx.call("DELETE", user_path(a->key));
                if (!done) return done.error();
                return nlohmann::json{{"deleted", a->key}};
            });
    };

    auto& password = table.add("user", "set-password", "Set a user's password from standard input; signs them out");
    password.option("user", &a->key, "user id or email", true)
        .flag("--password-stdin", &a->password_stdin, "read the password from standard input (required)");
    password.example = "printf '%s' \"$PW\" | janua user set-password ops@example.com --password-stdin";
    password.run = [a](CliContext& ctx) {
        if (!a->password_stdin) return ctx.fail("pass --password-stdin and the password on standard input", exit_usage);
        const std::string secret = ctx.read_stdin_secret();
        return run_user(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto done = s.users().set_password(a->key, secret, cli_actor());
                if (!done) return done.error();
                return nlohmann::json{{"password_set", a->key}};
            },
            [&]() -> Result<nlohmann::json> {
                auto done = ctx.call("POST", user_path(a->key) + "/password", {{"password", secret}});
                if (!done) return done.error();
                return nlohmann::json{{"password_set", a->key}};
            });
    };

    auto& sessions = table.add("user", "sessions", "List a user's active sessions");
    sessions.option("user", &a->key, "user id or email", true);
    sessions.run = [a](CliContext& ctx) {
        return run_user(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto found = s.users().sessions_of(a->key);
                if (!found) return found.error();
                return nlohmann::json{{"data", sessions_json(*found)}, {"next_cursor", nullptr}};
            },
            [&] { return ctx.call("GET", user_path(a->key) + "/sessions"); }, k_session_columns);
    };

    auto& revoke = table.add("user", "revoke-sessions", "Sign a user out of every session");
    revoke.option("user", &a->key, "user id or email", true);
    revoke.run = [a](CliContext& ctx) {
        return run_user(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto count = s.users().revoke_sessions(a->key, cli_actor());
                if (!count) return count.error();
                return nlohmann::json{{"revoked", *count}};
            },
            [&] { return ctx.call("POST", user_path(a->key) + "/sessions/revoke"); });
    };
}

}  // namespace janua::cli
