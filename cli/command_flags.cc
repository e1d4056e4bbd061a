// Flags and steps several commands share.
#include <unistd.h>

#include <iostream>

#include "commands.h"
#include "file_selection.h"
#include "text_escape.h"

namespace anidb::cli {

void add_selection_flags(CLI::App& cmd, SelectionFlags& flags) {
    cmd.add_option("paths", flags.paths, "Files and folders")->required()->type_name("PATH");
    cmd.add_flag("-r,--recursive", flags.recursive, "Walk folders");
    cmd.add_flag("--all-files", flags.all_files,
                 "Take every file under a folder, not just media files (mkv, mp4, avi, ...)");
    cmd.add_option("--include", flags.include,
                   "Take only files matching GLOB under folders (repeatable; adds to hash.include)")
        ->type_name("GLOB");
    cmd.add_option("--exclude", flags.exclude,
                   "Skip files and folders matching GLOB (repeatable; adds to hash.exclude)")
        ->type_name("GLOB");
}

void add_hashing_flags(CLI::App& cmd, HashingFlags& flags) {
    cmd.add_flag("--no-cache", flags.no_cache, "Neither read nor write the cache: hash every file");
    cmd.add_option("-j,--jobs", flags.jobs, "Files hashed at once (default: one per core)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    cmd.add_option(
           "--io-jobs-per-device", flags.io_jobs_per_device,
           "Files read at once from one disk (default: 1 for spinning disks, 4 for SSD/NVMe)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
}

std::vector<std::string> resolve_files(const SelectionFlags& flags, const Settings& settings,
                                       size_t& failures) {
    FileFilter filter;
    filter.recursive = flags.recursive;
    filter.all_files = flags.all_files;
    filter.include = settings.list("include");
    filter.include.insert(filter.include.end(), flags.include.begin(), flags.include.end());
    filter.exclude = settings.list("exclude");
    filter.exclude.insert(filter.exclude.end(), flags.exclude.begin(), flags.exclude.end());
    FileSelection selection = select_files(flags.paths, filter);
    for (const SelectionProblem& p : selection.problems) {
        std::cerr << "anidb: " << printable(p.path) << ": " << p.message << '\n';
        ++failures;
    }
    return std::move(selection.files);
}

bool progress_wanted(const AppContext& ctx) {
    return !ctx.global.quiet && ::isatty(STDERR_FILENO) == 1;
}

HashRunOptions hash_run_options(std::vector<hash::Algorithm> algorithms, bool use_cache,
                                const HashingFlags& flags, const Settings& settings,
                                const AppContext& ctx) {
    const auto configured = [&](size_t flag, const char* key) {
        return flag != 0 ? flag : static_cast<size_t>(settings.integer(key).value_or(0));
    };
    HashRunOptions run;
    run.algorithms = std::move(algorithms);
    run.use_cache = use_cache;
    run.jobs = configured(flags.jobs, "jobs");
    run.io_jobs_per_device = configured(flags.io_jobs_per_device, "io_jobs_per_device");
    run.progress = progress_wanted(ctx);
    return run;
}

}  // namespace anidb::cli
