// janua login / logout: save a login to januad (device authorization grant with the
// first-party janua-cli client, or an API key) as a profile in ~/.config/janua/credentials,
// so that remote commands need no --server/--token (precedence: cli/session.hpp).
#include "cli/command_table.hpp"
#include "cli/credentials.hpp"
#include "cli/session.hpp"

#include <chrono>
#include <memory>
#include <thread>

namespace janua::cli {
namespace {

struct LoginArgs {
    bool api_key_stdin = false;
    std::string scope = "openid profile email offline_access";
};

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string profile_name(const CliContext& ctx) { return ctx.options().profile.empty() ? "default" : ctx.options().profile; }

// RFC 8628: ask for a code, show it, poll the token endpoint until the user approved it.
Result<Profile> device_login(CliContext& ctx, const LoginArgs& a) {
    const auto& server = ctx.options().server;
    auto started = remote_form(server, "/oauth/device_authorization", {{"client_id", k_cli_client_id}, {"scope", a.scope}});
    if (!started) return started.error();
    const auto& s = started->body;
    if (started->status != 200 || !s.contains("device_code")) {
        std::string why = s.value("error_description", s.value("error", "HTTP " + std::to_string(started->status)));
        return make_error(ErrorCode::authentication,
                          "januad refused the device login (" + why + "). Is the janua-cli client registered? "
                          "Run 'janua db migrate' on the server, or log in with --api-key-stdin");
    }
    const std::string device_code = s.value("device_code", "");
    int interval = std::max(1, s.value("interval", 5));
    const long long deadline = now_seconds() + s.value("expires_in", 600);
    // The code goes to stderr even with --output json: stdout carries only the result.
    ctx.err() << "To sign in, open " << s.value("verification_uri_complete", s.value("verification_uri", ""))
              << "\nand check that it shows the code " << s.value("user_code", "") << "\n";
    ctx.err().flush();
    while (now_seconds() < deadline) {
        std::this_thread::sleep_for(std::chrono::seconds(interval));
        auto polled = remote_form(server, "/oauth/token",
                                  {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                   {"device_code", device_code},
                                   {"client_id", k_cli_client_id}});
        if (!polled) return polled.error();
        const auto& t = polled->body;
        if (polled->status == 200 && t.contains("access_token")) {
            Profile p;
            p.name = profile_name(ctx);
            p.server = server;
            p.kind = "device";
            p.token = t.value("access_token", "");
            p.refresh_token = t.value("refresh_token", "");
            p.expires_at = now_seconds() + t.value("expires_in", 300LL);
            return p;
        }
        const std::string error = t.value("error", "");
        if (error == "authorization_pending") continue;
        if (error == "slow_down") {
            interval += 5;
            continue;
        }
        if (error == "access_denied") return make_error(ErrorCode::authorization, "the sign-in was denied in the browser");
        if (error == "expired_token") break;
        return make_error(ErrorCode::authentication, "device login failed: " + t.value("error_description", error));
    }
    return make_error(ErrorCode::authentication, "the code expired before it was approved; run janua login again");
}

}  // namespace

void add_login_commands(CommandTable& table) {
    auto a = std::make_shared<LoginArgs>();

    auto& login = table.add("login", "",
                            "Sign in to a januad (device code in the browser, or an API key on stdin) and save it "
                            "as a profile, so remote commands need no --server/--token");
    login.flag("--api-key-stdin", &a->api_key_stdin, "read an API key (jk_...) from standard input instead")
        .option("--scope", &a->scope, "scopes to ask for in a device login (default: openid profile email offline_access)");
    login.example = "janua login --server https://id.acme.example --profile prod\n"
                    "  printf '%s' \"$JANUA_API_KEY\" | janua login --server https://id.acme.example --api-key-stdin";
    login.run = [a](CliContext& ctx) {
        if (ctx.options().server.empty())
            return ctx.fail("give the daemon to sign in to: janua login --server URL", exit_usage);
        Profile profile;
        if (a->api_key_stdin) {
            profile.name = profile_name(ctx);
            profile.server = ctx.options().server;
            profile.kind = "api_key";
            profile.token = ctx.read_stdin_secret();
            if (profile.token.empty()) return ctx.fail("no API key on standard input", exit_usage);
        } else {
            auto signed_in = device_login(ctx, *a);
            if (!signed_in) return ctx.fail(signed_in.error());
            profile = *signed_in;
        }
        // Check the credential before saving it: 401 means it is not valid here.
        auto check = remote_call({profile.server, profile.token}, "GET", "/api/v1/organizations?limit=1");
        if (!check && (check.error().code == ErrorCode::authentication || check.error().code == ErrorCode::token ||
                       check.error().code == ErrorCode::unavailable))
            return ctx.fail(check.error());
        if (auto saved = save_profile(profile); !saved) return ctx.fail(saved.error());
        ctx.note("Saved to " + credentials_path() + " as profile '" + profile.name + "' (now the default).");
        return ctx.print({{"profile", profile.name}, {"server", profile.server}, {"kind", profile.kind}});
    };

    auto& logout = table.add("logout", "", "Forget a saved login (the default one, or --profile NAME)");
    logout.example = "janua logout --profile prod";
    logout.run = [](CliContext& ctx) {
        auto loaded = load_profile(ctx.options().profile);
        if (!loaded) return ctx.fail(loaded.error());
        // A device login's refresh token is revoked too (best effort: the server may be gone).
        if (*loaded && (*loaded)->kind == "device" && !(*loaded)->refresh_token.empty())
            (void)remote_form((*loaded)->server, "/oauth/revoke",
                              {{"token", (*loaded)->refresh_token}, {"token_type_hint", "refresh_token"}, {"client_id", k_cli_client_id}});
        auto removed = remove_profile(ctx.options().profile);
        if (!removed) return ctx.fail(removed.error());
        return ctx.print({{"logged_out", *removed}});
    };
}

}  // namespace janua::cli
