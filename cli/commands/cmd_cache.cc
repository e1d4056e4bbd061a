// `anidb cache stats|clear|vacuum`
#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "units.h"

namespace anidb::cli {

namespace {

enum class CacheAction { stats, clear, vacuum };

int run_cache(CacheAction action, AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    auto client = create_client(*settings, ctx);
    if (!client) return report_error(client.error());
    const std::string problem = (*client)->cache_problem();
    if (!problem.empty())
        return report_error(make_error(Errc::cache, "the cache is unusable: " + problem));
    switch (action) {
        case CacheAction::stats: {
            auto stats = (*client)->cache_stats();
            if (!stats) return report_error(stats.error());
            std::cout << "database:      " << (*client)->config_snapshot().database_path().string()
                      << '\n'
                      << "hash entries:  " << stats->entries << '\n'
                      << "anidb entries: " << stats->anidb_entries << '\n'
                      << "size:          " << human_bytes(static_cast<double>(stats->bytes)) << " ("
                      << stats->bytes << " bytes)\n";
            return kExitOk;
        }
        case CacheAction::clear: {
            if (Status st = (*client)->cache_clear(); !st) return report_error(st.error());
            if (!ctx.global.quiet) std::cerr << "anidb: cache cleared\n";
            return kExitOk;
        }
        case CacheAction::vacuum: {
            if (Status st = (*client)->cache_vacuum(); !st) return report_error(st.error());
            if (!ctx.global.quiet) std::cerr << "anidb: cache compacted\n";
            return kExitOk;
        }
    }
    return kExitOk;
}

}  // namespace

void add_cache_command(CLI::App& app, AppContext& ctx) {
    CLI::App* cache = app.add_subcommand("cache", "Inspect or maintain the cache database");
    cache->require_subcommand(1);
    cache->footer("The cache lives in cache.dir (default $XDG_DATA_HOME/anidb/anidb.db).");
    cache->add_subcommand("stats", "Show entry counts and size")->callback([&ctx] {
        ctx.exit_code = run_cache(CacheAction::stats, ctx);
    });
    cache->add_subcommand("clear", "Forget every cached hash, AniDB answer and MyList state (keeps the queue and titles)")->callback([&ctx] {
        ctx.exit_code = run_cache(CacheAction::clear, ctx);
    });
    cache->add_subcommand("vacuum", "Compact the database file")->callback([&ctx] {
        ctx.exit_code = run_cache(CacheAction::vacuum, ctx);
    });
}

}  // namespace anidb::cli
