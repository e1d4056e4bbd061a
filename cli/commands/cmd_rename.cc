// `anidb rename PATH... --template T [--dry-run] [--move-to DIR] [--related]
//  [--link hard|soft | --copy] [--delete-empty-dirs]`
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "exit_codes.h"
#include "file_hasher.h"
#include "file_selection.h"
#include "list_paths.h"
#include "rename_plan.h"
#include "rename_template.h"
#include "run_verdict.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

namespace fs = std::filesystem;

struct RenameFlags {
    SelectionFlags selection;
    HashingFlags hashing;
    std::string templ;
    bool dry_run = false;
    std::string move_to;
    bool related = false;
    std::string link;  // "hard" or "soft"
    bool copy = false;
    bool delete_empty_dirs = false;
    std::string undo_log;
};

// $XDG_STATE_HOME/anidb/undo/rename-YYYYmmdd-HHMMSS.sh (or ~/.local/state).
fs::path default_undo_log_path() {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    return undo_log_folder() /
           (std::string("rename-") + stamp + "-" + std::to_string(::getpid()) + ".sh");
}

const char* transfer_note(Transfer how) {
    switch (how) {
        case Transfer::copy:
            return " (copy)";
        case Transfer::hard_link:
            return " (hard link)";
        case Transfer::soft_link:
            return " (symbolic link)";
        case Transfer::move:
            break;
    }
    return "";
}

// Files named on the command line that are not videos (subtitles, .ed2k
// and .sfv lists, notes) move with the video of the same name and are
// never hashed or sent to AniDB.
struct FileGroups {
    std::vector<std::string> videos;
    std::map<std::string, std::vector<fs::path>> companions;  // video -> its other files
    std::vector<std::string> strays;                          // no video to go with
};

FileGroups group_files(const std::vector<std::string>& files) {
    FileGroups groups;
    std::vector<std::string> others;
    for (const std::string& f : files) {
        (has_media_extension(f) ? groups.videos : others).push_back(f);
    }
    for (const std::string& other : others) {
        // The longest matching video name wins ("Show 01.en.ass" -> "Show 01.mkv").
        const std::string* owner = nullptr;
        for (const std::string& video : groups.videos) {
            if (belongs_to(other, video) &&
                (owner == nullptr || fs::path(video).stem().string().size() >
                                         fs::path(*owner).stem().string().size())) {
                owner = &video;
            }
        }
        if (owner != nullptr) {
            groups.companions[*owner].push_back(other);
        } else {
            groups.strays.push_back(other);
        }
    }
    return groups;
}

// The folder a file came in through (named on the command line, or its own
// folder): --delete-empty-dirs removes emptied folders below it.
fs::path walk_root_of(const std::string& file, const std::vector<fs::path>& named_folders) {
    const fs::path abs = comparable_path(file);
    fs::path best;
    for (const fs::path& folder : named_folders) {
        const auto rel = abs.lexically_relative(folder);
        if (!rel.empty() && *rel.begin() != ".." && folder.string().size() > best.string().size()) {
            best = folder;
        }
    }
    return best.empty() ? abs.parent_path().parent_path() : best;
}

int run_rename(const RenameFlags& flags, AppContext& ctx) {
    auto templ = RenameTemplate::parse(flags.templ);
    if (!templ) return report_error(templ.error());
    Transfer how = Transfer::move;
    if (flags.copy && !flags.link.empty()) {
        return report_error(
            make_error(Errc::invalid_parameter, "--copy and --link exclude each other"));
    }
    if (flags.copy) how = Transfer::copy;
    if (flags.link == "hard") how = Transfer::hard_link;
    if (flags.link == "soft") how = Transfer::soft_link;
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    const std::vector<std::string> files = resolve_files(flags.selection, *settings, failures);
    const FileGroups groups = group_files(files);
    const bool ask_anidb = templ->needs_anidb();
    auto client = create_client(*settings, ctx, true, answer_cache_policy(flags.hashing));
    if (!client) return report_error(client.error());

    std::vector<fs::path> keep{comparable_path(".")};
    std::vector<fs::path> named_folders;
    for (const std::string& p : flags.selection.paths) {
        if (fs::is_directory(p)) {
            named_folders.push_back(comparable_path(p));
            keep.push_back(named_folders.back());
        }
    }
    if (!flags.move_to.empty()) keep.push_back(comparable_path(flags.move_to));

    UndoLog undo;
    const auto ensure_undo = [&]() -> Status {
        if (flags.dry_run || !undo.path().empty()) return {};
        return undo.open(flags.undo_log.empty() ? default_undo_log_path()
                                                : fs::path(flags.undo_log));
    };

    std::vector<hash::Algorithm> algorithms = templ->hashes_needed();
    if (ask_anidb && std::find(algorithms.begin(), algorithms.end(), hash::Algorithm::ed2k) ==
                         algorithms.end()) {
        algorithms.insert(algorithms.begin(), hash::Algorithm::ed2k);
    }
    if (algorithms.empty()) algorithms.push_back(hash::Algorithm::crc32);  // reads the file once

    StatusArea& status = begin_status(ctx);
    std::optional<AnidbActivityFeed> feed;
    if (ask_anidb) feed.emplace(**client, status);
    const HashRunOptions run =
        hash_run_options(algorithms, !flags.hashing.no_cache, flags.hashing, *settings, ctx);
    const Style& style = ctx.console->out_style();
    std::ostream& out = ctx.console->out();
    for (const std::string& stray : groups.strays) {
        out << printable(stray) << ": "
            << style.paint(Tone::dim,
                           "left alone (not a video; it moves only with a video of "
                           "the same name)")
            << '\n'
            << std::flush;
    }
    int fatal = 0;
    size_t renamed = 0;
    std::vector<std::pair<fs::path, fs::path>> emptied;  // (folder, walk root)
    RunVerdict verdict;
    std::vector<bool> reported(groups.videos.size(), false);
    const auto not_renamed = [&](const std::string& path, const std::string& why) {
        ++failures;
        if (ask_anidb) status.anidb_file_done();
        out << printable(path) << ": " << style.paint(Tone::bad, "NOT RENAMED") << ": "
            << printable(why) << '\n'
            << std::flush;
    };
    hash_files(**client, groups.videos, run, ctx.cancellation->token(), [&](const HashedFile& f) {
        reported[f.index] = true;
        const std::string& path = groups.videos[f.index];
        const auto fail = [&](const std::string& why, Errc code = Errc::processing) {
            not_renamed(path, why);
            if (verdict.note(code, why)) ctx.console->message("anidb: " + verdict.cause());
            return !verdict.ended();
        };
        if (verdict.ended()) {
            not_renamed(path, verdict.cause());
            return false;
        }
        if (const std::string failure = failure_text(f.result); !failure.empty())
            return fail(failure);
        std::optional<client::AnimeInfo> info;
        if (ask_anidb) {
            const std::string& ed2k = f.result->hashes.at(0).value;
            auto identified =
                (*client)->identify_hashed(path, f.result->size, ed2k, ctx.cancellation->token());
            if (!identified) return fail(identified.error().message, identified.code());
            info = std::move(*identified);
            status.anidb_file_done();
        }
        const TagValues values =
            tag_values(info ? &*info : nullptr, LocalFile{path, f.result->size, f.result->hashes});
        auto relative = templ->expand(values);
        if (!relative) return fail(relative.error().message);
        const fs::path root =
            flags.move_to.empty()
                ? (fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path("."))
                : fs::path(flags.move_to);
        std::vector<fs::path> related;
        if (flags.related) related = find_related_files(path);
        if (auto it = groups.companions.find(path); it != groups.companions.end()) {
            for (const fs::path& c : it->second) {
                if (std::find(related.begin(), related.end(), c) == related.end())
                    related.push_back(c);
            }
        }
        for (const FileMove& m : plan_moves(path, *relative, root, related)) {
            if (m.from.lexically_normal() == m.to.lexically_normal()) {
                out << printable(m.from.string()) << ": already named so\n";
                continue;
            }
            if (flags.dry_run) {
                out << printable(m.from.string()) << " -> " << printable(m.to.string())
                    << transfer_note(how) << '\n';
                continue;
            }
            if (Status st = ensure_undo(); !st) {
                fatal = kExitSomeFailed;
                ctx.console->message("anidb: " + st.error().message);
                return false;
            }
            std::vector<fs::path> created;
            const Status done = transfer_file(m, how, created);
            for (const fs::path& folder : created) undo.record_created_folder(folder);
            if (!done) {
                // A related file that cannot move stays; the rest of this group too.
                return fail(printable(m.from.string()) + ": " + done.error().message);
            }
            undo.record(m, how);
            if (how == Transfer::move && flags.delete_empty_dirs) {
                emptied.emplace_back(
                    comparable_path(m.from.parent_path().empty() ? std::string(".")
                                                                 : m.from.parent_path().string()),
                    walk_root_of(m.from.string(), named_folders));
            }
            out << printable(m.from.string()) << " -> " << printable(m.to.string())
                << transfer_note(how) << '\n';
        }
        ++renamed;
        out << std::flush;
        return !ctx.cancellation->interrupted();
    });
    // The files the run did not reach after it ended fail with its cause.
    for (size_t i = 0; verdict.ended() && i < groups.videos.size(); ++i) {
        if (!reported[i]) not_renamed(groups.videos[i], verdict.cause());
    }
    feed.reset();
    ctx.console->end_status();
    // Deepest folders first, so a parent is empty when its turn comes.
    std::sort(emptied.begin(), emptied.end(), [](const auto& a, const auto& b) {
        return a.first.string().size() > b.first.string().size();
    });
    for (const auto& [folder, stop] : emptied) {
        for (const fs::path& gone : remove_empty_folders(folder, stop, keep)) {
            if (!ctx.global.quiet)
                ctx.console->message("anidb: removed empty folder " + printable(gone.string()));
        }
    }
    finish_session(**client, ctx);
    if (undo.records() > 0 && !ctx.global.quiet) {
        ctx.console->message("anidb: undo log: " + undo.path().string() +
                             " (run it with sh to undo)");
    }
    print_summary(ctx, fmt::format("{} files: {} renamed, {} not renamed", groups.videos.size(),
                                   renamed, failures));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (fatal != 0) return fatal;
    if (verdict.ended()) return verdict.exit_code();
    return failures == 0 ? kExitOk : kExitSomeFailed;
}

std::string tag_help() {
    std::string text =
        "Template: {tag} must not be empty (else the file is not renamed), {tag?} may be,\n"
        "{a|b} takes the first non-empty; {?tag:TEXT} writes TEXT (text and tags) only when\n"
        "tag is not empty; {aired:FORMAT} formats a date (strftime); {{ }} are literal\n"
        "braces; '/' makes folders. The extension is kept. / \\ : * ? \" < > | and control\n"
        "characters in values become '_'. A template of local tags only (original, ext,\n"
        "size, crc32, ed2k, md5, sha1) needs no AniDB and no account. Example:\n"
        "  --template '{anime}/{anime} - {episode}{version?}{?episode_title: - "
        "{episode_title}} [{group_short}][{crc32}]'\n"
        "Tags:\n";
    for (const TemplateTag& t : template_tags()) {
        text += "  " + std::string(t.name) +
                std::string(t.name.size() < 16 ? 16 - t.name.size() : 1, ' ') +
                std::string(t.description) + "\n";
    }
    text +=
        "\nNon-video files named on the command line (subtitles, .ed2k, .sfv, .txt) move\n"
        "with the video of the same name and are never sent to AniDB.\n"
        "Without --dry-run, every change is appended to an undo log (a shell script,\n"
        "default $XDG_STATE_HOME/anidb/undo/rename-*.sh; `sh LOG` undoes the last change\n"
        "first and removes the folders the rename created); nothing is overwritten.\n\n";
    return text + kExitCodeHelp;
}

}  // namespace

void add_rename_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<RenameFlags>();
    CLI::App* cmd = app.add_subcommand("rename", "Rename or move identified files by a template");
    cmd->footer(tag_help());
    add_selection_flags(*cmd, flags->selection);
    add_hashing_flags(*cmd, flags->hashing);
    add_refresh_flag(*cmd, flags->hashing);
    cmd->add_option("-t,--template", flags->templ, "Name template (see below)")->required();
    cmd->add_flag("-n,--dry-run", flags->dry_run, "Print the plan, change nothing");
    cmd->add_option("--move-to", flags->move_to, "Put the files under DIR instead of their folder")
        ->type_name("DIR");
    cmd->add_flag(
        "--related", flags->related,
        "Move same-name subtitles and audio (NAME.ass, NAME.en.srt, NAME.mka, ...) along");
    cmd->add_option("--link", flags->link,
                    "Keep the file and make the new name a hard or symbolic (soft) link")
        ->check(CLI::IsMember({"hard", "soft"}))
        ->type_name("hard|soft");
    cmd->add_flag("--copy", flags->copy, "Keep the file and copy it to the new name");
    cmd->add_flag("--delete-empty-dirs", flags->delete_empty_dirs,
                  "Remove the folders the moves left empty (never a folder named on the command "
                  "line)");
    cmd->add_option("--undo-log", flags->undo_log, "Write the undo log to FILE")->type_name("FILE");
    cmd->callback([flags, &ctx] { ctx.exit_code = run_rename(*flags, ctx); });
}

}  // namespace anidb::cli
