// janua keys ...: signing-key life cycle, directly or through the daemon.
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "cli/runner.hpp"
#include "core/crypto/fernet.hpp"

#include <memory>

namespace janua::cli {
namespace {

nlohmann::json key_json(const tokens::SigningKeyInfo& k) {
    auto t = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
    return {{"kid", k.kid},
            {"algorithm", k.algorithm},
            {"state", k.state},
            {"created_at", t(k.created_at)},
            {"activated_at", t(k.activated_at)},
            {"retire_after", t(k.retire_after)},
            {"retired_at", t(k.retired_at)}};
}

// The runner over the key manager alone.
template <class Direct, class Remote>
int run_keys(CliContext& ctx, Direct direct, Remote remote, const std::vector<Column>& columns = {}) {
    return run_either(
        ctx, [&](DirectServices& services) { return direct(services.keys()); }, std::move(remote), columns);
}

}  // namespace

void add_key_commands(CommandTable& table) {
    table.noun("keys", "Token signing keys: list, rotate, retire, jwks; and field-encryption keys");
    auto kid = std::make_shared<std::string>();

    auto& list = table.add("keys", "list", "List signing keys and their states (next, active, retiring, retired)");
    list.run = [](CliContext& ctx) {
        return run_keys(
            ctx,
            [](tokens::KeyManager& keys) -> Result<nlohmann::json> {
                auto keys_now = keys.list();
                if (!keys_now) return keys_now.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& k : *keys_now) data.push_back(key_json(k));
                return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
            },
            [&] { return ctx.call("GET", "/api/v1/admin/signing-keys"); },
            {{"kid", "KID"}, {"algorithm", "ALG"}, {"state", "STATE"}, {"created_at", "CREATED"}, {"retire_after", "RETIRE AFTER"}});
    };

    auto& rotate = table.add("keys", "rotate",
                             "Promote the next key to active; the old active key keeps verifying until its tokens expire");
    rotate.example = "janua keys rotate --output json";
    rotate.run = [](CliContext& ctx) {
        return run_keys(
            ctx,
            [](tokens::KeyManager& keys) -> Result<nlohmann::json> {
                auto report = keys.rotate(tokens::KeyChangeActor{"system", std::string("janua-cli"), "", ""});
                if (!report) return report.error();
                return nlohmann::json{{"active_kid", report->activated_kid},
                                      {"retiring_kid", report->retiring_kid.empty() ? nlohmann::json(nullptr)
                                                                                     : nlohmann::json(report->retiring_kid)},
                                      {"next_kid", report->next_kid}};
            },
            [&] { return ctx.call("POST", "/api/v1/admin/signing-keys/rotate"); });
    };

    auto& retire = table.add("keys", "retire", "Retire a key now: tokens it signed stop verifying (emergency use)");
    retire.option("kid", kid.get(), "key id", true);
    retire.run = [kid](CliContext& ctx) {
        if (!ctx.confirmed("retiring key '" + *kid + "'")) return static_cast<int>(exit_usage);
        return run_keys(
            ctx,
            [&](tokens::KeyManager& keys) -> Result<nlohmann::json> {
                auto done = keys.retire(*kid, tokens::KeyChangeActor{"system", std::string("janua-cli"), "", ""});
                if (!done) return done.error();
                return nlohmann::json{{"kid", *kid}, {"state", "retired"}};
            },
            [&] { return ctx.call("POST", "/api/v1/admin/signing-keys/" + url_encode(*kid) + "/retire"); });
    };

    // A JWKS is JSON by nature: table output prints it as JSON too.
    auto& jwks = table.add("keys", "jwks", "Print the published JSON Web Key Set (public keys only)");
    jwks.run = [](CliContext& ctx) {
        auto print = [&](const nlohmann::json& set) {
            ctx.out() << set.dump(2) << "\n";
            return static_cast<int>(exit_ok);
        };
        auto set = call_either(
            ctx,
            [](DirectServices& services) -> Result<nlohmann::json> {
                services.keys().reload();
                return services.keys().snapshot()->jwks;
            },
            [&] { return ctx.call("GET", "/.well-known/jwks.json"); });
        if (!set) return static_cast<int>(exit_usage);
        if (!*set) return ctx.fail(set->error());
        return ctx.format() == OutputFormat::yaml ? ctx.print(**set) : print(**set);
    };

    auto& field_key = table.add("keys", "generate-field-key",
                                "Print a new random FIELD_ENCRYPTION_KEY (Fernet); put it first in the list to rotate");
    field_key.run = [](CliContext& ctx) {
        if (ctx.format() == OutputFormat::table) {
            ctx.out() << crypto::generate_fernet_key() << "\n";
            return static_cast<int>(exit_ok);
        }
        return ctx.print({{"field_encryption_key", crypto::generate_fernet_key()}});
    };
}

}  // namespace janua::cli
