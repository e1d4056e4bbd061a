// `anidb mylist show FILE...`, `anidb mylist remove FILE...`,
// `anidb mylist watched FILE... [--date DATE] [--unwatched]`: each file is
// hashed (ED2K, through the cache), identified, and handed to the client's
// MyList call, which answers from the local MyList state when it can and
// keeps in the work queue what cannot be sent now (`anidb queue`).
#include <fmt/format.h>

#include "commands.h"
#include "exit_codes.h"
#include "mylist_file_run.h"
#include "mylist_states.h"
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

using Line = MylistLine;

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
    std::string text = fmt::format("in MyList (lid {}), {}, ", e.lid, mylist_state_name(e.state));
    text += e.viewdate > 0 ? "watched " + local_time_text(e.viewdate) : std::string("not watched");
    if (!e.source.empty()) text += ", source " + printable(e.source);
    if (!e.storage.empty()) text += ", storage " + printable(e.storage);
    if (!e.other.empty()) text += ", note " + printable(e.other);
    if (e.date_added > 0) text += ", added " + local_date_text(e.date_added);
    return {Tone::ok, text};
}

int run_on_files(const FileCommandFlags& flags, AppContext& ctx, const char* done_word,
                 const MylistFileAction& act) {
    return run_mylist_on_files({flags.selection, flags.hashing, done_word}, ctx, act);
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
