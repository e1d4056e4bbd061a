// Flags and steps several commands share.
#include <charconv>
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "file_selection.h"
#include "text_escape.h"

namespace anidb::cli {

CLI::Validator count_from_one(size_t max) {
    return CLI::Validator(
        [max](std::string& text) -> std::string {
            size_t value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > max) {
                return fmt::format("must be a whole number of at least 1 (at most {}), not '{}'",
                                   max, text);
            }
            return {};
        },
        fmt::format("1..{}", max));
}

void add_selection_flags(CLI::App& cmd, SelectionFlags& flags) {
    cmd.add_option("paths", flags.paths, "Files and folders")->required()->type_name("PATH");
    cmd.add_flag("-r,--recursive", flags.recursive, "Walk folders");
    cmd.add_flag("--all-files", flags.all_files,
                 "Take every file under a folder, not just media files (mkv, mp4, avi, ...)");
    // One value per occurrence (allow_extra_args(false)): `--include '*.mkv' DIR`
    // must not take DIR for a second glob.
    cmd.add_option("--include", flags.include,
                   "Take only files matching GLOB under folders (repeatable; adds to hash.include)")
        ->allow_extra_args(false)
        ->type_name("GLOB");
    cmd.add_option("--exclude", flags.exclude,
                   "Skip files and folders matching GLOB (repeatable; adds to hash.exclude)")
        ->allow_extra_args(false)
        ->type_name("GLOB");
}

void add_job_flags(CLI::App& cmd, HashingFlags& flags) {
    cmd.add_option("-j,--jobs", flags.jobs, "Files hashed at once (default: one per core)")
        ->check(count_from_one(1024))
        ->type_name("N");
    cmd.add_option(
           "--io-jobs-per-device", flags.io_jobs_per_device,
           "Files read at once from one disk (default: 1 for spinning disks, 4 for SSD/NVMe)")
        ->check(count_from_one(1024))
        ->type_name("N");
}

void add_hashing_flags(CLI::App& cmd, HashingFlags& flags) {
    cmd.add_flag("--no-cache", flags.no_cache,
                 "Neither read nor write the cache: hash every file (and ask AniDB again)");
    add_job_flags(cmd, flags);
}

void add_refresh_flag(CLI::App& cmd, HashingFlags& flags) {
    cmd.add_flag("--refresh", flags.refresh,
                 "Ask AniDB again even when the cache has a fresh answer, and store the new one");
}

const char* answer_cache_policy(const HashingFlags& flags) {
    if (flags.no_cache) return "off";
    if (flags.refresh) return "refresh";
    return "use";
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

StatusArea& begin_status(const AppContext& ctx) {
    return ctx.console->begin_status(!ctx.global.quiet);
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
    run.status = ctx.console->status();
    return run;
}

void print_summary(const AppContext& ctx, const std::string& text) {
    const bool drawn = !ctx.global.quiet && ctx.console->stderr_is_terminal();
    if (drawn || ctx.global.verbose) ctx.console->message("anidb: " + text);
}

}  // namespace anidb::cli
