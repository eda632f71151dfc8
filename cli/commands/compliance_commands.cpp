// janua compliance ...: export and erase a person's data, export an organization's members
// (streamed), data-subject requests and retention policies — directly on the database or
// through the daemon (/api/v1/compliance); both modes print the same JSON.
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "cli/runner.hpp"
#include "core/compliance/service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

namespace janua::cli {
namespace {

struct ComplianceArgs {
    std::string user, org, format = "json", out, id, type, regulation, details, status, assignee, resolution, deadline,
        category, cursor;
    int days = 0, limit = 50;
    bool overdue = false, disable = false, unassign = false;
};

const identity::Actor k_cli_actor{"system", std::string("janua-cli"), "", ""};

const std::vector<Column> k_request_columns = {{"id", "ID"},         {"type", "TYPE"},         {"status", "STATUS"},
                                               {"user_id", "USER"},  {"received_at", "RECEIVED"}, {"deadline_at", "DEADLINE"},
                                               {"overdue", "OVERDUE"}, {"assignee_id", "ASSIGNEE"}};
const std::vector<Column> k_policy_columns = {{"category", "CATEGORY"}, {"retention_days", "DAYS"}, {"enabled", "ENABLED"},
                                              {"source", "SOURCE"}};

// Where an export goes: standard output, or a file only its owner can read (it is personal data).
class Output {
public:
    explicit Output(CliContext& ctx, const std::string& path) : m_ctx(ctx), m_path(path) {}
    ~Output() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    Status open() {
        if (m_path.empty()) return Ok{};
        m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (m_fd < 0) return make_error(ErrorCode::bad_request, "cannot write '" + m_path + "'");
        return Ok{};
    }
    bool write(const char* data, std::size_t size) {
        m_bytes += static_cast<long long>(size);
        if (m_path.empty()) {
            m_ctx.out().write(data, static_cast<std::streamsize>(size));
            return static_cast<bool>(m_ctx.out());
        }
        while (size > 0) {
            const auto n = ::write(m_fd, data, size);
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }
    // An incomplete export must not look like a complete one.
    void discard() {
        if (!m_path.empty()) ::unlink(m_path.c_str());
    }
    bool to_file() const { return !m_path.empty(); }
    long long bytes() const { return m_bytes; }

private:
    CliContext& m_ctx;
    std::string m_path;
    int m_fd = -1;
    long long m_bytes = 0;
};

// The service on the database, for direct mode; nullopt (after an error message) when the
// configuration is invalid.
template <class F>
int with_service(CliContext& ctx, F work) {
    const auto* cfg = ctx.config();
    if (!cfg) return exit_usage;
    try {
        DirectServices services(*cfg);
        compliance::ComplianceService svc(services.pool(), compliance::settings_from(*cfg));
        return work(svc);
    } catch (const db::DatabaseUnavailable& e) {
        return ctx.fail(make_error(ErrorCode::unavailable, e.what()));
    }
}

template <class Direct, class Remote>
int run_compliance(CliContext& ctx, Direct direct, Remote remote, const std::vector<Column>& columns = {}) {
    if (ctx.remote()) return print_result(ctx, remote(), columns);
    return with_service(ctx, [&](compliance::ComplianceService& svc) { return print_result(ctx, direct(svc), columns); });
}

template <class T>
Result<nlohmann::json> json_result(const Result<T>& r) {
    if (!r) return r.error();
    return compliance::to_json(*r);
}

template <class T>
Result<nlohmann::json> json_list(const Result<std::vector<T>>& r) {
    if (!r) return r.error();
    nlohmann::json data = nlohmann::json::array();
    for (const auto& item : *r) data.push_back(compliance::to_json(item));
    return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
}

int finish_export(CliContext& ctx, Output& out, const Status& done) {
    if (!done) {
        out.discard();
        return ctx.fail(done.error());
    }
    if (!out.to_file()) {
        ctx.out().flush();
        return exit_ok;
    }
    return ctx.print(nlohmann::json{{"written", true}, {"bytes", out.bytes()}});
}

int export_user(CliContext& ctx, const ComplianceArgs& a, Output& out) {
    if (ctx.remote())
        return finish_export(ctx, out,
                             remote_download(ctx.remote_target(),
                                             "/api/v1/compliance/export/" + url_encode(a.user) + "?format=" + a.format,
                                             [&](const char* d, std::size_t n) { return out.write(d, n); }));
    return with_service(ctx, [&](compliance::ComplianceService& svc) {
        auto doc = svc.export_user(a.user, k_cli_actor);
        if (!doc) return finish_export(ctx, out, doc.error());
        const std::string text = a.format == "csv" ? compliance::ComplianceService::export_csv(*doc)
                                                   : doc->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        if (!out.write(text.data(), text.size()))
            return finish_export(ctx, out, make_error(ErrorCode::internal, "cannot write the export"));
        return finish_export(ctx, out, Ok{});
    });
}

int export_org(CliContext& ctx, const ComplianceArgs& a, Output& out) {
    if (ctx.remote())
        return finish_export(ctx, out,
                             remote_download(ctx.remote_target(),
                                             "/api/v1/organizations/" + url_encode(a.org) + "/compliance/export?format=" + a.format,
                                             [&](const char* d, std::size_t n) { return out.write(d, n); }));
    return with_service(ctx, [&](compliance::ComplianceService& svc) {
        auto org_id = svc.check_org_export(a.org, k_cli_actor);
        if (!org_id) return finish_export(ctx, out, org_id.error());
        auto done = svc.stream_org_export(*org_id, a.format == "csv" ? compliance::ExportFormat::csv : compliance::ExportFormat::json,
                                          [&](const std::string& chunk) { return out.write(chunk.data(), chunk.size()); });
        return finish_export(ctx, out, done);
    });
}

void add_export(CommandTable& table, const std::shared_ptr<ComplianceArgs>& a) {
    auto& cmd = table.add("compliance", "export",
                          "Export everything held on a person (--user) as one JSON document or CSV, or an "
                          "organization's members (--org), streamed");
    cmd.option("--user", &a->user, "the person: a user id or an email address")
        .option("--org", &a->org, "an organization id or slug: export its members instead")
        .choice("--format", &a->format, {"json", "csv"}, "json (default) or csv")
        .option("--out", &a->out, "write to this file (created readable by you only) instead of standard output");
    cmd.example = "janua compliance export --user ada@example.com --out ada.json";
    cmd.run = [a](CliContext& ctx) {
        if (a->user.empty() == a->org.empty()) return ctx.fail("give either --user ID|EMAIL or --org ORG", exit_usage);
        Output out(ctx, a->out);
        if (auto opened = out.open(); !opened) return ctx.fail(opened.error());
        return a->user.empty() ? export_org(ctx, *a, out) : export_user(ctx, *a, out);
    };

    auto& erase = table.add("compliance", "erase",
                            "Erase a person: delete the account and its secrets, pseudonymize their audit entries "
                            "(the chain still verifies); needs --yes");
    erase.option("--user", &a->user, "the person: a user id or an email address", true);
    erase.example = "janua compliance erase --user ada@example.com --yes";
    erase.run = [a](CliContext& ctx) {
        if (!ctx.confirmed("erasing '" + a->user + "'")) return static_cast<int>(exit_usage);
        return run_compliance(
            ctx, [&](compliance::ComplianceService& svc) { return json_result(svc.erase_user(a->user, k_cli_actor)); },
            [&] { return ctx.call("POST", "/api/v1/compliance/erase/" + url_encode(a->user)); });
    };
}

void add_requests(CommandTable& table, const std::shared_ptr<ComplianceArgs>& a) {
    auto& list = table.add("compliance", "requests",
                           "List data-subject requests, newest first (--overdue: open requests past their deadline)");
    list.option("--user", &a->user, "only this person's requests (user id)")
        .choice("--status", &a->status, {"received", "in_progress", "completed", "rejected", "cancelled"}, "only this status")
        .choice("--type", &a->type, {"access", "erasure", "rectification", "portability"}, "only this type")
        .flag("--overdue", &a->overdue, "only open requests whose deadline has passed")
        .option("--limit", &a->limit, "page size (1-200, default 50)")
        .option("--cursor", &a->cursor, "next_cursor of the previous page");
    list.example = "janua compliance requests --overdue";
    list.run = [a](CliContext& ctx) {
        compliance::SubjectRequestFilter f;
        if (!a->user.empty()) f.user_id = a->user;
        if (!a->status.empty()) f.status = a->status;
        if (!a->type.empty()) f.type = a->type;
        if (!a->cursor.empty()) f.cursor = a->cursor;
        f.overdue_only = a->overdue;
        f.limit = a->limit;
        return run_compliance(
            ctx,
            [&](compliance::ComplianceService& svc) -> Result<nlohmann::json> {
                auto page = svc.list_requests(f);
                if (!page) return page.error();
                nlohmann::json data = nlohmann::json::array();
                for (const auto& q : page->data) data.push_back(compliance::to_json(q));
                return nlohmann::json{{"data", data},
                                      {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}};
            },
            [&] {
                std::string q = "?limit=" + std::to_string(f.limit) + (f.overdue_only ? "&overdue=true" : "");
                if (f.user_id) q += "&user_id=" + url_encode(*f.user_id);
                if (f.status) q += "&status=" + *f.status;
                if (f.type) q += "&type=" + *f.type;
                if (f.cursor) q += "&cursor=" + url_encode(*f.cursor);
                return ctx.call("GET", "/api/v1/compliance/requests" + q);
            },
            k_request_columns);
    };

    auto& create = table.add("compliance", "request-create",
                             "Record a data-subject request received for a person (deadline: 30 days under GDPR, "
                             "45 under CCPA)");
    create.option("--user", &a->user, "the person: a user id or an email address", true)
        .choice("--type", &a->type, {"access", "erasure", "rectification", "portability"}, "what the person asks for")
        .choice("--regulation", &a->regulation, {"gdpr", "ccpa"}, "the law it is made under (default gdpr when enabled)")
        .option("--details", &a->details, "what the person wrote");
    create.example = "janua compliance request-create --user ada@example.com --type access";
    create.run = [a](CliContext& ctx) {
        if (a->type.empty()) return ctx.fail("--type is required (access, erasure, rectification or portability)", exit_usage);
        compliance::NewSubjectRequest in;
        in.user = a->user;
        in.type = a->type;
        if (!a->regulation.empty()) in.regulation = a->regulation;
        if (!a->details.empty()) in.details = a->details;
        return run_compliance(
            ctx, [&](compliance::ComplianceService& svc) { return json_result(svc.create_request(in, k_cli_actor)); },
            [&]() -> Result<nlohmann::json> {
                nlohmann::json body = {{"user_id", in.user}, {"type", in.type}};
                if (in.regulation) body["regulation"] = *in.regulation;
                if (in.details) body["details"] = *in.details;
                return ctx.call("POST", "/api/v1/compliance/requests", body);
            });
    };

    auto& update = table.add("compliance", "request-update",
                             "Move a data-subject request along: status, assignee, resolution, extended deadline");
    update.option("id", &a->id, "the request id", true)
        .choice("--status", &a->status, {"received", "in_progress", "completed", "rejected", "cancelled"}, "the new status")
        .option("--assignee", &a->assignee, "a platform administrator (id or email) who handles it")
        .flag("--unassign", &a->unassign, "remove the assignee")
        .option("--resolution", &a->resolution, "what was done, or why it was rejected (required to reject)")
        .option("--deadline", &a->deadline, "extended deadline, RFC 3339 (at most 90 days after receipt)");
    update.example = "janua compliance request-update REQUEST_ID --status in_progress --assignee dpo@example.com";
    update.run = [a](CliContext& ctx) {
        compliance::SubjectRequestUpdate u;
        nlohmann::json body = nlohmann::json::object();
        auto set = [&](std::optional<std::string>& field, const std::string& value, const char* name) {
            if (value.empty()) return;
            field = value;
            body[name] = *field;
        };
        set(u.status, a->status, "status");
        set(u.assignee, a->assignee, "assignee");
        set(u.resolution, a->resolution, "resolution");
        set(u.deadline_at, a->deadline, "deadline_at");
        if (a->unassign) {
            u.assignee = std::string();
            body["assignee"] = nullptr;
        }
        if (body.empty()) return ctx.fail("nothing to change: give --status, --assignee, --resolution or --deadline", exit_usage);
        return run_compliance(
            ctx, [&](compliance::ComplianceService& svc) { return json_result(svc.update_request(a->id, u, k_cli_actor)); },
            [&] { return ctx.call("PATCH", "/api/v1/compliance/requests/" + url_encode(a->id), body); });
    };
}

void add_retention(CommandTable& table, const std::shared_ptr<ComplianceArgs>& a) {
    auto& list = table.add("compliance", "retention",
                           "Show how long each category of records is kept (policies, or the default)");
    list.example = "janua compliance retention";
    list.run = [](CliContext& ctx) {
        return run_compliance(
            ctx, [&](compliance::ComplianceService& svc) { return json_list(svc.retention_policies()); },
            [&] { return ctx.call("GET", "/api/v1/compliance/retention-policies"); }, k_policy_columns);
    };

    auto& set = table.add("compliance", "retention-set",
                          "Keep a category of records for DAYS days (sessions, jobs, webhook_deliveries, "
                          "data_subject_requests, consent_records, inactive_users, audit_details)");
    set.option("category", &a->category, "the category of records", true)
        .option("--days", &a->days, "days to keep them (1-36500)")
        .flag("--disable", &a->disable, "keep the policy but do not apply it");
    set.example = "janua compliance retention-set sessions --days 90";
    set.run = [a](CliContext& ctx) {
        if (a->days <= 0) return ctx.fail("--days is required (1-36500)", exit_usage);
        return run_compliance(
            ctx,
            [&](compliance::ComplianceService& svc) {
                return json_result(svc.set_retention_policy(a->category, a->days, !a->disable, k_cli_actor));
            },
            [&] {
                return ctx.call("PUT", "/api/v1/compliance/retention-policies/" + url_encode(a->category),
                                {{"retention_days", a->days}, {"enabled", !a->disable}});
            });
    };

    auto& unset = table.add("compliance", "retention-unset",
                            "Remove a category's policy: DEFAULT_RETENTION_PERIOD_DAYS applies again");
    unset.option("category", &a->category, "the category of records", true);
    unset.example = "janua compliance retention-unset sessions";
    unset.run = [a](CliContext& ctx) {
        const nlohmann::json done = {{"deleted", true}, {"category", a->category}};
        return run_compliance(
            ctx, [&](compliance::ComplianceService& svc) { return status_as(svc.delete_retention_policy(a->category, k_cli_actor), done); },
            [&] { return remote_as(ctx.call("DELETE", "/api/v1/compliance/retention-policies/" + url_encode(a->category)), done); });
    };

    auto& run = table.add("compliance", "retention-run",
                          "Apply every retention policy now (the daemon also does it every "
                          "COMPLIANCE_RETENTION_INTERVAL_MINUTES)");
    run.example = "janua compliance retention-run --output json";
    run.run = [](CliContext& ctx) {
        return run_compliance(
            ctx, [&](compliance::ComplianceService& svc) { return json_result(svc.run_retention(k_cli_actor)); },
            [&] { return ctx.call("POST", "/api/v1/compliance/retention/run"); });
    };
}

const std::vector<Column> k_org_policy_columns = {{"category", "CATEGORY"},
                                                  {"retention_days", "ORG DAYS"},
                                                  {"platform_retention_days", "PLATFORM DAYS"},
                                                  {"effective_retention_days", "APPLIED"}};

void add_org_retention(CommandTable& table, const std::shared_ptr<ComplianceArgs>& a) {
    auto& list = table.add("compliance", "org-retention",
                           "Show an organization's own retention (sessions, inactive_members, audit_details) next to "
                           "the platform's bound and what the sweep applies");
    list.option("org", &a->org, "the organization (id or slug)", true);
    list.example = "janua compliance org-retention acme";
    list.run = [a](CliContext& ctx) {
        return run_compliance(
            ctx, [&](compliance::ComplianceService& svc) { return json_list(svc.org_retention_policies(a->org)); },
            [&] { return ctx.call("GET", "/api/v1/organizations/" + url_encode(a->org) + "/compliance/retention-policies"); },
            k_org_policy_columns);
    };

    auto& set = table.add("compliance", "org-retention-set",
                          "Keep an organization's data of a category for DAYS days: sessions (after they end), "
                          "inactive_members (memberships of members not signed in for that long; accounts stay), "
                          "audit_details (IP, user agent and details of its audit entries). At most the platform's "
                          "policy for the same data (see `janua compliance retention`)");
    set.option("org", &a->org, "the organization (id or slug)", true)
        .option("category", &a->category, "sessions, inactive_members or audit_details", true)
        .option("--days", &a->days, "days to keep them (1 to the platform's policy)");
    set.example = "janua compliance org-retention-set acme sessions --days 30";
    set.run = [a](CliContext& ctx) {
        if (a->days <= 0) return ctx.fail("--days is required (1 to the platform's policy)", exit_usage);
        return run_compliance(
            ctx,
            [&](compliance::ComplianceService& svc) {
                return json_result(svc.set_org_retention_policy(a->org, a->category, a->days, k_cli_actor));
            },
            [&] {
                return ctx.call("PUT", "/api/v1/organizations/" + url_encode(a->org) + "/compliance/retention-policies/" +
                                           url_encode(a->category),
                                {{"retention_days", a->days}});
            });
    };

    auto& unset = table.add("compliance", "org-retention-unset",
                            "Remove an organization's policy for a category: the platform's applies again");
    unset.option("org", &a->org, "the organization (id or slug)", true)
        .option("category", &a->category, "sessions, inactive_members or audit_details", true);
    unset.example = "janua compliance org-retention-unset acme sessions";
    unset.run = [a](CliContext& ctx) {
        const nlohmann::json done = {{"deleted", true}, {"organization", a->org}, {"category", a->category}};
        return run_compliance(
            ctx,
            [&](compliance::ComplianceService& svc) {
                return status_as(svc.delete_org_retention_policy(a->org, a->category, k_cli_actor), done);
            },
            [&] {
                return remote_as(ctx.call("DELETE", "/api/v1/organizations/" + url_encode(a->org) +
                                                        "/compliance/retention-policies/" + url_encode(a->category)),
                                 done);
            });
    };
}

}  // namespace

void add_compliance_commands(CommandTable& table) {
    table.noun("compliance", "Privacy compliance: export and erase personal data, data-subject requests, retention");
    auto a = std::make_shared<ComplianceArgs>();
    add_export(table, a);
    add_requests(table, a);
    add_retention(table, a);
    add_org_retention(table, a);
}

}  // namespace janua::cli
