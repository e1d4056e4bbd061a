// Each command registers its subcommand, flags and help on the app; the
// subcommand's callback runs it and stores the exit code in the context.
#pragma once

#include <CLI/CLI.hpp>

#include "client_setup.h"
#include "file_hasher.h"

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

// How every hashing command runs: --jobs / --io-jobs-per-device, else the
// config file's `jobs` / `io_jobs_per_device`; the bar when progress_wanted.
HashRunOptions hash_run_options(std::vector<hash::Algorithm> algorithms, bool use_cache,
                                const HashingFlags& flags, const Settings& settings,
                                const AppContext& ctx);

}  // namespace anidb::cli

namespace anidb::cli {

// Text of a file-level failure from the hashing step.
std::string failure_text(const Result<client::FileResult>& result);

}  // namespace anidb::cli
