// Hashes a list of files through the client on worker threads, at most
// `jobs` at once and at most `io_jobs_per_device` per disk, feeding the
// status area's hashing line, and hands each result to a callback IN INPUT
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

class StatusArea;

struct HashRunOptions {
    std::vector<hash::Algorithm> algorithms;
    bool use_cache = true;
    size_t jobs = 0;                // 0: one per core
    size_t io_jobs_per_device = 0;  // 0: from sysfs (1 rotational, 4 otherwise)
    StatusArea* status = nullptr;   // fed with the run's progress when set
};

// One file's outcome: its index into `paths`, the client's answer, and its
// size as stat(2) saw it before hashing (so a file that cannot be read
// still has its size reported).
struct HashedFile {
    size_t index = 0;
    const Result<client::FileResult>& result;
    uint64_t size_on_disk = 0;
};

// Return false to stop the run (remaining files are not started; running
// ones are cancelled).
using HashResultHandler = std::function<bool(const HashedFile& file)>;

// Files never started (stop requested) are not reported. Returns the number
// of files reported.
size_t hash_files(client::Client& client, const std::vector<std::string>& paths,
                  const HashRunOptions& options, std::stop_token stop,
                  const HashResultHandler& handler);

}  // namespace anidb::cli
