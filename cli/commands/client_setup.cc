#include "client_setup.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "anidb/session.h"
#include "console.h"
#include "exit_codes.h"
#include "status_area.h"
#include "text_escape.h"

namespace anidb::cli {

Result<Settings> load_settings(const GlobalOptions& global) {
    const EnvLookup env = [](const char* name) -> const char* { return std::getenv(name); };
    const bool explicit_path = !global.config_path.empty();
    const std::filesystem::path path =
        explicit_path ? std::filesystem::path(global.config_path) : default_config_path(env);
    auto settings = Settings::load(path, explicit_path, env);
    // Every configuration problem is a usage error (exit 2).
    if (!settings) return make_error(Errc::invalid_parameter, settings.error().message);
    const std::pair<const char*, const std::string*> flags[] = {
        {"server", &global.server},
        {"cache_dir", &global.cache_dir},
        {"username", &global.username},
        {"client_name", &global.client_name},
        {"client_version", &global.client_version},
        {"interval_scale", &global.interval_scale},
    };
    for (const auto& [key, value] : flags) {
        if (value->empty()) continue;
        if (Status st = settings->set_flag(key, *value); !st) {
            return make_error(Errc::invalid_parameter, st.error().message);
        }
    }
    for (const std::string& w : settings->warnings()) std::cerr << "anidb: " << w << '\n';
    return settings;
}

Result<std::shared_ptr<client::Client>> create_client(const Settings& settings, AppContext& ctx,
                                                      bool cache, std::string_view answers) {
    client::ClientConfig config;
    for (const auto& [key, value] : settings.library_options()) {
        if (Status st = config.set_option(key, value); !st) {
            return make_error(Errc::invalid_parameter, st.error().message);
        }
    }
    if (!cache) config.cache_enabled = false;
    if (Status st = config.set_option("cache.answers", answers); !st) return st.error();
    auto created = client::Client::create(std::move(config));
    if (!created) return created.error();
    std::shared_ptr<client::Client> client = *created;
    if (cache && !client->cache_problem().empty() && !ctx.global.quiet) {
        std::cerr << "anidb: warning: working without the cache: " << client->cache_problem()
                  << '\n';
    }
    // Cache problems that fail no file (a damaged entry, hashes not stored):
    // the library reports each kind once and sums up at the end of the run.
    if (cache && !ctx.global.quiet && ctx.console != nullptr) {
        Console* console = ctx.console;
        client->events().add_error(
            [console](Errc code, const std::string& message, const std::string&) {
                if (code != Errc::cache) return;
                console->message("anidb: warning: " + printable(message));
            });
    }
    if (!ctx.global.quiet && ::isatty(STDERR_FILENO) == 1 && ctx.console != nullptr) {
        // Another AniDB program of this machine holds the host-wide lock (or
        // the local port): say so, once per wait, above the status area
        // (whose AniDB line shows every wait, rate-limit ones included).
        Console* console = ctx.console;
        client->events().add_event([console](const client::Event& e) {
            if (e.type != client::EventType::network_wait || e.number != 0) return;
            console->message("anidb: " + printable(e.context) + " ...");
        });
    }
    if (ctx.cancellation != nullptr) {
        std::weak_ptr<client::Client> weak = client;
        ctx.cancellation->on_interrupt([weak] {
            if (auto c = weak.lock()) c->shutdown();
        });
    }
    return client;
}

AnidbActivityFeed::AnidbActivityFeed(client::Client& client, StatusArea& status) : client_(client) {
    status.show_anidb();
    // The connected callback, not an EVENT callback: events it takes are
    // not also queued for a poll() the command never makes.
    client_.events().connect(
        [&status](const client::Event& event) { status.on_client_event(event); });
}

AnidbActivityFeed::~AnidbActivityFeed() {
    client_.events().disconnect();
}

int report_error(const Error& error) {
    std::cerr << "anidb: " << printable(error.message);
    if (error.message.empty()) std::cerr << errc_description(error.code);
    std::cerr << '\n';
    return exit_code_for(error.code);
}

void finish_session(client::Client& client, const AppContext& ctx) {
    if (ctx.cancellation != nullptr && ctx.cancellation->interrupted()) {
        // Never wait for AniDB after Ctrl-C: LOGOUT only if it fits at once.
        if (Status st = client.logout({}, client::kStopLogoutPatience); !st && ctx.global.verbose) {
            std::cerr << "anidb: no logout: " << printable(st.error().message) << '\n';
        }
        return;
    }
    // Kept for the next run when the cache stores it, else LOGOUT; a Ctrl-C
    // meanwhile ends the wait at once.
    client.end_session(udp::kClosePatience,
                       ctx.cancellation != nullptr ? ctx.cancellation->token() : std::stop_token{});
}

}  // namespace anidb::cli
