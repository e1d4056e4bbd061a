// `anidb identify PATH...`
#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "exit_codes.h"
#include "file_hasher.h"
#include "identify_output.h"
#include "run_verdict.h"

namespace anidb::cli {

namespace {

struct IdentifyFlags {
    SelectionFlags selection;
    HashingFlags hashing;
    std::string format = "text";
};

int run_identify(const IdentifyFlags& flags, AppContext& ctx) {
    const OutputFormat format = *parse_output_format(flags.format);
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    const std::vector<std::string> files = resolve_files(flags.selection, *settings, failures);
    auto client = create_client(*settings, ctx, true, answer_cache_policy(flags.hashing));
    if (!client) return report_error(client.error());

    StatusArea& status = begin_status(ctx);
    const HashRunOptions run = hash_run_options({hash::Algorithm::ed2k}, !flags.hashing.no_cache,
                                                flags.hashing, *settings, ctx);
    IdentifyOutput output(ctx.console->out(), format, ctx.console->out_style());
    output.begin();
    RunVerdict verdict;
    std::vector<bool> reported(files.size(), false);
    size_t identified = 0, unknown = 0;
    const auto write = [&](const IdentifyRecord& record) {
        status.anidb_file_done();
        if (record.info) {
            ++identified;
        } else {
            ++failures;
        }
        output.write(record);
        ctx.console->out().flush();
    };
    {
        AnidbActivityFeed feed(**client, status);
        hash_files(**client, files, run, ctx.cancellation->token(), [&](const HashedFile& f) {
            reported[f.index] = true;
            IdentifyRecord record;
            record.path = files[f.index];
            record.size = f.result.ok() && f.result->size != 0 ? f.result->size : f.size_on_disk;
            if (verdict.ended()) {
                // Hashed before the run ended: not asked, same cause.
                record.error = verdict.cause();
                write(record);
                return false;
            }
            if (const std::string failure = failure_text(f.result); !failure.empty()) {
                record.error = failure;
                write(record);
                return true;
            }
            record.ed2k = f.result->hashes.at(0).value;
            auto info = (*client)->identify_hashed(record.path, record.size, record.ed2k,
                                                   ctx.cancellation->token());
            if (info) {
                record.info = std::move(*info);
            } else {
                const bool not_known = info.code() == Errc::no_such_file;
                if (not_known) ++unknown;
                record.error = not_known && info.error().message.empty() ? "unknown to AniDB"
                                                                         : info.error().message;
                if (verdict.note(info.code(), *record.error)) {
                    ctx.console->message("anidb: " + verdict.cause());
                }
            }
            write(record);
            return !verdict.ended() && !ctx.cancellation->interrupted();
        });
    }
    // The files the run did not reach after it ended fail with its cause.
    for (size_t i = 0; verdict.ended() && i < files.size(); ++i) {
        if (reported[i]) continue;
        IdentifyRecord record;
        record.path = files[i];
        record.error = verdict.cause();
        write(record);
    }
    output.end();
    const size_t requests = status.anidb_requests();
    ctx.console->end_status();
    finish_session(**client, ctx);
    print_summary(ctx,
                  fmt::format("{} files: {} identified, {} unknown to AniDB, {} failed; {} "
                              "AniDB requests",
                              files.size(), identified, unknown, failures - unknown, requests));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (verdict.ended()) return verdict.exit_code();
    return failures == 0 ? kExitOk : kExitSomeFailed;
}

}  // namespace

std::string failure_text(const Result<client::FileResult>& result) {
    if (!result)
        return result.error().message.empty() ? errc_description(result.code())
                                              : result.error().message;
    if (result->status != client::FileStatus::completed) {
        return result->error_message.empty() ? errc_description(result->error)
                                             : result->error_message;
    }
    return {};
}

void add_identify_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<IdentifyFlags>();
    CLI::App* cmd =
        app.add_subcommand("identify", "Identify files on AniDB by size and ED2K (answers cached)");
    cmd->footer(
        "Hashes each file (cached), asks the cache, then AniDB, and prints anime, episode,\n"
        "group and ids. Files AniDB does not know are listed as NOT IDENTIFIED (json:\n"
        "\"error\") and asked again only after the back-off (anidb.unknown_retry_hours).\n"
        "--refresh asks AniDB again and stores the new answer; --no-cache neither reads\n"
        "nor stores hashes or answers.\n"
        "JSON objects: path, size, ed2k, file_id, anime_id, episode_id, group_id,\n"
        "anime_title (romaji, else English, else kanji), anime_title_romaji,\n"
        "anime_title_english, anime_title_kanji, anime_type, year, episode_number,\n"
        "episode_title, episode_title_romaji, episode_title_kanji, aired (YYYY-MM-DD),\n"
        "group_name, group_short_name, crc32, md5, sha1, resolution, quality, file_source,\n"
        "video_codec, audio_codecs, audio_languages, subtitle_languages, version,\n"
        "source (\"anidb\" or \"cache\"), or error.\n\n" +
        std::string(kExitCodeHelp));
    add_selection_flags(*cmd, flags->selection);
    add_hashing_flags(*cmd, flags->hashing);
    add_refresh_flag(*cmd, flags->hashing);
    cmd->add_option("-f,--format", flags->format, "Output: text, json, jsonl, csv")
        ->check(CLI::IsMember({"text", "json", "jsonl", "csv"}))
        ->capture_default_str();
    cmd->callback([flags, &ctx] { ctx.exit_code = run_identify(*flags, ctx); });
}

}  // namespace anidb::cli
