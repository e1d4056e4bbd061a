// `anidb mylist add PATH...`

#include <fmt/format.h>

#include "commands.h"
#include "exit_codes.h"
#include "mylist_file_run.h"
#include "mylist_states.h"
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
    if (!flags.state.empty()) wishes.state = mylist_state_value(flags.state);
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

    const MylistFileRun run{flags.selection, flags.hashing, "in MyList", true};
    return run_mylist_on_files(
        run, ctx,
        [&wishes](client::Client& c, uint64_t size, const std::string& ed2k,
                  const std::stop_token& stop) -> Result<MylistLine> {
            auto added = c.mylist_add(size, ed2k, wishes, stop);
            if (!added) return added.error();
            return MylistLine{Tone::ok, fmt::format("{} (lid {})", outcome_text(added->outcome),
                                                    added->mylist_id)};
        });
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
        ->check(CLI::IsMember(mylist_state_names()));
    // A flag whose date comes only with '=': `--watched *.mkv` must not take
    // the first file for a date.
    add->add_flag(
        "--watched{now}", flags->watched,
        "Mark watched, now or at --watched=DATE (YYYY-MM-DD[THH:MM[:SS]], epoch seconds)");
    add->add_flag("--unwatched", flags->unwatched, "Mark not watched");
    add->add_option("--source", flags->source, "Source text (where you got it)");
    add->add_option("--storage", flags->storage, "Storage text (which disk)");
    add->add_option("--other", flags->other, "Free text note");
    add->add_flag("--edit", flags->edit,
                  "Only change the file's existing MyList entry (MYLISTADD edit=1), never add one");
    add->callback([flags, &ctx] { ctx.exit_code = run_mylist_add(*flags, ctx); });
    add_mylist_file_commands(*mylist, ctx);
}

}  // namespace anidb::cli
