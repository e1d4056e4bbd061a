// `anidb check LIST...`: verify files against SFV, md5sum/sha1sum, BSD or
// ed2k-link lists. Names are relative to the list's folder.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.h"
#include "exit_codes.h"
#include "file_hasher.h"
#include "hash_list.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

namespace fs = std::filesystem;

struct CheckFlags {
    std::vector<std::string> lists;
    HashingFlags hashing;
    bool use_cache = false;
};

// One file to verify with every expectation any list line holds for it.
struct CheckTarget {
    std::string display;  // name as the list writes it (with the list's folder)
    std::string path;
    std::vector<HashListEntry> expectations;
};

int run_check(const CheckFlags& flags, AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());

    std::vector<CheckTarget> targets;
    std::map<std::string, size_t> by_path;
    size_t malformed = 0;
    for (const std::string& list_path : flags.lists) {
        std::ifstream in(list_path, std::ios::binary);
        if (!in)
            return report_error(make_error(Errc::invalid_parameter, "cannot read " + list_path));
        std::stringstream content;
        content << in.rdbuf();
        const HashList list = parse_hash_list(content.str(), list_path);
        for (const HashListProblem& p : list.problems) {
            std::cerr << "anidb: " << printable(list_path) << ':' << p.line << ": " << p.message
                      << '\n';
            ++malformed;
        }
        const fs::path folder = fs::path(list_path).parent_path();
        for (const HashListEntry& e : list.entries) {
            const std::string path = (fs::path(e.name).is_absolute() || folder.empty())
                                         ? e.name
                                         : (folder / e.name).string();
            auto [it, added] = by_path.emplace(path, targets.size());
            if (added) targets.push_back(CheckTarget{path, path, {}});
            targets[it->second].expectations.push_back(e);
        }
    }
    if (targets.empty()) {
        std::cerr << "anidb: no hash lines found in the list" << (flags.lists.size() > 1 ? "s" : "")
                  << '\n';
        return kExitSomeFailed;
    }

    size_t ok = 0, failed = 0, missing = 0;
    const auto say = [&](const CheckTarget& t, const char* verdict, const std::string& why = {}) {
        if (!(ctx.global.quiet && std::string_view(verdict) == "OK")) {
            std::cout << printable(t.display) << ": " << verdict;
            if (!why.empty()) std::cout << " (" << why << ')';
            std::cout << '\n' << std::flush;
        }
    };

    // Files that exist with the right size are hashed; the others are
    // reported in list order as the hashing results come in.
    std::vector<std::string> to_hash;
    std::vector<size_t> hashed_target;
    std::vector<std::string> early_verdict(targets.size());
    std::vector<hash::Algorithm> algorithms;
    for (size_t i = 0; i < targets.size(); ++i) {
        struct stat st {};
        if (::stat(targets[i].path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
            early_verdict[i] = "MISSING";
            continue;
        }
        const auto& ex = targets[i].expectations;
        if (std::any_of(ex.begin(), ex.end(), [&](const HashListEntry& e) {
                return e.size && *e.size != static_cast<uint64_t>(st.st_size);
            })) {
            early_verdict[i] = "FAILED:size differs";
            continue;
        }
        for (const HashListEntry& e : ex) {
            if (std::find(algorithms.begin(), algorithms.end(), e.algorithm) == algorithms.end()) {
                algorithms.push_back(e.algorithm);
            }
        }
        to_hash.push_back(targets[i].path);
        hashed_target.push_back(i);
    }
    size_t next_target = 0;
    const auto flush_early = [&](size_t up_to) {
        for (; next_target < up_to; ++next_target) {
            const std::string& v = early_verdict[next_target];
            if (v == "MISSING") {
                say(targets[next_target], "MISSING");
                ++missing;
            } else if (!v.empty()) {
                say(targets[next_target], "FAILED", v.substr(7));
                ++failed;
            }
        }
    };

    auto client = create_client(*settings, ctx, flags.use_cache);
    if (!client) return report_error(client.error());
    const HashRunOptions run =
        hash_run_options(algorithms, flags.use_cache, flags.hashing, *settings, ctx);
    hash_files(**client, to_hash, run, ctx.cancellation->token(),
               [&](size_t index, const Result<client::FileResult>& result) {
                   const size_t t = hashed_target[index];
                   flush_early(t);
                   next_target = t + 1;
                   if (!result || result->status != client::FileStatus::completed) {
                       say(targets[t], "FAILED",
                           result ? result->error_message : result.error().message);
                       ++failed;
                       return true;
                   }
                   bool all_match = true;
                   for (const HashListEntry& e : targets[t].expectations) {
                       for (const hash::Digest& d : result->hashes) {
                           if (d.algorithm == e.algorithm && d.value != e.expected)
                               all_match = false;
                       }
                   }
                   say(targets[t], all_match ? "OK" : "FAILED");
                   ++(all_match ? ok : failed);
                   return true;
               });
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    flush_early(targets.size());
    if (failed + missing > 0 || malformed > 0) {
        std::cerr << "anidb: " << failed << " of " << targets.size() << " files FAILED, " << missing
                  << " MISSING"
                  << (malformed ? ", " + std::to_string(malformed) + " lines unreadable" : "")
                  << '\n';
        return kExitSomeFailed;
    }
    return kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<CheckFlags>();
    CLI::App* cmd = app.add_subcommand(
        "check", "Verify files against a hash list (SFV, md5sum, sha1sum, BSD, ed2k links)");
    cmd->footer(
        "Prints NAME: OK, NAME: FAILED or NAME: MISSING for every file in the lists\n"
        "(--quiet: only the problems). Names are relative to the list's folder. A 32-digit\n"
        "md5sum-style line means MD5, or ED2K in a list whose name ends in .ed2k.\n"
        "Files are re-read unless --use-cache is given.\n\n" +
        std::string(kExitCodeHelp));
    cmd->add_option("lists", flags->lists, "Hash list files")
        ->required()
        ->check(CLI::ExistingFile)
        ->type_name("LIST");
    cmd->add_flag("--use-cache", flags->use_cache,
                  "Trust cached hashes of unchanged files instead of reading them");
    cmd->add_option("-j,--jobs", flags->hashing.jobs,
                    "Files hashed at once (default: one per core)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    cmd->add_option(
           "--io-jobs-per-device", flags->hashing.io_jobs_per_device,
           "Files read at once from one disk (default: 1 for spinning disks, 4 for SSD/NVMe)")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    cmd->callback([flags, &ctx] { ctx.exit_code = run_check(*flags, ctx); });
}

}  // namespace anidb::cli
