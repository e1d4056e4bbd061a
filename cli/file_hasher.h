// Hashes a list of files through the client on worker threads, at most
// `jobs` at once and at most `io_jobs_per_device` per disk, with one
// progress bar for the run, and hands each result to a callback IN INPUT
// ORDER on one thread at a time (so output is reproducible and writers need
// no locking). Stops early on the stop token or when the callback says so.
#pragma once

#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "client/client.h"
#include "hash/algorithm.h"

namespace anidb::cli {

class ProgressBar;

struct HashRunOptions {
    std::vector<hash::Algorithm> algorithms;
    bool use_cache = true;
    size_t jobs = 0;                // 0: one per core
    size_t io_jobs_per_device = 0;  // 0: from sysfs (1 rotational, 4 otherwise)
    bool progress = false;          // draw the bar on stderr
};

// index into `paths`, and the client's answer for it. Return false to stop
// the run (remaining files are not started; running ones are cancelled).
using HashResultHandler =
    std::function<bool(size_t index, const Result<client::FileResult>& result)>;

// Files never started (stop requested) are not reported. Returns the number
// of files reported.
size_t hash_files(client::Client& client, const std::vector<std::string>& paths,
                  const HashRunOptions& options, std::stop_token stop,
                  const HashResultHandler& handler);

// For messages printed while the bar is up: clears the bar line first.
void print_message_above_progress(const std::string& message);

}  // namespace anidb::cli
