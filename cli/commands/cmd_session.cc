// `anidb session status|logout`
#include <ctime>
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "exit_codes.h"
#include "text_escape.h"
#include "units.h"

namespace anidb::cli {

namespace {

std::string local_time(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buffer[64];
    const size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S %Z", &tm);
    return std::string(buffer, n);
}

// "live (last used 3 min 5 s ago, from local port 45678)" and the like.
std::string session_line(const client::SessionStatus& s) {
    if (s.logged_in) return "live (this process)";
    if (!s.stored) return "none (the next command that asks AniDB logs in)";
    const double age =
        std::chrono::duration<double>(std::chrono::system_clock::now() - s.stored_last_used)
            .count();
    if (!s.stored_reusable) {
        return fmt::format("expired (last used {} ago; the next command logs in again)",
                           human_seconds(age));
    }
    return fmt::format("live (last used {} ago, reused by the next command from local port {})",
                       human_seconds(age), s.stored_local_port);
}

// "banned until 2025-01-01 13:30:00 CET (reason); nothing is sent ..." or "none".
std::string cooldown_line(const client::SessionStatus& s) {
    if (s.cooldown == Errc::ok) return "none";
    const char* what = s.cooldown == Errc::banned           ? "banned"
                       : s.cooldown == Errc::out_of_service ? "AniDB out of service"
                                                            : "no answer from AniDB, backing off";
    std::string line = std::string(what) + " until " + local_time(s.cooldown_until);
    if (!s.cooldown_reason.empty()) line += " (" + printable(s.cooldown_reason) + ")";
    return line + "; nothing is sent to AniDB before then";
}

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
    const client::SessionStatus status = (*client)->session_status();
    std::cout << "session:        " << session_line(status) << '\n';
    std::cout << "cool-down:      " << cooldown_line(status) << '\n';
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
                         "Show the server, account, the live session and any active ban with "
                         "its end (no password, no session key)")
        ->callback([&ctx] { ctx.exit_code = run_status(ctx); });
    session->add_subcommand("logout", "End a saved AniDB session now")->callback([&ctx] {
        ctx.exit_code = run_logout(ctx);
    });
}

}  // namespace anidb::cli
