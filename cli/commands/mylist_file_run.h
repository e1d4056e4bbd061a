// The run every file-taking `anidb mylist` subcommand shares (add, show,
// remove, watched): hash the files (ED2K, through the cache), identify each
// by the ED2K AniDB knows it by, hand it to one MyList call, print
// "NAME: line" in input order, and end the run early as run_verdict.h says.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "commands.h"
#include "common/result.h"
#include "terminal.h"

namespace anidb::cli {

// What one file's line says, and its tone. counts_done = false: the work
// was queued, not done.
struct MylistLine {
    Tone tone = Tone::ok;
    std::string text;
    bool counts_done = true;
};

using MylistFileAction = std::function<Result<MylistLine>(
    client::Client&, uint64_t size, const std::string& ed2k, const std::stop_token&)>;

struct MylistFileRun {
    const SelectionFlags& selection;
    const HashingFlags& hashing;
    const char* done_word;  // the summary's "N files: K <done_word>"
    // true: a file AniDB cannot identify now fails (`mylist add` needs its
    // ids). false: the action gets the red ED2K and may queue the work.
    bool identity_required = false;
};

// Exit code: ok, some failed, interrupted, or the run verdict's.
int run_mylist_on_files(const MylistFileRun& run, AppContext& ctx, const MylistFileAction& act);

}  // namespace anidb::cli
