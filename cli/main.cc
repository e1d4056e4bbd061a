// anidb: hash, check and identify anime files, manage the AniDB MyList,
// rename files by template. See anidb(1) and docs/cli.md.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>

#include <CLI/CLI.hpp>

#include "cancellation.h"
#include "commands.h"
#include "console.h"
#include "exit_codes.h"

#ifndef ANIDB_CLI_VERSION
#define ANIDB_CLI_VERSION "0"
#endif

namespace {

constexpr const char* kFooter =
    "Configuration: $XDG_CONFIG_HOME/anidb/config.toml (see `anidb config --help`), then\n"
    "ANIDB_* environment variables (ANIDB_USERNAME, ANIDB_PASSWORD, ANIDB_SERVER=host:port,\n"
    "ANIDB_CLIENT_NAME, ANIDB_CLIENT_VERSION, ANIDB_LOCAL_PORT, ANIDB_CACHE_DIR, ...), then\n"
    "flags. Results go to standard output, progress and messages to standard error.\n"
    "Run `anidb COMMAND --help` for a command's flags.\n\n";

// CLI11 reports an unknown command only as "A subcommand is required"; name
// it instead. Returns the first word that is not an option or option value.
std::string first_command_word(int argc, char** argv) {
    static const std::set<std::string> kTakesValue{
        "-c",         "--config",      "--server",         "--cache-dir",     "-u",
        "--username", "--client-name", "--client-version", "--interval-scale"};
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (kTakesValue.count(arg) != 0) {
            ++i;
        } else if (arg.empty() || arg[0] != '-') {
            return arg;
        }
    }
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    using namespace anidb::cli;
    // The console starts no thread; it outlives the signal watcher, which
    // prints through it.
    Console console([](const char* name) -> const char* { return std::getenv(name); });
    // Before any thread exists, so every thread inherits the blocked signals.
    Cancellation cancellation;
    AppContext ctx;
    ctx.cancellation = &cancellation;
    ctx.console = &console;
    // "interrupted" goes above the status area, not into it.
    cancellation.set_message_printer(
        [&console](const std::string& text) { console.message(text); });

    CLI::App app{"anidb: hash, identify and catalogue anime files against AniDB", "anidb"};
    app.fallthrough();  // global flags also after the command
    app.require_subcommand(1);
    app.footer(std::string(kFooter) + kExitCodeHelp);
    app.set_version_flag("-V,--version", std::string("anidb ") + ANIDB_CLI_VERSION);
    app.add_option("-c,--config", ctx.global.config_path,
                   "Config file (default $XDG_CONFIG_HOME/anidb/config.toml)")
        ->type_name("FILE");
    app.add_option("--server", ctx.global.server,
                   "AniDB UDP server host:port (default api.anidb.net:9000)")
        ->type_name("HOST:PORT");
    app.add_option("--cache-dir", ctx.global.cache_dir, "Folder of the cache database")
        ->type_name("DIR");
    app.add_option("-u,--username", ctx.global.username, "AniDB user name")->type_name("NAME");
    app.add_option("--client-name", ctx.global.client_name, "Registered AniDB client name")
        ->type_name("NAME");
    app.add_option("--client-version", ctx.global.client_version, "Registered AniDB client version")
        ->type_name("N");
    app.add_option("--interval-scale", ctx.global.interval_scale,
                   "Scale AniDB flood intervals (honoured for loopback test servers only)")
        ->group("");
    app.add_flag("-q,--quiet", ctx.global.quiet, "No status area, no summary, fewer messages");
    app.add_flag("-v,--verbose", ctx.global.verbose,
                 "Print the summary line (files, bytes, cache hits, time) even when stderr is "
                 "not a terminal");

    add_hash_command(app, ctx);
    add_check_command(app, ctx);
    add_identify_command(app, ctx);
    add_mylist_command(app, ctx);
    add_rename_command(app, ctx);
    add_cache_command(app, ctx);
    add_config_command(app, ctx);
    add_session_command(app, ctx);
    add_anime_commands(app, ctx);
    add_queue_command(app, ctx);
    add_watch_command(app, ctx);
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        sub->footer(sub->get_footer() + (sub->get_footer().empty() ? "" : "\n") +
                    "Global options (--config, --server, --cache-dir, --username, --quiet, "
                    "--verbose, ...)\n"
                    "may be given before or after the command; see anidb --help.\n");
    }

    if (const std::string word = first_command_word(argc, argv); !word.empty()) {
        const auto subs = app.get_subcommands([](CLI::App*) { return true; });
        const bool known = std::any_of(subs.begin(), subs.end(),
                                       [&](CLI::App* s) { return s->get_name() == word; });
        if (!known) {
            std::cerr
                << "anidb: unknown command '" << word
                << "' (commands: hash, check, identify, mylist, rename, cache, config, session, "
                   "watch, anime, episode, group, queue)\n"
                   "Run 'anidb --help' for usage.\n";
            return kExitUsage;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "anidb: " << e.what()
                  << "\nRun 'anidb --help' or 'anidb COMMAND --help' for usage.\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        console.finish();
        std::cerr << "anidb: unexpected error: " << e.what() << '\n';
        return kExitSomeFailed;
    }
    console.finish();
    std::cout.flush();
    return ctx.exit_code;
}
