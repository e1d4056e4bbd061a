// `anidb hash PATH...`
#include <unistd.h>

#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <sstream>

#include "commands.h"
#include "exit_codes.h"
#include "file_hasher.h"
#include "file_selection.h"
#include "hash_output.h"
#include "progress_bar.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

struct HashFlags {
    SelectionFlags selection;
    HashingFlags hashing;
    std::vector<std::string> algorithms;
    std::string format = "text";
};

int run_hash(const HashFlags& flags, AppContext& ctx) {
    const auto format = parse_output_format(flags.format);
    if (!format)
        return report_error(
            make_error(Errc::invalid_parameter, "unknown --format " + flags.format));
    std::vector<hash::Algorithm> algorithms = default_algorithms(*format);
    if (!flags.algorithms.empty()) {
        auto parsed = parse_algorithm_list(flags.algorithms);
        if (!parsed) return report_error(parsed.error());
        algorithms = *parsed;
    }
    if (Status st = check_format_algorithms(*format, algorithms); !st)
        return report_error(st.error());

    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    const std::vector<std::string> files = resolve_files(flags.selection, *settings, failures);
    auto client = create_client(*settings, ctx, !flags.hashing.no_cache);
    if (!client) return report_error(client.error());

    const HashRunOptions run =
        hash_run_options(algorithms, !flags.hashing.no_cache, flags.hashing, *settings, ctx);

    std::ostringstream complaints;
    HashOutput output(std::cout, complaints, *format, algorithms);
    output.begin();
    int fatal = 0;
    size_t from_cache = 0;
    uint64_t bytes = 0;
    const auto started = std::chrono::steady_clock::now();
    hash_files(**client, files, run, ctx.cancellation->token(),
               [&](size_t index, const Result<client::FileResult>& result) {
                   HashRecord record;
                   record.path = files[index];
                   if (!result) {
                       record.error = result.error().message;
                   } else if (result->status != client::FileStatus::completed) {
                       record.size = result->size;
                       record.error = result->error_message.empty()
                                          ? errc_description(result->error)
                                          : result->error_message;
                   } else {
                       record.size = result->size;
                       record.digests = result->hashes;
                       bytes += result->size;
                       if (result->from_cache) ++from_cache;
                   }
                   if (!output.write(record)) ++failures;
                   std::cout.flush();
                   if (!complaints.str().empty()) {
                       print_message_above_progress(complaints.str());
                       complaints.str("");
                   }
                   if (!result && is_fatal_for_run(result.code())) {
                       fatal = exit_code_for(result.code());
                       return false;
                   }
                   return true;
               });
    output.end();
    if (ctx.global.verbose) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cerr << "anidb: " << files.size() << " files, "
                  << human_bytes(static_cast<double>(bytes)) << ", " << from_cache
                  << " from the cache, " << failures << " failed, "
                  << fmt::format("{:.1f}", seconds) << " s\n";
    }
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (fatal != 0) return fatal;
    return failures == 0 ? kExitOk : kExitSomeFailed;
}

}  // namespace

void add_hash_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<HashFlags>();
    CLI::App* cmd = app.add_subcommand("hash", "Hash files (ED2K by default) through the cache");
    cmd->footer(
        "Formats: text (md5sum layout), json (one array), jsonl (one object per line),\n"
        "csv (header path,size,<algorithms>,error), sfv (CRC32, for rhash -c), ed2k\n"
        "(ed2k://|file|NAME|SIZE|HASH|/ links), bsd (\"MD5 (name) = hex\", for md5sum -c).\n"
        "JSON objects: path, size, one key per algorithm, or error; a name that is not\n"
        "UTF-8 also gets path_base64 with its exact bytes.\n\n" +
        std::string(kExitCodeHelp));
    add_selection_flags(*cmd, flags->selection);
    add_hashing_flags(*cmd, flags->hashing);
    cmd->add_option("-a,--algorithm", flags->algorithms,
                    "Algorithms: ed2k, crc32, md5, sha1, tth or all; comma-separated or repeated "
                    "(default ed2k; crc32 for --format sfv)")
        ->type_name("LIST");
    cmd->add_option("-f,--format", flags->format, "Output: text, json, jsonl, csv, sfv, ed2k, bsd")
        ->check(CLI::IsMember({"text", "json", "jsonl", "csv", "sfv", "ed2k", "bsd"}))
        ->capture_default_str();
    cmd->callback([flags, &ctx] { ctx.exit_code = run_hash(*flags, ctx); });
}

}  // namespace anidb::cli
