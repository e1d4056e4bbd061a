// Each command registers its subcommand, flags and help on the app; the
// subcommand's callback runs it and stores the exit code in the context.
#pragma once

#include <CLI/CLI.hpp>

#include "client_setup.h"

namespace anidb::cli {

void add_hash_command(CLI::App& app, AppContext& ctx);
void add_check_command(CLI::App& app, AppContext& ctx);
void add_identify_command(CLI::App& app, AppContext& ctx);
void add_mylist_command(CLI::App& app, AppContext& ctx);
void add_rename_command(CLI::App& app, AppContext& ctx);
void add_cache_command(CLI::App& app, AppContext& ctx);
void add_config_command(CLI::App& app, AppContext& ctx);
void add_session_command(CLI::App& app, AppContext& ctx);

// Shared flag sets.
struct SelectionFlags {
    std::vector<std::string> paths;
    bool recursive = false;
    bool all_files = false;
    std::vector<std::string> include, exclude;
};
void add_selection_flags(CLI::App& cmd, SelectionFlags& flags);

struct HashingFlags {
    bool no_cache = false;
    size_t jobs = 0;
    size_t io_jobs_per_device = 0;
};
void add_hashing_flags(CLI::App& cmd, HashingFlags& flags);

// Resolves the selection (config globs + flags) into files; problems are
// reported on stderr and counted in `failures`.
std::vector<std::string> resolve_files(const SelectionFlags& flags, const Settings& settings,
                                       size_t& failures);

// Whether to draw the progress bar: stderr is a terminal and not --quiet.
bool progress_wanted(const AppContext& ctx);

}  // namespace anidb::cli

namespace anidb::cli {

// AniDB's answer for a hashed file (ed2k first in result.hashes): the cache,
// then AniDB; a size that is an exact multiple of the ED2K chunk is retried
// with the other ED2K variant when AniDB does not know the first.
Result<client::AnimeInfo> identify_hashed(client::Client& client, const std::string& path,
                                          const client::FileResult& result, std::stop_token stop);

// Text of a file-level failure from the hashing step.
std::string failure_text(const Result<client::FileResult>& result);

}  // namespace anidb::cli
