#include "mylist_file_run.h"

#include <vector>

#include <fmt/format.h>

#include "console.h"
#include "exit_codes.h"
#include "run_verdict.h"
#include "text_escape.h"

namespace anidb::cli {

int run_mylist_on_files(const MylistFileRun& run, AppContext& ctx, const MylistFileAction& act) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    const std::vector<std::string> files = resolve_files(run.selection, *settings, failures);
    auto client = create_client(*settings, ctx, true, answer_cache_policy(run.hashing));
    if (!client) return report_error(client.error());

    StatusArea& status = begin_status(ctx);
    const HashRunOptions options = hash_run_options({hash::Algorithm::ed2k}, !run.hashing.no_cache,
                                                    run.hashing, *settings, ctx);
    const Style& style = ctx.console->out_style();
    RunVerdict verdict;
    std::vector<bool> reported(files.size(), false);
    size_t done = 0, queued = 0;
    const auto failed = [&](size_t index, const std::string& why) {
        ++failures;
        status.anidb_file_done();
        ctx.console->out() << printable(files[index]) << ": " << style.paint(Tone::bad, "FAILED")
                           << ": " << printable(why) << '\n'
                           << std::flush;
    };
    {
        AnidbActivityFeed feed(**client, status);
        hash_files(**client, files, options, ctx.cancellation->token(), [&](const HashedFile& f) {
            reported[f.index] = true;
            if (verdict.ended()) {
                failed(f.index, verdict.cause());
                return false;
            }
            if (const std::string failure = failure_text(f.result); !failure.empty()) {
                failed(f.index, failure);
                return true;
            }
            const std::stop_token stop = ctx.cancellation->token();
            // The ED2K AniDB knows the file by: the blue variant for an
            // exact chunk multiple known only by that one (both came from
            // the one read), else the red one.
            std::string ed2k = f.result->hashes.at(0).value;
            auto info = (*client)->identify_hashed(files[f.index], f.result->size, ed2k, stop,
                                                   f.result->ed2k_blue);
            if (info && !info->ed2k.empty()) ed2k = info->ed2k;
            auto line = !info && run.identity_required ? Result<MylistLine>(info.error())
                                                       : act(**client, f.result->size, ed2k, stop);
            if (line) {
                line->counts_done ? ++done : ++queued;
                status.anidb_file_done();
                ctx.console->out() << printable(files[f.index]) << ": "
                                   << style.paint(line->tone, line->text) << '\n'
                                   << std::flush;
                return !ctx.cancellation->interrupted();
            }
            failed(f.index, line.error().message);
            if (verdict.note(line.code(), line.error().message)) {
                ctx.console->message("anidb: " + verdict.cause());
            }
            return !verdict.ended() && !ctx.cancellation->interrupted();
        });
    }
    // The files the run did not reach after it ended fail with its cause.
    for (size_t i = 0; verdict.ended() && i < files.size(); ++i) {
        if (!reported[i]) failed(i, verdict.cause());
    }
    const size_t requests = status.anidb_requests();
    ctx.console->end_status();
    finish_session(**client, ctx);
    const std::string queued_text = queued > 0 ? fmt::format(", {} queued", queued) : "";
    print_summary(ctx, fmt::format("{} files: {} {}{}, {} failed; {} AniDB requests", files.size(),
                                   done, run.done_word, queued_text, failures, requests));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (verdict.ended()) return verdict.exit_code();
    return failures == 0 ? kExitOk : kExitSomeFailed;
}

}  // namespace anidb::cli
