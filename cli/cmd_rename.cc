// `anidb rename PATH... --template T [--dry-run] [--move-to DIR] [--related]`
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "file_hasher.h"
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
    std::string undo_log;
};

// $XDG_STATE_HOME/anidb/undo/rename-YYYYmmdd-HHMMSS.sh (or ~/.local/state).
fs::path default_undo_log_path() {
    fs::path base;
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg == '/') {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        base = fs::path(home != nullptr ? home : ".") / ".local" / "state";
    }
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    return base / "anidb" / "undo" /
           (std::string("rename-") + stamp + "-" + std::to_string(::getpid()) + ".sh");
}

int run_rename(const RenameFlags& flags, AppContext& ctx) {
    auto templ = RenameTemplate::parse(flags.templ);
    if (!templ) return report_error(templ.error());
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    size_t failures = 0;
    const std::vector<std::string> files = resolve_files(flags.selection, *settings, failures);
    auto client = create_client(*settings, ctx);
    if (!client) return report_error(client.error());

    UndoLog undo;
    const auto ensure_undo = [&]() -> Status {
        if (flags.dry_run || !undo.path().empty()) return {};
        return undo.open(flags.undo_log.empty() ? default_undo_log_path()
                                                : fs::path(flags.undo_log));
    };

    const HashRunOptions run =
        hash_run_options({hash::Algorithm::ed2k, hash::Algorithm::crc32}, !flags.hashing.no_cache,
                         flags.hashing, *settings, ctx);
    int fatal = 0;
    RunVerdict verdict;
    std::vector<bool> reported(files.size(), false);
    const auto not_renamed = [&](const std::string& path, const std::string& why) {
        ++failures;
        std::cout << printable(path) << ": NOT RENAMED: " << printable(why) << '\n' << std::flush;
    };
    hash_files(**client, files, run, ctx.cancellation->token(),
               [&](size_t index, const Result<client::FileResult>& hashed) {
                   reported[index] = true;
                   const std::string& path = files[index];
                   const auto fail = [&](const std::string& why, Errc code = Errc::processing) {
                       not_renamed(path, why);
                       if (verdict.note(code, why)) {
                           print_message_above_progress("anidb: " + verdict.cause() + "\n");
                       }
                       return !verdict.ended();
                   };
                   if (verdict.ended()) {
                       not_renamed(path, verdict.cause());
                       return false;
                   }
                   if (const std::string failure = failure_text(hashed); !failure.empty())
                       return fail(failure);
                   auto info = (*client)->identify_hashed(
                       path, hashed->size, hashed->hashes.at(0).value, ctx.cancellation->token());
                   if (!info) return fail(info.error().message, info.code());
                   if (info->crc32.empty()) info->crc32 = hashed->hashes.at(1).value;
                   auto relative = templ->expand(tag_values(*info, path));
                   if (!relative) return fail(relative.error().message);
                   const fs::path root = flags.move_to.empty() ? (fs::path(path).has_parent_path()
                                                                      ? fs::path(path).parent_path()
                                                                      : fs::path("."))
                                                               : fs::path(flags.move_to);
                   const std::vector<FileMove> moves =
                       plan_moves(path, *relative, root, flags.related);
                   for (const FileMove& m : moves) {
                       if (m.from.lexically_normal() == m.to.lexically_normal()) {
                           std::cout << printable(m.from.string()) << ": already named so\n";
                           continue;
                       }
                       if (flags.dry_run) {
                           std::cout << printable(m.from.string()) << " -> "
                                     << printable(m.to.string()) << '\n';
                           continue;
                       }
                       if (Status st = ensure_undo(); !st) {
                           fatal = kExitSomeFailed;
                           std::cerr << "anidb: " << st.error().message << '\n';
                           return false;
                       }
                       if (Status moved = move_file(m); !moved) {
                           // A related file that cannot move stays; the rest of this group too.
                           return fail(printable(m.from.string()) + ": " + moved.error().message);
                       }
                       undo.record(m);
                       std::cout << printable(m.from.string()) << " -> " << printable(m.to.string())
                                 << '\n';
                   }
                   std::cout.flush();
                   return !ctx.cancellation->interrupted();
               });
    // The files the run did not reach after it ended fail with its cause.
    for (size_t i = 0; verdict.ended() && i < files.size(); ++i) {
        if (!reported[i]) not_renamed(files[i], verdict.cause());
    }
    finish_session(**client, ctx);
    if (undo.records() > 0 && !ctx.global.quiet) {
        std::cerr << "anidb: undo log: " << undo.path().string() << " (run it with sh to undo)\n";
    }
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (fatal != 0) return fatal;
    if (verdict.ended()) return verdict.exit_code();
    return failures == 0 ? kExitOk : kExitSomeFailed;
}

std::string tag_help() {
    std::string text =
        "Template: {tag} must not be empty (else the file is not renamed), {tag?} may be,\n"
        "{a|b} takes the first non-empty; {{ }} are literal braces; '/' makes folders.\n"
        "The extension is kept. / \\ : * ? \" < > | and control characters in values\n"
        "become '_'. Example:\n"
        "  --template '{anime}/{anime} - {episode}{version?} - {episode_title?} "
        "[{group}][{crc32}]'\n"
        "Tags:\n";
    for (const TemplateTag& t : template_tags()) {
        text += "  " + std::string(t.name) +
                std::string(t.name.size() < 16 ? 16 - t.name.size() : 1, ' ') +
                std::string(t.description) + "\n";
    }
    text +=
        "\nWithout --dry-run, every move is appended to an undo log (a shell script,\n"
        "default $XDG_STATE_HOME/anidb/undo/rename-*.sh); nothing is overwritten.\n\n";
    return text + kExitCodeHelp;
}

}  // namespace

void add_rename_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<RenameFlags>();
    CLI::App* cmd = app.add_subcommand("rename", "Rename or move identified files by a template");
    cmd->footer(tag_help());
    add_selection_flags(*cmd, flags->selection);
    add_hashing_flags(*cmd, flags->hashing);
    cmd->add_option("-t,--template", flags->templ, "Name template (see below)")->required();
    cmd->add_flag("-n,--dry-run", flags->dry_run, "Print the plan, change nothing");
    cmd->add_option("--move-to", flags->move_to, "Put the files under DIR instead of their folder")
        ->type_name("DIR");
    cmd->add_flag(
        "--related", flags->related,
        "Move same-name subtitles and audio (NAME.ass, NAME.en.srt, NAME.mka, ...) along");
    cmd->add_option("--undo-log", flags->undo_log, "Write the undo log to FILE")->type_name("FILE");
    cmd->callback([flags, &ctx] { ctx.exit_code = run_rename(*flags, ctx); });
}

}  // namespace anidb::cli
