// `anidb session status|logout`
#include <iostream>

#include "anidb/cooldown.h"
#include "commands.h"
#include "exit_codes.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

int run_status(AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    auto client = create_client(*settings, ctx);
    if (!client) return report_error(client.error());
    const client::ClientConfig config = (*client)->config_snapshot();
    std::cout << "server:         " << config.server_host << ':' << config.server_port << '\n'
              << "local port:     " << config.local_port << '\n'
              << "client:         " << config.client_name << ' ' << config.client_version << '\n'
              << "username:       " << (config.username.empty() ? "(not set)" : config.username)
              << '\n'
              << "password:       " << (config.password.empty() ? "(not set)" : "(set)") << '\n'
              << "encryption:     " << (config.encrypt ? "on" : "off") << '\n'
              << "state/cache:    " << config.database_path().string() << '\n';
    if (const std::string problem = (*client)->cache_problem(); !problem.empty()) {
        std::cout << "cache problem:  " << printable(problem) << '\n';
    }
    // Shared by every AniDB program of this machine (rate limit, cool-downs).
    std::cout << "host state:     " << printable((*client)->anidb_host_state_dir().string())
              << '\n';
    if (const auto cooldown = (*client)->anidb_cooldown()) {
        std::cout << "cool-down:      " << printable(udp::cooldown_error(*cooldown).message)
                  << '\n';
    }
    return kExitOk;
}

int run_logout(AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    auto client = create_client(*settings, ctx);
    if (!client) return report_error(client.error());
    if (Status st = (*client)->logout(); !st) return report_error(st.error());
    // Client::logout also ends a session an earlier run kept for reuse.
    if (ctx.global.verbose) std::cerr << "anidb: logged out\n";
    return kExitOk;
}

}  // namespace

void add_session_command(CLI::App& app, AppContext& ctx) {
    CLI::App* session = app.add_subcommand("session", "AniDB session: status and logout");
    session->require_subcommand(1);
    session
        ->add_subcommand("status",
                         "Show the server, account and state the session uses (no password)")
        ->callback([&ctx] { ctx.exit_code = run_status(ctx); });
    session->add_subcommand("logout", "End a saved AniDB session now")->callback([&ctx] {
        ctx.exit_code = run_logout(ctx);
    });
}

}  // namespace anidb::cli
