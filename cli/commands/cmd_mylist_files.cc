// `anidb mylist show FILE...`, `anidb mylist remove FILE...`,
// `anidb mylist watched FILE... [--date DATE] [--unwatched]`: each file is
// hashed (ED2K, through the cache), identified, and handed to the client's
// MyList call, which answers from the local MyList state when it can and
// keeps in the work queue what cannot be sent now (`anidb queue`).
#include <functional>

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

struct FileCommandFlags {
    SelectionFlags selection;
    HashingFlags hashing;
    std::string date;  // watched --date
    bool unwatched = false;
};

// What one file's line says, and its tone.
struct Line {
    Tone tone = Tone::ok;
    std::string text;
    bool counts_done = true;
};

using FileAction = std::function<Result<Line>(client::Client&, uint64_t size,
                                              const std::string& ed2k, const std::stop_token&)>;

const char* state_name(int64_t state) {
    switch (state) {
        case 0:
            return "unknown";
        case 1:
            return "hdd";
        case 2:
            return "cd";
        case 3:
            return "deleted";
        case 4:
            return "remote";
        default:
            return "?";
    }
}

std::string queued_text(const client::MylistChangeResult& r) {
    std::string text = fmt::format("queued (job {}: {}", r.job_id, queue::reason_name(r.reason));
    if (r.next_try_at > 0) text += ", next try " + local_time_text(r.next_try_at);
    text += ")";
    if (!r.detail.empty()) text += ": " + printable(r.detail);
    return text;
}

Line change_line(const client::MylistChangeResult& r, const char* nothing_text) {
    switch (r.what) {
        case client::MylistChangeKind::nothing:
            return {Tone::dim, nothing_text};
        case client::MylistChangeKind::added:
            return {Tone::ok, fmt::format("added (lid {})", r.lid)};
        case client::MylistChangeKind::edited:
            return {Tone::ok, fmt::format("updated (lid {})", r.lid)};
        case client::MylistChangeKind::removed:
            return {Tone::ok, fmt::format("removed (lid {})", r.lid)};
        case client::MylistChangeKind::queued:
            return {Tone::warn, queued_text(r), false};
        case client::MylistChangeKind::done_from_queue:
            return {Tone::ok, "sent with the queued work of this file"};
    }
    return {Tone::bad, "?"};
}

Line show_line(const client::MylistShowResult& r) {
    if (!r.in_mylist) return {Tone::dim, "not in MyList"};
    const udp::MylistEntry& e = r.entry;
    std::string text = fmt::format("in MyList (lid {}), {}, ", e.lid, state_name(e.state));
    text += e.viewdate > 0 ? "watched " + local_time_text(e.viewdate) : std::string("not watched");
    if (!e.source.empty()) text += ", source " + printable(e.source);
    if (!e.storage.empty()) text += ", storage " + printable(e.storage);
    if (!e.other.empty()) text += ", note " + printable(e.other);
    if (e.date_added > 0) text += ", added " + local_date_text(e.date_added);
    return {Tone::ok, text};
}

// Hashes the files and runs `act` on each, printing "NAME: line" in input
// order; a run ends early as `mylist add` does (run_verdict.h).
int run_on_files(const FileCommandFlags& flags, AppContext& ctx, const char* done_word,
                 const FileAction& act) {
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
            const std::stop_token stop = ctx.cancellation->token();
            // The ED2K AniDB knows the file by (the blue variant for an
            // exact chunk multiple, when only that one is known); the red
            // one when AniDB cannot be asked now (the work is queued).
            std::string ed2k = f.result->hashes.at(0).value;
            if (auto info = (*client)->identify_hashed(files[f.index], f.result->size, ed2k, stop,
                                                       f.result->ed2k_blue);
                info && !info->ed2k.empty()) {
                ed2k = info->ed2k;
            }
            auto line = act(**client, f.result->size, ed2k, stop);
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
    for (size_t i = 0; verdict.ended() && i < files.size(); ++i) {
        if (!reported[i]) failed(i, verdict.cause());
    }
    const size_t requests = status.anidb_requests();
    ctx.console->end_status();
    finish_session(**client, ctx);
    print_summary(ctx, fmt::format("{} files: {} {}, {} queued, {} failed; {} AniDB requests",
                                   files.size(), done, done_word, queued, failures, requests));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (verdict.ended()) return verdict.exit_code();
    return failures == 0 ? kExitOk : kExitSomeFailed;
}

CLI::App* add_file_command(CLI::App& mylist, const char* name, const char* description,
                           const std::string& footer, FileCommandFlags& flags) {
    CLI::App* cmd = mylist.add_subcommand(name, description);
    cmd->footer(footer + "\n" + std::string(kExitCodeHelp));
    add_selection_flags(*cmd, flags.selection);
    add_hashing_flags(*cmd, flags.hashing);
    add_refresh_flag(*cmd, flags.hashing);
    return cmd;
}

}  // namespace

void add_mylist_file_commands(CLI::App& mylist, AppContext& ctx) {
    auto show_flags = std::make_shared<FileCommandFlags>();
    CLI::App* show = add_file_command(
        mylist, "show", "Show the MyList entry of files",
        "Prints NAME: in MyList (lid N), STATE, watched DATE / not watched, source,\n"
        "storage, note; or NAME: not in MyList. What this machine learnt from AniDB in\n"
        "the last 7 days is shown without asking; --refresh asks AniDB.\n",
        *show_flags);
    show->callback([show_flags, &ctx] {
        const bool refresh = show_flags->hashing.refresh;
        ctx.exit_code =
            run_on_files(*show_flags, ctx, "shown",
                         [refresh](client::Client& c, uint64_t size, const std::string& ed2k,
                                   const std::stop_token& stop) -> Result<Line> {
                             auto r = c.mylist_show(size, ed2k, refresh, stop);
                             if (!r) return r.error();
                             return show_line(*r);
                         });
    });

    auto remove_flags = std::make_shared<FileCommandFlags>();
    CLI::App* remove = add_file_command(
        mylist, "remove", "Remove files from MyList",
        "Prints NAME: removed (lid N), NAME: not in MyList (nothing sent), or\n"
        "NAME: queued (job N: reason, next try DATE) when AniDB cannot be asked now\n"
        "(a ban, no answer, no credentials): `anidb queue` lists such work and any\n"
        "later run, or `anidb queue run`, sends it.\n",
        *remove_flags);
    remove->callback([remove_flags, &ctx] {
        ctx.exit_code = run_on_files(*remove_flags, ctx, "removed",
                                     [](client::Client& c, uint64_t size, const std::string& ed2k,
                                        const std::stop_token& stop) -> Result<Line> {
                                         auto r = c.mylist_remove(size, ed2k, stop);
                                         if (!r) return r.error();
                                         return change_line(*r, "not in MyList (nothing sent)");
                                     });
    });

    auto watched_flags = std::make_shared<FileCommandFlags>();
    CLI::App* watched = add_file_command(
        mylist, "watched", "Mark files watched (or --unwatched) in MyList",
        "Adds a file that is not in MyList (state hdd, watched), sets watched and the\n"
        "date on its entry otherwise; --unwatched clears them (and never adds). A\n"
        "repeat sends nothing: NAME: already watched (nothing sent). Without --date\n"
        "the first viewing counts, dated now. Work AniDB cannot take now is queued\n"
        "(see `anidb mylist remove --help`).\n",
        *watched_flags);
    watched
        ->add_option("--date", watched_flags->date,
                     "When it was watched: YYYY-MM-DD[THH:MM[:SS]] (local time), epoch "
                     "seconds, or now")
        ->type_name("DATE");
    watched->add_flag("--unwatched", watched_flags->unwatched, "Mark not watched");
    watched->callback([watched_flags, &ctx] {
        const FileCommandFlags& f = *watched_flags;
        std::optional<int64_t> date;
        if (!f.date.empty()) {
            if (f.unwatched) {
                ctx.exit_code = report_error(make_error(
                    Errc::invalid_parameter, "--date and --unwatched exclude each other"));
                return;
            }
            date = parse_watch_date(f.date);
            if (!date) {
                ctx.exit_code = report_error(
                    make_error(Errc::invalid_parameter,
                               "--date takes a date like 2024-05-01 or 2024-05-01T21:30, got '" +
                                   f.date + "'"));
                return;
            }
        }
        const bool want = !f.unwatched;
        ctx.exit_code = run_on_files(
            f, ctx, want ? "watched" : "unwatched",
            [want, date](client::Client& c, uint64_t size, const std::string& ed2k,
                         const std::stop_token& stop) -> Result<Line> {
                auto r = c.mylist_watched(size, ed2k, want, date, stop);
                if (!r) return r.error();
                if (!want && r->what == client::MylistChangeKind::edited) {
                    return Line{Tone::ok, fmt::format("marked unwatched (lid {})", r->lid)};
                }
                if (want && r->what == client::MylistChangeKind::edited) {
                    return Line{Tone::ok, fmt::format("marked watched (lid {})", r->lid)};
                }
                if (want && r->what == client::MylistChangeKind::added) {
                    return Line{Tone::ok, fmt::format("added, watched (lid {})", r->lid)};
                }
                return change_line(
                    *r, want ? "already watched (nothing sent)" : "not watched (nothing sent)");
            });
    });
}

}  // namespace anidb::cli
