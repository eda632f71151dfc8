// janua apply / janua export: declarative provisioning (core/provisioning). Direct mode plans
// and applies through the core services, remote mode through januad's API; the plan, the
// output and the exit codes are the same.
#include "cli/command_table.hpp"
#include "cli/runner.hpp"
#include "core/crypto/field_cipher.hpp"
#include "core/provisioning/direct_target.hpp"
#include "core/provisioning/export.hpp"
#include "core/provisioning/plan.hpp"
#include "core/provisioning/remote_target.hpp"

#include <fstream>
#include <memory>

namespace janua::cli {
namespace {

using provisioning::Action;
using provisioning::Change;
using provisioning::Plan;

struct ApplyArgs {
    std::string file, output_file;
    std::vector<std::string> orgs;
    bool dry_run = false, prune = false, clients = false;
};

// Run `work` on the target of the mode in use (cf. call_either).
template <class Work>
std::optional<Result<nlohmann::json>> with_target(CliContext& ctx, Work work) {
    if (ctx.remote()) {
        auto target = provisioning::remote_target(
            [&ctx](const std::string& method, const std::string& path, const nlohmann::json& body) {
                return ctx.call(method, path, body);
            });
        return work(target);
    }
    const auto* cfg = ctx.config();
    if (!cfg) return std::nullopt;
    try {
        DirectServices s(*cfg);
        saml::SamlService sso(s.pool(), crypto::make_field_keyring(cfg->field_encryption_keys, cfg->secret_key), nullptr,
                              saml::SamlSettings{cfg->base_url, cfg->webhook_allow_private, cfg->webhook_timeout_seconds, 600});
        auto target = provisioning::direct_target(
            {s.orgs(), s.clients(), s.webhooks(), s.scim_tokens(), s.users(), sso, s.identity_providers()});
        return work(target);
    } catch (const db::DatabaseUnavailable& e) {
        return Result<nlohmann::json>(make_error(ErrorCode::unavailable, e.what()));
    }
}

const char* sign_of(Action a) { return a == Action::create ? "+" : a == Action::update ? "~" : "-"; }
const char* color_of(Action a) { return a == Action::create ? "\033[32m" : a == Action::update ? "\033[33m" : "\033[31m"; }

std::string shown(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The plan as people read it (terraform-like): one line per object, one per changed field.
void print_plan(CliContext& ctx, const Plan& plan, const std::string& file) {
    auto& out = ctx.out();
    const bool color = ctx.color();
    out << "Plan for " << file << ":\n";
    for (const auto& c : plan.changes) {
        out << "  " << (color ? color_of(c.action) : "") << sign_of(c.action) << " " << provisioning::action_name(c.action)
            << " " << c.label() << (color ? "\033[0m" : "") << "\n";
        for (const auto& f : c.fields) {
            out << "      " << f.field << ": ";
            if (c.action == Action::create) out << shown(f.after);
            else if (c.action == Action::remove) out << shown(f.before);
            else out << shown(f.before) << " -> " << shown(f.after);
            out << "\n";
        }
    }
    out << "Plan: " << plan.count(Action::create) << " to create, " << plan.count(Action::update) << " to update, "
        << plan.count(Action::remove) << " to delete.\n";
}

int run_apply(CliContext& ctx, const ApplyArgs& a) {
    if (a.file.empty()) return ctx.fail("give the file to apply: janua apply -f FILE.yaml", exit_usage);
    auto doc = provisioning::load_document(a.file);
    if (!doc) return ctx.fail(doc.error());
    const bool text = ctx.format() == OutputFormat::table;
    const bool quiet = ctx.options().quiet;
    int refused = 0;
    auto result = with_target(ctx, [&](provisioning::Target& target) -> Result<nlohmann::json> {
        auto plan = provisioning::compute_plan(*doc, target, {a.prune});
        if (!plan) return plan.error();
        nlohmann::json report = plan->to_json();
        report["file"] = a.file;
        report["dry_run"] = a.dry_run;
        report["applied"] = false;
        if (plan->changes.empty()) {
            if (text && !quiet) ctx.out() << "No changes: the server already matches " << a.file << ".\n";
        } else if (text && !quiet) {
            print_plan(ctx, *plan, a.file);
        }
        if (plan->unmanaged > 0 && !a.prune)
            ctx.note(std::to_string(plan->unmanaged) +
                     " existing object(s) of the kinds this file lists are not named in it and were kept "
                     "(--prune --yes deletes them).");
        if (plan->changes.empty() || a.dry_run) {
            if (a.dry_run && text && !quiet && !plan->changes.empty()) ctx.out() << "Dry run: nothing was changed.\n";
            return report;
        }
        if (plan->has_deletions() && !ctx.options().yes) {
            refused = plan->count(Action::remove);
            return make_error(ErrorCode::validation, "the plan deletes " + std::to_string(refused) +
                                                         " object(s): add --yes to confirm (nothing was changed)");
        }
        auto applied = provisioning::apply_plan(*plan, target, [&](const Change& c) {
            if (text && quiet) ctx.out() << provisioning::action_name(c.action) << " " << c.label() << "\n";
        });
        if (!applied) return applied.error();
        report["applied"] = true;
        if (text && !quiet)
            ctx.out() << "Applied: " << plan->count(Action::create) << " created, " << plan->count(Action::update)
                      << " updated, " << plan->count(Action::remove) << " deleted.\n";
        return report;
    });
    if (!result) return exit_usage;
    if (!*result) return ctx.fail(result->error());
    if (text) return exit_ok;
    return ctx.print(**result);
}

int run_export(CliContext& ctx, const ApplyArgs& a) {
    if (a.orgs.empty() && !a.clients)
        return ctx.fail("name what to export: --org ORG (repeat) and/or --clients", exit_usage);
    std::string yaml;
    auto result = with_target(ctx, [&](provisioning::Target& target) -> Result<nlohmann::json> {
        auto written = provisioning::export_yaml(target, {a.orgs, a.clients});
        if (!written) return written.error();
        yaml = *written;
        return nlohmann::json(nullptr);
    });
    if (!result) return exit_usage;
    if (!*result) return ctx.fail(result->error());
    if (a.output_file.empty()) {
        ctx.out() << yaml;
    } else {
        std::ofstream file(a.output_file, std::ios::binary | std::ios::trunc);
        if (!(file << yaml)) return ctx.fail("cannot write '" + a.output_file + "'");
    }
    ctx.note("Secrets are not exported: add secret_from: {env: VARIABLE} or {file: PATH} to confidential clients "
             "before applying this file to another server.");
    return exit_ok;
}

}  // namespace

void add_apply_commands(CommandTable& table) {
    auto a = std::make_shared<ApplyArgs>();

    auto& apply = table.add("apply", "",
                            "Create or update organizations, roles, members, OAuth clients, webhooks, SCIM tokens and "
                            "SSO connections from a YAML file (idempotent; --dry-run shows the plan)");
    apply.option("-f,--file", &a->file, "the YAML file to apply (see 'man janua', DECLARATIVE PROVISIONING)", true)
        .flag("--dry-run", &a->dry_run, "print the plan (create/update/delete per object) and change nothing")
        .flag("--prune", &a->prune,
              "also delete the roles, members, webhooks, SCIM tokens, SAML connections and identity providers of "
              "the listed organizations that the file no longer names (needs --yes)");
    apply.example = "janua apply -f tenant.yaml --dry-run && janua apply -f tenant.yaml";
    apply.run = [a](CliContext& ctx) { return run_apply(ctx, *a); };

    auto& exp = table.add("export", "", "Write organizations (and OAuth clients) as a YAML file for janua apply");
    exp.option("--org", &a->orgs, "organization id or slug to export (repeat)")
        .flag("--clients", &a->clients, "also export every OAuth client")
        .option("--to", &a->output_file, "write to this file instead of standard output");
    exp.example = "janua export --org acme --clients > tenant.yaml";
    exp.run = [a](CliContext& ctx) { return run_export(ctx, *a); };
}

}  // namespace janua::cli
