// The commands' way into the library's batch engine (Client::process_batch,
// streaming in input order): at most `jobs` files at once and at most
// `io_jobs_per_device` read per disk, the status area's hashing line fed
// from the engine's per-file calls, and each result handed to a callback IN
// INPUT ORDER on one thread at a time (so output is reproducible and
// writers need no locking). Stops early on the stop token or when the
// callback says so. No threads of its own: the engine runs the batch.
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
    // Also ED2K's blue variant (FileResult::ed2k_blue): ED2K is asked for,
    // and the blue value comes with it (from the same read, or from the
    // cache, which keeps both variants).
    bool ed2k_blue = false;
    size_t jobs = 0;                // 0: one per core
    size_t io_jobs_per_device = 0;  // 0: the library's advice (1 rotational/network, 4 otherwise)
    StatusArea* status = nullptr;   // fed with the run's progress when set
};

// One file's outcome: its index into `paths`, the client's answer, and its
// size (for a file that could not be read, as stat(2) sees it).
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
                  const HashRunOptions& options, const std::stop_token& stop,
                  const HashResultHandler& handler);

}  // namespace anidb::cli
