// `anidb check LIST...` verifies files against SFV, md5sum/sha1sum, BSD,
// ed2k-link, JSON, JSON-lines and CSV lists ("-": a list on standard
// input). Names resolve like the peers': against the current folder, then
// the list's folder. `anidb check --embedded FILE...` verifies the CRC32
// in release names.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "embedded_crc.h"
#include "exit_codes.h"
#include "hash/ed2k_chunks.h"
#include "hash_list.h"
#include "hash_run.h"
#include "list_paths.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

namespace fs = std::filesystem;

struct CheckFlags {
    SelectionFlags inputs;  // lists; with --embedded, files and folders
    HashingFlags hashing;
    bool use_cache = false;
    bool embedded = false;
};

enum class Verdict { pending, missing, size_differs, no_crc };

// One file to verify with every expectation any list line holds for it.
struct CheckTarget {
    std::string display;  // the name as the list writes it
    std::string path;     // where it was found (empty: missing)
    std::vector<HashListEntry> expectations;
    Verdict early = Verdict::pending;  // decided without hashing
};

bool is_regular_file(const std::string& path, uint64_t* size = nullptr) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    if (size != nullptr) *size = static_cast<uint64_t>(st.st_size);
    return true;
}

Result<std::string> read_list(const std::string& path) {
    std::ostringstream content;
    if (path == "-") {
        content << std::cin.rdbuf();
        return content.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(Errc::invalid_parameter, "cannot read " + path);
    content << in.rdbuf();
    return content.str();
}

// The targets of hash lists, in list order; unreadable lines counted.
Result<std::vector<CheckTarget>> targets_from_lists(const std::vector<std::string>& lists,
                                                    AppContext& ctx, size_t& malformed) {
    std::vector<CheckTarget> targets;
    std::map<std::string, size_t> by_key;
    for (const std::string& list_path : lists) {
        auto content = read_list(list_path);
        if (!content) return content.error();
        const HashList list = parse_hash_list(*content, fs::path(list_path).filename().string());
        for (const HashListProblem& p : list.problems) {
            ctx.console->message(
                fmt::format("anidb: {}:{}: {}", printable(list_path), p.line, p.message));
            ++malformed;
        }
        const std::string folder =
            list_path == "-" ? "" : fs::path(list_path).parent_path().string();
        for (const HashListEntry& e : list.entries) {
            std::string found;
            for (const std::string& candidate : list_name_candidates(e.name, folder)) {
                if (is_regular_file(candidate)) {
                    found = candidate;
                    break;
                }
            }
            const std::string key = found.empty() ? "?" + e.name : comparable_path(found);
            auto [it, added] = by_key.emplace(key, targets.size());
            if (added) targets.push_back(CheckTarget{e.name, found, {}, Verdict::pending});
            targets[it->second].expectations.push_back(e);
        }
    }
    return targets;
}

std::vector<CheckTarget> targets_from_names(const std::vector<std::string>& files) {
    std::vector<CheckTarget> targets;
    for (const std::string& file : files) {
        CheckTarget t{file, file, {}, Verdict::pending};
        if (const auto crc = embedded_crc32(file)) {
            HashListEntry e;
            e.name = file;
            e.algorithm = hash::Algorithm::crc32;
            e.expected = *crc;
            t.expectations.push_back(std::move(e));
        } else {
            t.early = Verdict::no_crc;
        }
        targets.push_back(std::move(t));
    }
    return targets;
}

// An ED2K value named blue matches the blue variant only; one that is not
// named (md5sum layout, ed2k links) matches either variant.
bool matches(const HashListEntry& e, const client::FileResult& result) {
    const bool named = e.syntax != ListSyntax::text && e.syntax != ListSyntax::ed2k_link;
    if (e.algorithm == hash::Algorithm::ed2k && (e.ed2k_blue || !named) &&
        !result.ed2k_blue.empty() && result.ed2k_blue == e.expected) {
        return true;
    }
    if (e.ed2k_blue && !result.ed2k_blue.empty()) return false;
    for (const hash::Digest& d : result.hashes) {
        if ((d.algorithm == e.algorithm || (e.alternative && d.algorithm == *e.alternative)) &&
            d.value == e.expected) {
            return true;
        }
    }
    return false;
}

int run_check(const CheckFlags& flags, AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());

    size_t malformed = 0, selection_failures = 0;
    std::vector<CheckTarget> targets;
    if (flags.embedded) {
        targets = targets_from_names(resolve_files(flags.inputs, *settings, selection_failures));
    } else {
        if (std::count(flags.inputs.paths.begin(), flags.inputs.paths.end(), "-") > 1) {
            return report_error(
                make_error(Errc::invalid_parameter, "'-' (standard input) given twice"));
        }
        auto listed = targets_from_lists(flags.inputs.paths, ctx, malformed);
        if (!listed) return report_error(listed.error());
        targets = std::move(*listed);
        if (targets.empty()) {
            std::cerr << "anidb: no hash lines found in the list"
                      << (flags.inputs.paths.size() > 1 ? "s" : "") << '\n';
            return kExitSomeFailed;
        }
    }

    const Style& style = ctx.console->out_style();
    size_t ok = 0, failed = 0, missing = 0, no_crc = 0;
    const auto say = [&](const CheckTarget& t, Tone tone, const std::string& verdict,
                         const std::string& why = {}) {
        if (ctx.global.quiet && tone == Tone::ok) return;
        std::string line = printable(t.display) + ": " + style.paint(tone, verdict);
        if (!why.empty()) line += " (" + printable(why) + ')';
        ctx.console->out() << line << '\n' << std::flush;
    };

    // Files that exist with the right size are hashed; the others are
    // reported in order as the hashing results come in.
    std::vector<std::string> to_hash;
    std::vector<size_t> hashed_target;
    std::vector<hash::Algorithm> algorithms;
    bool ed2k_blue = false;  // some file needs ED2K's blue variant
    const auto want = [&](hash::Algorithm a) {
        if (std::find(algorithms.begin(), algorithms.end(), a) == algorithms.end())
            algorithms.push_back(a);
    };
    for (size_t i = 0; i < targets.size(); ++i) {
        CheckTarget& t = targets[i];
        if (t.early != Verdict::pending) continue;
        uint64_t size = 0;
        if (t.path.empty() || !is_regular_file(t.path, &size)) {
            t.early = Verdict::missing;
            continue;
        }
        if (std::any_of(t.expectations.begin(), t.expectations.end(),
                        [&](const HashListEntry& e) { return e.size && *e.size != size; })) {
            t.early = Verdict::size_differs;
            continue;
        }
        for (const HashListEntry& e : t.expectations) {
            want(e.algorithm);
            if (e.alternative) want(*e.alternative);
            // Where the variants differ, an ED2K value may be the blue one.
            if (e.algorithm == hash::Algorithm::ed2k && hash::ed2k_variants_differ(size))
                ed2k_blue = true;
        }
        to_hash.push_back(t.path);
        hashed_target.push_back(i);
    }
    size_t next_target = 0;
    const auto flush_early = [&](size_t up_to) {
        for (; next_target < up_to; ++next_target) {
            const CheckTarget& t = targets[next_target];
            switch (t.early) {
                case Verdict::missing:
                    say(t, Tone::warn, "MISSING");
                    ++missing;
                    break;
                case Verdict::size_differs:
                    say(t, Tone::bad, "FAILED", "size differs");
                    ++failed;
                    break;
                case Verdict::no_crc:
                    say(t, Tone::dim, "no CRC");
                    ++no_crc;
                    break;
                case Verdict::pending:
                    break;
            }
        }
    };

    auto client = create_client(*settings, ctx, flags.use_cache);
    if (!client) return report_error(client.error());
    begin_status(ctx);
    HashRunOptions run =
        hash_run_options(algorithms, flags.use_cache, flags.hashing, *settings, ctx);
    run.ed2k_blue = ed2k_blue;
    hash_files(**client, to_hash, run, ctx.cancellation->token(), [&](const HashedFile& f) {
        const size_t t = hashed_target[f.index];
        flush_early(t);
        next_target = t + 1;
        if (const std::string failure = failure_text(f.result); !failure.empty()) {
            say(targets[t], Tone::bad, "FAILED", failure);
            ++failed;
            return true;
        }
        const auto& ex = targets[t].expectations;
        const bool all_match = std::all_of(
            ex.begin(), ex.end(), [&](const HashListEntry& e) { return matches(e, *f.result); });
        say(targets[t], all_match ? Tone::ok : Tone::bad, all_match ? "OK" : "FAILED");
        ++(all_match ? ok : failed);
        return true;
    });
    ctx.console->end_status();
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    flush_early(targets.size());
    const Style& err = ctx.console->err_style();
    if (failed + missing + selection_failures > 0 || malformed > 0) {
        std::string text =
            fmt::format("anidb: {} of {} files {}, {} {}", failed, targets.size(),
                        err.paint(Tone::bad, "FAILED"), missing, err.paint(Tone::warn, "MISSING"));
        if (no_crc > 0) text += fmt::format(", {} without a CRC in the name", no_crc);
        if (malformed > 0) text += fmt::format(", {} lines unreadable", malformed);
        ctx.console->message(text);
        return kExitSomeFailed;
    }
    std::string text = fmt::format("{} files {}", ok, "OK");
    if (no_crc > 0) text += fmt::format(", {} without a CRC in the name", no_crc);
    print_summary(ctx, text);
    return kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<CheckFlags>();
    CLI::App* cmd = app.add_subcommand(
        "check",
        "Verify files against hash lists (SFV, md5sum, sha1sum, BSD, ed2k links, anidb's "
        "JSON/CSV), or the CRC32 in their names");
    cmd->footer(
        "Prints NAME: OK, NAME: FAILED or NAME: MISSING for every file in the lists\n"
        "(--quiet: only the problems). LIST '-' reads a list from standard input, e.g.\n"
        "`anidb hash -r . | anidb check -`. A name is looked for relative to the current\n"
        "folder first (as md5sum and rhash -c do), then relative to the list's folder;\n"
        "'\\' in a name (lists made on Windows) is also read as '/'. A 32-digit\n"
        "md5sum-style hash is MD5 in a .md5 list, ED2K in a .ed2k list, else either.\n"
        "With --embedded the arguments are files (and folders, with -r) whose names carry\n"
        "a CRC32 like [1A2B3C4D] or (1A2B3C4D): NAME: OK, FAILED or no CRC (not a failure).\n"
        "Files are re-read unless --use-cache is given.\n\n" +
        std::string(kExitCodeHelp));
    cmd->add_option("lists", flags->inputs.paths,
                    "Hash lists ('-': standard input); with --embedded, files and folders")
        ->required()
        ->type_name("LIST|FILE");
    cmd->add_flag("--embedded", flags->embedded,
                  "Verify the CRC32 in the files' names (rhash --check-embedded)");
    cmd->add_flag("-r,--recursive", flags->inputs.recursive, "With --embedded: walk folders");
    cmd->add_flag("--all-files", flags->inputs.all_files,
                  "With --embedded: every file under a folder, not just media files");
    cmd->add_option("--include", flags->inputs.include,
                    "With --embedded: only files matching GLOB under folders")
        ->allow_extra_args(false)
        ->type_name("GLOB");
    cmd->add_option("--exclude", flags->inputs.exclude,
                    "With --embedded: skip files and folders matching GLOB")
        ->allow_extra_args(false)
        ->type_name("GLOB");
    cmd->add_flag("--use-cache", flags->use_cache,
                  "Trust cached hashes of unchanged files instead of reading them");
    add_job_flags(*cmd, flags->hashing);
    cmd->callback([flags, &ctx] {
        if (!flags->embedded) {
            for (const std::string& list : flags->inputs.paths) {
                if (list != "-" && !fs::is_regular_file(list)) {
                    std::cerr << "anidb: " << printable(list) << ": not a readable list file\n";
                    ctx.exit_code = kExitUsage;
                    return;
                }
            }
        }
        ctx.exit_code = run_check(*flags, ctx);
    });
}

}  // namespace anidb::cli
