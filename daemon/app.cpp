#include "daemon/app.hpp"

#include "core/common/log.hpp"
#include "core/config/config.hpp"
#include "core/db/migrations.hpp"
#include "daemon/pipeline.hpp"
#include "daemon/routes/routes.hpp"
#include "daemon/server.hpp"
#include "daemon/services.hpp"
#include "core/db/notification_listener.hpp"

#include <CLI/CLI.hpp>

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <thread>

namespace janua {
namespace {

struct DaemonOptions {
    std::string config_file;
    std::string listen;
    std::string database_url;
    std::string log_level;
    std::vector<std::string> settings;  // KEY=VALUE
    bool migrate = false;
    bool check_config = false;
};

int fail(const std::string& message, int code = 1) {
    std::cerr << "januad: " << message << "\n";
    return code;
}

std::optional<std::string> load_config(const DaemonOptions& options, config::Loaded& out) {
    config::LoadInput input;
    if (!options.config_file.empty()) input.config_file = options.config_file;
    if (!options.listen.empty()) input.flags["JANUA_LISTEN"] = options.listen;
    if (!options.database_url.empty()) input.flags["DATABASE_URL"] = options.database_url;
    if (!options.log_level.empty()) input.flags["LOG_LEVEL"] = options.log_level;
    for (const auto& assignment : options.settings) {
        const auto eq = assignment.find('=');
        if (eq == std::string::npos || eq == 0) return "--set expects KEY=VALUE (got '" + assignment + "')";
        input.flags[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    }
    auto loaded = config::load(input);
    if (!loaded) return loaded.error().message;
    out = std::move(loaded.value());
    return std::nullopt;
}

// Waits for SIGTERM/SIGINT on a dedicated thread (the signals are blocked everywhere else).
class SignalWatcher {
public:
    SignalWatcher() {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGTERM);
        sigaddset(&m_set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &m_set, nullptr);
        // A peer closing its socket mid-write must not kill the daemon.
        signal(SIGPIPE, SIG_IGN);
    }
    int wait() {
        int received = 0;
        sigwait(&m_set, &received);
        return received;
    }

private:
    sigset_t m_set{};
};

int serve(const config::Loaded& loaded) {
    daemon::DaemonContext context;
    context.config = loaded.config;
    const auto& cfg = context.config;

    daemon::ServerSettings server_settings;
    if (!daemon::parse_listen_address(cfg.listen, server_settings.host, server_settings.port))
        return fail("invalid setting JANUA_LISTEN: must be HOST:PORT (got '" + cfg.listen + "')", 2);
    server_settings.threads = cfg.http_threads;
    server_settings.max_body_bytes = static_cast<size_t>(cfg.max_request_body_bytes);
    server_settings.tls_cert_file = cfg.tls_cert;
    server_settings.tls_key_file = cfg.tls_key;

    const db::PoolSettings pool_settings{cfg.database_url, cfg.database_pool_size, cfg.database_connect_timeout_seconds,
                                         cfg.database_acquire_timeout_ms, cfg.database_statement_timeout_ms, "januad"};
    daemon::build_services(context, pool_settings);
    if (auto devices = daemon::build_device_services(context); !devices) return fail(devices.error().message, 2);
    if (auto files = daemon::build_avatar_services(context); !files) return fail(files.error().message, 2);
    if (auto billing = daemon::build_billing_services(context); !billing) return fail(billing.error().message, 2);
    try {
        (void)context.keys->ensure_keys();  // a fresh database gets its first keys now
    } catch (const std::exception& e) {
        log::warn("signing keys not loaded yet; readiness will retry", {{"error", e.what()}});
    }
    // Key changes made elsewhere (janua keys rotate, another daemon) arrive through NOTIFY.
    db::NotificationListener key_listener(pool_settings, tokens::k_keys_channel, [&context] {
        try {
            context.keys->reload();
        } catch (const std::exception& e) {
            log::warn("cannot reload signing keys", {{"error", e.what()}});
        }
    });
    key_listener.start();
    // Runtime system settings (and maintenance mode): a trigger NOTIFYs janua_settings on every change.
    daemon::refresh_runtime_settings(context);
    db::NotificationListener settings_listener(pool_settings, admin::k_settings_channel,
                                               [&context] { daemon::refresh_runtime_settings(context); });
    settings_listener.start();
    // New audit entries (NOTIFY janua_audit at each commit that wrote some): the event stream's
    // hub hands them out; the alert evaluator, on a connection of its own, checks the rules.
    db::NotificationListener audit_listener(pool_settings, events::k_audit_channel,
                                            [&context] { context.event_hub->poll(); });
    audit_listener.start();
    db::NotificationListener alert_listener(
        pool_settings, events::k_audit_channel,
        [&context] { (void)context.alert_evaluator->run(); }, std::chrono::seconds(30));
    if (cfg.alerts_enabled) alert_listener.start();
    daemon::BackgroundWork background(context, pool_settings);
    background.start();

    daemon::Router router;
    daemon::register_all_routes(router, context);
    daemon::Pipeline pipeline(router, context);
    daemon::HttpServer server(server_settings, pipeline);

    SignalWatcher signals;  // before any thread starts, so every thread inherits the mask
    if (auto problem = server.bind(); !problem.empty()) return fail(problem);
    log::info("listening", {{"address", server_settings.host}, {"port", server.port()},
                            {"threads", server_settings.threads}, {"tls", !server_settings.tls_cert_file.empty()},
                            {"version", JANUA_VERSION}});

    std::thread serving([&server] { server.serve(); });
    const int signal_number = signals.wait();
    log::info("shutting down", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
                                {"grace_seconds", cfg.shutdown_grace_seconds}});
    context.shutting_down = true;
    context.event_hub->shutdown();  // open event streams end now, so the server can stop

    // Bounded drain: if in-flight requests outlive the grace period, leave anyway.
    std::mutex done_mutex;
    std::condition_variable done_cv;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock lock(done_mutex);
        if (!done_cv.wait_for(lock, std::chrono::seconds(cfg.shutdown_grace_seconds), [&] { return done; })) {
            log::error("shutdown grace period expired with requests still running; exiting");
            std::_Exit(1);
        }
    });
    server.stop();
    serving.join();
    background.stop();
    key_listener.stop();
    audit_listener.stop();
    alert_listener.stop();
    settings_listener.stop();
    context.pool->close_idle();
    {
        std::lock_guard lock(done_mutex);
        done = true;
    }
    done_cv.notify_all();
    watchdog.join();
    log::info("stopped");
    return 0;
}

}  // namespace

int run_daemon(int argc, char** argv) {
    CLI::App app{"januad: the Janua identity server.\n\n"
                 "Serves the Janua HTTP API (authentication, OAuth 2.0 / OpenID Connect, SCIM, SSO, ...)\n"
                 "from a PostgreSQL database. Settings come from built-in defaults, then the config file,\n"
                 "then the environment (DATABASE_URL, JANUA_LISTEN, ...), then these flags.\n"
                 "See januad(8) and janua.yaml(5).",
                 "januad"};
    DaemonOptions options;
    app.add_option("-c,--config", options.config_file, "YAML config file (also JANUA_CONFIG)");
    app.add_option("-l,--listen", options.listen, "HOST:PORT to listen on (default 127.0.0.1:4100)");
    app.add_option("--database-url", options.database_url, "PostgreSQL URL (also DATABASE_URL)");
    app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error");
    app.add_option("--set", options.settings, "override any setting: --set BCRYPT_ROUNDS=10");
    app.add_flag("--migrate", options.migrate, "apply pending database migrations before serving");
    app.add_flag("--check-config", options.check_config, "validate the configuration and exit");
    app.set_version_flag("--version", std::string("januad ") + JANUA_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    config::Loaded loaded;
    if (auto problem = load_config(options, loaded)) return fail(*problem, 2);
    log::init(loaded.config.log_level, "januad");
    for (const auto& warning : loaded.warnings) log::warn(warning);
    if (options.check_config) {
        std::cout << "configuration is valid\n";
        return 0;
    }

    if (options.migrate) {
        db::Migrator migrator(loaded.config.database_url, db::builtin_migrations(),
                              loaded.config.database_connect_timeout_seconds);
        auto report = migrator.migrate([](const db::Migration& m) {
            log::info("applying migration", {{"file", m.file_name}});
        });
        if (!report) return fail(report.error().message);
        log::info("migrations current", {{"applied_now", report->applied_now.size()}});
    }
    try {
        return serve(loaded);
    } catch (const std::exception& e) {
        return fail(std::string("fatal: ") + e.what());
    }
}

}  // namespace janua
