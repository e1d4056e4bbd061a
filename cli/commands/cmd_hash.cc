// `anidb hash PATH...` (and `-` for standard input), `anidb hash --update LIST`.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "exit_codes.h"
#include "hash_output.h"
#include "hash_run.h"
#include "list_update.h"
#include "stdin_hash.h"
#include "units.h"

namespace anidb::cli {

namespace {

struct HashFlags {
    SelectionFlags selection;
    HashingFlags hashing;
    std::vector<std::string> algorithms;
    std::string format;  // empty: text (or, with --update, the list's)
    std::string update;  // --update LIST
};

// What one run counted, for the summary line.
struct HashTally {
    size_t files = 0;
    size_t failures = 0;
    size_t from_cache = 0;
    uint64_t bytes = 0;
};

HashRecord record_of(const std::string& path, const Result<client::FileResult>& result,
                     uint64_t size_on_disk, HashTally& tally) {
    HashRecord record;
    record.path = path;
    record.size = size_on_disk;
    if (!result) {
        record.error = failure_text(result);
    } else if (result->status != client::FileStatus::completed) {
        if (result->size != 0) record.size = result->size;
        record.error = failure_text(result);
    } else {
        record.size = result->size;
        record.digests = result->hashes;
        record.ed2k_blue = client::ed2k_blue_or_red(*result);
        tally.bytes += result->size;
        if (result->from_cache) ++tally.from_cache;
    }
    return record;
}

// Hashes `paths` in order ("-": standard input, once) and writes each
// record to `output`. Returns a fatal exit code, or 0.
int hash_into(const std::vector<std::string>& paths, client::Client& client,
              const HashRunOptions& run, HashOutput& output, std::ostringstream& complaints,
              AppContext& ctx, HashTally& tally) {
    const auto emit = [&](const HashRecord& record) {
        ++tally.files;
        if (!output.write(record)) ++tally.failures;
        ctx.console->out().flush();
        if (!complaints.str().empty()) {
            ctx.console->message(complaints.str());
            complaints.str("");
        }
    };
    int fatal = 0;
    size_t start = 0;
    while (start < paths.size() && fatal == 0 && !ctx.cancellation->interrupted()) {
        if (paths[start] == "-") {
            std::vector<hash::Algorithm> algorithms = run.algorithms;
            if (run.ed2k_blue && std::find(algorithms.begin(), algorithms.end(),
                                           hash::Algorithm::ed2k) == algorithms.end()) {
                algorithms.push_back(hash::Algorithm::ed2k);
            }
            auto result = hash_standard_input(algorithms, ctx.cancellation->token(), run.ed2k_blue);
            emit(record_of("-", result, 0, tally));
            ++start;
            continue;
        }
        size_t end = start;
        while (end < paths.size() && paths[end] != "-") ++end;
        const std::vector<std::string> files(paths.begin() + static_cast<long>(start),
                                             paths.begin() + static_cast<long>(end));
        hash_files(client, files, run, ctx.cancellation->token(), [&](const HashedFile& f) {
            emit(record_of(files[f.index], f.result, f.size_on_disk, tally));
            if (!f.result && is_fatal_for_run(f.result.code())) {
                fatal = exit_code_for(f.result.code());
                return false;
            }
            return true;
        });
        start = end;
    }
    return fatal;
}

// The paths of the command line with "-" kept in its place (standard
// input) and folders expanded.
Result<std::vector<std::string>> selected_paths(const HashFlags& flags, const Settings& settings,
                                                size_t& failures) {
    std::vector<std::string> out;
    SelectionFlags part = flags.selection;
    part.paths.clear();
    bool stdin_taken = false;
    const auto flush_part = [&] {
        if (part.paths.empty()) return;
        auto files = resolve_files(part, settings, failures);
        out.insert(out.end(), files.begin(), files.end());
        part.paths.clear();
    };
    for (const std::string& path : flags.selection.paths) {
        if (path != "-") {
            part.paths.push_back(path);
            continue;
        }
        if (stdin_taken)
            return make_error(Errc::invalid_parameter, "'-' (standard input) given twice");
        stdin_taken = true;
        flush_part();
        out.push_back("-");
    }
    flush_part();
    return out;
}

Result<AlgorithmSelection> requested_algorithms(const HashFlags& flags) {
    if (flags.algorithms.empty()) return AlgorithmSelection{};
    return parse_algorithm_list(flags.algorithms);
}

std::string summary_text(const HashTally& tally, double seconds, const Style& style) {
    std::string text =
        fmt::format("{} files, {} in {}", tally.files,
                    human_bytes(static_cast<double>(tally.bytes)), human_seconds(seconds));
    if (seconds > 0.05 && tally.bytes > 0)
        text += fmt::format(" ({}/s)", human_bytes(static_cast<double>(tally.bytes) / seconds));
    text += fmt::format(", {} from the cache, ", tally.from_cache);
    const std::string failed = fmt::format("{} failed", tally.failures);
    return text + (tally.failures > 0 ? style.paint(Tone::bad, failed) : failed);
}

int run_update(const HashFlags& flags, AppContext& ctx) {
    std::optional<OutputFormat> format;
    if (!flags.format.empty()) format = parse_output_format(flags.format);
    auto algorithms = requested_algorithms(flags);
    if (!algorithms) return report_error(algorithms.error());
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    auto paths = selected_paths(flags, *settings, failures);
    if (!paths) return report_error(paths.error());
    if (std::find(paths->begin(), paths->end(), "-") != paths->end()) {
        return report_error(
            make_error(Errc::invalid_parameter, "--update needs files, not standard input"));
    }

    std::string content;
    bool exists = false;
    if (std::ifstream in(flags.update, std::ios::binary); in) {
        exists = true;
        std::ostringstream text;
        text << in.rdbuf();
        content = text.str();
    }
    auto plan = plan_list_update(flags.update, content, *paths, format, *algorithms);
    if (!plan) return report_error(plan.error());
    if (Status st = check_format_algorithms(plan->format, plan->algorithms, plan->ed2k_blue); !st)
        return report_error(st.error());

    std::ofstream list(flags.update, std::ios::binary | std::ios::app);
    if (!list) {
        return report_error(make_error(Errc::io, "cannot write " + flags.update));
    }
    auto client = create_client(*settings, ctx, !flags.hashing.no_cache);
    if (!client) return report_error(client.error());
    begin_status(ctx);
    HashRunOptions run =
        hash_run_options(plan->algorithms, !flags.hashing.no_cache, flags.hashing, *settings, ctx);
    run.ed2k_blue = plan->ed2k_blue;
    std::ostringstream complaints;
    // The new lines go to the list, not to standard output.
    std::ostringstream lines;
    HashOutput output(lines, complaints, plan->format, plan->algorithms, plan->ed2k_blue);
    if (plan->needs_line_break) list << '\n';
    if (plan->new_list) output.begin();
    HashTally tally;
    int fatal = 0;
    hash_files(**client, plan->missing, run, ctx.cancellation->token(), [&](const HashedFile& f) {
        ++tally.files;
        if (!output.write(record_of(plan->missing[f.index], f.result, f.size_on_disk, tally))) {
            ++tally.failures;
        }
        list << lines.str() << std::flush;
        lines.str("");
        if (!complaints.str().empty()) {
            ctx.console->message(complaints.str());
            complaints.str("");
        }
        if (!f.result && is_fatal_for_run(f.result.code())) {
            fatal = exit_code_for(f.result.code());
            return false;
        }
        return true;
    });
    list << lines.str() << std::flush;
    ctx.console->end_status();
    const size_t added = tally.files - tally.failures;
    if (!ctx.global.quiet) {
        ctx.console->message(fmt::format("anidb: {} files added to {}{}", added, flags.update,
                                         exists ? "" : " (new list)"));
    }
    if (!list) return report_error(make_error(Errc::io, "cannot write " + flags.update));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (fatal != 0) return fatal;
    return failures + tally.failures == 0 ? kExitOk : kExitSomeFailed;
}

int run_hash(const HashFlags& flags, AppContext& ctx) {
    if (!flags.update.empty()) return run_update(flags, ctx);
    const auto format = parse_output_format(flags.format.empty() ? "text" : flags.format);
    if (!format)
        return report_error(
            make_error(Errc::invalid_parameter, "unknown --format " + flags.format));
    auto requested = requested_algorithms(flags);
    if (!requested) return report_error(requested.error());
    const bool ed2k_blue = requested->ed2k_blue;
    const std::vector<hash::Algorithm> algorithms = requested->algorithms.empty() && !ed2k_blue
                                                        ? default_algorithms(*format)
                                                        : requested->algorithms;
    if (Status st = check_format_algorithms(*format, algorithms, ed2k_blue); !st)
        return report_error(st.error());

    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    auto paths = selected_paths(flags, *settings, failures);
    if (!paths) return report_error(paths.error());
    auto client = create_client(*settings, ctx, !flags.hashing.no_cache);
    if (!client) return report_error(client.error());

    begin_status(ctx);
    HashRunOptions run =
        hash_run_options(algorithms, !flags.hashing.no_cache, flags.hashing, *settings, ctx);
    run.ed2k_blue = ed2k_blue;
    std::ostringstream complaints;
    HashOutput output(ctx.console->out(), complaints, *format, algorithms, ed2k_blue);
    output.begin();
    HashTally tally;
    const auto started = std::chrono::steady_clock::now();
    const int fatal = hash_into(*paths, **client, run, output, complaints, ctx, tally);
    output.end();
    ctx.console->end_status();
    tally.failures += failures;
    print_summary(
        ctx, summary_text(
                 tally,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                 ctx.console->err_style()));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (fatal != 0) return fatal;
    return tally.failures == 0 ? kExitOk : kExitSomeFailed;
}

}  // namespace

void add_hash_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<HashFlags>();
    CLI::App* cmd = app.add_subcommand("hash", "Hash files (ED2K by default) through the cache");
    cmd->footer(
        "PATH '-' hashes standard input. Formats: text (md5sum layout), json (one array),\n"
        "jsonl (one object per line), csv (header path,size,<algorithms>,error), sfv (CRC32,\n"
        "for rhash -c), ed2k (ed2k://|file|NAME|SIZE|HASH|/ links), bsd (\"MD5 (name) = hex\",\n"
        "for md5sum -c). Every format is read back by `anidb check`.\n"
        "JSON objects: path, size, one key per algorithm, or error; a name that is not\n"
        "UTF-8 also gets path_base64 with its exact bytes.\n"
        "--update LIST appends the files LIST lacks, in LIST's format and algorithms\n"
        "(rhash --update); a missing LIST is created.\n"
        "-a ed2k-blue: ED2K's other (\"blue\") variant, which differs from ed2k only for\n"
        "sizes that are a multiple of 9728000 bytes; a column after the others (JSON key\n"
        "and CSV header ed2k-blue, BSD tag ED2K-BLUE; not in sfv or ed2k links). Both\n"
        "variants come from one read, and the cache keeps both.\n\n" +
        std::string(kExitCodeHelp));
    add_selection_flags(*cmd, flags->selection);
    add_hashing_flags(*cmd, flags->hashing);
    cmd->add_option("-a,--algorithm", flags->algorithms,
                    "Algorithms: ed2k, crc32, md5, sha1, tth or all, and ed2k-blue; "
                    "comma-separated or repeated (default ed2k; crc32 for --format sfv)")
        ->allow_extra_args(false)  // `-a md5 a.mkv b.mkv`: a.mkv is a file
        ->type_name("LIST");
    cmd->add_option("-f,--format", flags->format,
                    "Output: text (default), json, jsonl, csv, sfv, ed2k, bsd")
        ->check(CLI::IsMember({"text", "json", "jsonl", "csv", "sfv", "ed2k", "bsd"}));
    cmd->add_option("--update", flags->update,
                    "Append the files LIST lacks to LIST (in its format) instead of printing")
        ->type_name("LIST");
    cmd->callback([flags, &ctx] { ctx.exit_code = run_hash(*flags, ctx); });
}

}  // namespace anidb::cli
