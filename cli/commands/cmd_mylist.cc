// `anidb mylist add PATH...`
#include <ctime>

#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "exit_codes.h"
#include "hash_run.h"
#include "run_verdict.h"
#include "text_escape.h"
#include "time_text.h"

namespace anidb::cli {

namespace {

struct MylistFlags {
    SelectionFlags selection;
    HashingFlags hashing;
    std::string state;
    std::optional<std::string> watched;  // set: --watched[=DATE]
    bool unwatched = false;
    std::optional<std::string> source, storage, other;
    bool edit = false;
};

// "hdd" -> 1 and so on (AniDB MyList states).
std::optional<int> state_value(const std::string& name) {
    if (name == "unknown") return 0;
    if (name == "hdd") return 1;
    if (name == "cd") return 2;
    if (name == "deleted") return 3;
    if (name == "remote") return 4;
    return std::nullopt;
}

const char* outcome_text(client::MylistOutcome o) {
    switch (o) {
        case client::MylistOutcome::added:
            return "added";
        case client::MylistOutcome::already_present:
            return "already in MyList";
        case client::MylistOutcome::updated:
            return "updated";
    }
    return "?";
}

int run_mylist_add(const MylistFlags& flags, AppContext& ctx) {
    client::MylistWishes wishes;
    if (!flags.state.empty()) wishes.state = state_value(flags.state);
    if (flags.watched && flags.unwatched) {
        return report_error(
            make_error(Errc::invalid_parameter, "--watched and --unwatched exclude each other"));
    }
    if (flags.watched) {
        const auto date = parse_watch_date(*flags.watched);
        if (!date) {
            return report_error(
                make_error(Errc::invalid_parameter,
                           "--watched takes a date like 2024-05-01 or 2024-05-01T21:30, got '" +
                               *flags.watched + "'"));
        }
        wishes.viewed = true;
        wishes.viewdate = *date;
    }
    if (flags.unwatched) wishes.viewed = false;
    wishes.source = flags.source;
    wishes.storage = flags.storage;
    wishes.other = flags.other;
    wishes.edit = flags.edit;

    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    const std::vector<std::string> files = resolve_files(flags.selection, *settings, failures);
    auto client = create_client(*settings, ctx, true, answer_cache_policy(flags.hashing));
    if (!client) return report_error(client.error());

    StatusArea& status = begin_status(ctx);
    const HashRunOptions run = hash_run_options({hash::Algorithm::ed2k}, !flags.hashing.no_cache,
                                                flags.hashing, *settings, ctx);
    const Style& style = ctx.console->out_style();
    RunVerdict verdict;
    std::vector<bool> reported(files.size(), false);
    size_t done = 0;
    const auto failed = [&](size_t index, const std::string& why) {
        ++failures;
        status.anidb_file_done();
        ctx.console->out() << printable(files[index]) << ": " << style.paint(Tone::bad, "FAILED")
                           << ": " << printable(why) << '\n'
                           << std::flush;
    };
    {
        AnidbActivityFeed feed(**client, status);
        hash_files(**client, files, run, ctx.cancellation->token(), [&](const HashedFile& f) {
            reported[f.index] = true;
            if (verdict.ended()) {
                failed(f.index, verdict.cause());
                return false;
            }
            if (const std::string failure = failure_text(f.result); !failure.empty()) {
                failed(f.index, failure);
                return true;
            }
            // The file is added by the size and ED2K it was identified by
            // (red, or blue for an exact chunk multiple): both were computed
            // here, and AniDB's answer was checked against them.
            const std::stop_token stop = ctx.cancellation->token();
            auto info =
                (*client)->identify_hashed(files[f.index], f.result->size,
                                           f.result->hashes.at(0).value, stop, f.result->ed2k_blue);
            auto added = info ? (*client)->mylist_add(f.result->size, info->ed2k, wishes, stop)
                              : Result<client::MylistResult>(info.error());
            if (added) {
                ++done;
                status.anidb_file_done();
                ctx.console->out() << printable(files[f.index]) << ": "
                                   << style.paint(Tone::ok, outcome_text(added->outcome))
                                   << " (lid " << added->mylist_id << ")\n"
                                   << std::flush;
                return !ctx.cancellation->interrupted();
            }
            failed(f.index, added.error().message);
            if (verdict.note(added.code(), added.error().message)) {
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
    print_summary(ctx, fmt::format("{} files: {} in MyList, {} failed; {} AniDB requests",
                                   files.size(), done, failures, requests));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (verdict.ended()) return verdict.exit_code();
    return failures == 0 ? kExitOk : kExitSomeFailed;
}

}  // namespace

void add_mylist_command(CLI::App& app, AppContext& ctx) {
    CLI::App* mylist = app.add_subcommand("mylist", "Manage your AniDB MyList");
    mylist->require_subcommand(1);
    auto flags = std::make_shared<MylistFlags>();
    CLI::App* add = mylist->add_subcommand("add", "Add files to MyList (idempotent)");
    add->footer(
        "A file already in MyList is left alone when it matches the flags, and updated\n"
        "(edit=1) when a flag asks for a change. Prints NAME: added / already in MyList /\n"
        "updated (lid N), or NAME: FAILED: reason.\n\n" +
        std::string(kExitCodeHelp));
    add_selection_flags(*add, flags->selection);
    add_hashing_flags(*add, flags->hashing);
    add_refresh_flag(*add, flags->hashing);
    add->add_option("--state", flags->state, "Storage state")
        ->check(CLI::IsMember({"hdd", "cd", "deleted", "remote", "unknown"}));
    // A flag whose date comes only with '=': `--watched *.mkv` must not take
    // the first file for a date.
    add->add_flag(
        "--watched{now}", flags->watched,
        "Mark watched, now or at --watched=DATE (YYYY-MM-DD[THH:MM[:SS]], epoch seconds)");
    add->add_flag("--unwatched", flags->unwatched, "Mark not watched");
    add->add_option("--source", flags->source, "Source text (where you got it)");
    add->add_option("--storage", flags->storage, "Storage text (which disk)");
    add->add_option("--other", flags->other, "Free text note");
    add->add_flag("--edit", flags->edit, "Edit the MyList entry even when nothing seems to differ");
    add->callback([flags, &ctx] { ctx.exit_code = run_mylist_add(*flags, ctx); });
    add_mylist_file_commands(*mylist, ctx);
}

}  // namespace anidb::cli
