// janua mfa ...: operators look at and reset a user's second factor, and enrol a user from a
// shell (the QR code is drawn in the terminal). Direct mode calls mfa::MfaService, remote mode
// the /api/v1/users/{id}/mfa and /api/v1/mfa routes; both print the same JSON.
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "cli/qr_terminal.hpp"

#include <memory>

namespace janua::cli {
namespace {

identity::Actor cli_actor() { return identity::Actor{"system", std::string("janua-cli"), "", ""}; }

struct MfaArgs {
    std::string key, code;
};

template <class Direct, class Remote>
Result<nlohmann::json> either(CliContext& ctx, Direct direct, Remote remote) {
    if (ctx.remote()) return remote();
    const auto* cfg = ctx.config();
    if (!cfg) return make_error(ErrorCode::validation, "no configuration");
    try {
        DirectServices services(*cfg);
        return direct(services);
    } catch (const db::DatabaseUnavailable& e) {
        return make_error(ErrorCode::unavailable, e.what());
    }
}

template <class T>
Result<nlohmann::json> status_json(const Result<T>& r) {
    if (!r) return r.error();
    return mfa::to_json(*r);
}

std::string mfa_path(const std::string& key) { return "/api/v1/users/" + url_encode(key) + "/mfa"; }

int finish(CliContext& ctx, const Result<nlohmann::json>& result) {
    if (!result) return ctx.fail(result.error());
    return ctx.print(*result);
}

}  // namespace

void add_mfa_commands(CommandTable& table) {
    table.noun("mfa", "Multi-factor authentication: a user's TOTP status, reset, enrolment from a shell");
    auto a = std::make_shared<MfaArgs>();

    auto& status = table.add("mfa", "status", "Show whether a user has TOTP, backup codes left and passkeys");
    status.option("user", &a->key, "user id or email", true);
    status.example = "janua mfa status ada@example.com --output json";
    status.run = [a](CliContext& ctx) {
        return finish(ctx, either(
                               ctx, [&](DirectServices& s) { return status_json(s.mfa().status_of(a->key)); },
                               [&] { return ctx.call("GET", mfa_path(a->key)); }));
    };

    auto& reset = table.add("mfa", "reset",
                            "Remove a user's TOTP secret and backup codes (lost device); needs --yes. Passkeys stay");
    reset.option("user", &a->key, "user id or email", true);
    reset.example = "janua mfa reset ada@example.com --yes";
    reset.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("resetting the MFA of '" + a->key + "'")) return static_cast<int>(exit_usage);
        return finish(ctx, either(
                               ctx, [&](DirectServices& s) { return status_json(s.mfa().reset(a->key, cli_actor())); },
                               [&] { return ctx.call("DELETE", mfa_path(a->key)); }));
    };

    auto& enroll = table.add(
        "mfa", "enroll",
        "Start TOTP enrolment and draw the QR code to scan; then run again with --code to confirm and get backup codes");
    enroll.option("user", &a->key,
                  "user id or email (direct mode); in remote mode omit it: the account of --token enrols")
        .option("--code", &a->code, "the 6-digit code the app shows, to finish the enrolment");
    enroll.example = "janua mfa enroll ada@example.com && janua mfa enroll ada@example.com --code 123456";
    enroll.run = [a](CliContext& ctx) {
        if (ctx.remote() && !a->key.empty())
            return ctx.fail("in remote mode `janua mfa enroll` enrols the account of --token: omit the user", exit_usage);
        if (!ctx.remote() && a->key.empty())
            return ctx.fail("name the user to enrol (id or email), or use --server and --token for your own account",
                            exit_usage);
        if (!a->code.empty()) {
            auto done = either(
                ctx,
                [&](DirectServices& s) -> Result<nlohmann::json> {
                    auto codes = s.mfa().confirm_for(a->key, a->code, cli_actor());
                    if (!codes) return codes.error();
                    return nlohmann::json{{"enabled", true}, {"backup_codes", *codes}};
                },
                [&] { return ctx.call("POST", "/api/v1/mfa/verify-setup", {{"code", a->code}}); });
            if (!done) return ctx.fail(done.error());
            if (ctx.format() != OutputFormat::table) return ctx.print(*done);
            ctx.out() << "MFA is enabled. Backup codes (each works once; store them safely, they are not shown again):\n";
            for (const auto& c : (*done)["backup_codes"]) ctx.out() << "  " << c.get<std::string>() << "\n";
            return static_cast<int>(exit_ok);
        }
        auto started = either(
            ctx,
            [&](DirectServices& s) -> Result<nlohmann::json> {
                auto e = s.mfa().enroll_for(a->key, cli_actor());
                if (!e) return e.error();
                return nlohmann::json{{"user_id", e->first}, {"secret", e->second.secret}, {"otpauth_uri", e->second.otpauth_uri}};
            },
            [&] { return ctx.call("POST", "/api/v1/mfa/enable", nlohmann::json::object()); });
        if (!started) return ctx.fail(started.error());
        if (ctx.format() != OutputFormat::table) return ctx.print(*started);
        const std::string uri = (*started)["otpauth_uri"].get<std::string>();
        if (auto qr = qr_terminal(uri)) ctx.out() << *qr;
        ctx.out() << "Scan the code with an authenticator app, or type the secret: "
                  << (*started)["secret"].get<std::string>() << "\n"
                  << "Then confirm: janua mfa enroll " << (a->key.empty() ? "" : a->key + " ") << "--code <6 digits>\n";
        return static_cast<int>(exit_ok);
    };
}

}  // namespace janua::cli
