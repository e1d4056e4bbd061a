// Each command registers its subcommand, flags and help on the app; the
// subcommand's callback runs it and stores the exit code in the context.
#pragma once

#include <CLI/CLI.hpp>

#include "client_setup.h"
#include "hash_run.h"

namespace anidb::cli {

void add_hash_command(CLI::App& app, AppContext& ctx);
void add_check_command(CLI::App& app, AppContext& ctx);
void add_identify_command(CLI::App& app, AppContext& ctx);
void add_mylist_command(CLI::App& app, AppContext& ctx);
// `mylist show`, `mylist remove`, `mylist watched` (cmd_mylist_files.cc).
void add_mylist_file_commands(CLI::App& mylist, AppContext& ctx);
void add_anime_commands(CLI::App& app, AppContext& ctx);  // anime, episode, group
void add_queue_command(CLI::App& app, AppContext& ctx);
void add_rename_command(CLI::App& app, AppContext& ctx);
void add_cache_command(CLI::App& app, AppContext& ctx);
void add_config_command(CLI::App& app, AppContext& ctx);
void add_session_command(CLI::App& app, AppContext& ctx);
void add_watch_command(CLI::App& app, AppContext& ctx);

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
    bool refresh = false;  // commands that ask AniDB: --refresh
    size_t jobs = 0;
    size_t io_jobs_per_device = 0;
};
// --no-cache, -j/--jobs, --io-jobs-per-device.
void add_hashing_flags(CLI::App& cmd, HashingFlags& flags);
// -j/--jobs and --io-jobs-per-device only.
void add_job_flags(CLI::App& cmd, HashingFlags& flags);
// --refresh, for the commands that ask AniDB.
void add_refresh_flag(CLI::App& cmd, HashingFlags& flags);
// The client option "cache.answers" these flags ask for: "off" for
// --no-cache, "refresh" for --refresh, else "use".
const char* answer_cache_policy(const HashingFlags& flags);

// A whole number from 1 to `max`; its message is short ("must be a whole
// number of at least 1 (at most 1024), not '0'") instead of CLI11's range
// of doubles.
CLI::Validator count_from_one(size_t max);

// Resolves the selection (config globs + flags) into files; problems are
// reported on stderr and counted in `failures`.
std::vector<std::string> resolve_files(const SelectionFlags& flags, const Settings& settings,
                                       size_t& failures);

// Starts the run's status area (drawn when stderr is a terminal and not
// --quiet); results and messages then go above it until the console ends it.
StatusArea& begin_status(const AppContext& ctx);

// How every hashing command runs: --jobs / --io-jobs-per-device, else the
// config file's `jobs` / `io_jobs_per_device`; progress into the console's
// status area.
HashRunOptions hash_run_options(std::vector<hash::Algorithm> algorithms, bool use_cache,
                                const HashingFlags& flags, const Settings& settings,
                                const AppContext& ctx);

// The summary line after a run (on stderr): printed when the status area
// was drawn or with --verbose.
void print_summary(const AppContext& ctx, const std::string& text);

}  // namespace anidb::cli

namespace anidb::cli {

// Text of a file-level failure from the hashing step.
std::string failure_text(const Result<client::FileResult>& result);

}  // namespace anidb::cli
