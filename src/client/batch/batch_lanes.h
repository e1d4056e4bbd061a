// One batch worker's whole-file SIMD hashing: when a batch asks for ED2K
// and/or CRC32 only, the files it has to read go into a hash::FileLanes,
// 8 (AVX2) or 16 (AVX-512) small files side by side on the worker's core.
// A file larger than one ED2K chunk is hashed on its own with
// hash::hash_file (its chunks spread over every core). Each file's
// outcome goes to `done` as soon as it is known, on the worker's thread;
// the client's per-file steps (events, cache, result) stay with the caller.
//
// It knows nothing of the Client or the FilePipeline. Not thread-safe: one
// object per worker thread.
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "hash/file_lanes.h"

namespace anidb::client {

class BatchLanes {
  public:
    using Done = std::function<void(size_t index, Result<hash::FileHashes> hashes)>;
    // Bytes hashed so far of a large file (hash_file's progress, on the
    // worker's thread); small files report only through `done`.
    using Progress = std::function<void(size_t index, uint64_t bytes_done)>;

    // True when FileLanes can compute exactly these algorithms.
    static bool applies(const std::vector<hash::Algorithm>& algorithms) noexcept;

    // `algorithms` must pass applies(). `stop` ends every file in a lane
    // with Errc::cancelled (and the hash_file of a large one).
    BatchLanes(std::vector<hash::Algorithm> algorithms, std::stop_token stop, Done done,
               Progress progress = {});

    // Starts file `index`: in a free lane, or for a large file, hashed now.
    // While every lane is busy it first advances them until one is free,
    // so `done` may be called for earlier files (and this one) meanwhile.
    void add(size_t index, const std::string& path);
    // Advances the lanes until every file in them is done.
    void drain();

  private:
    void step();

    hash::FileLanes lanes_;
    hash::FileHashOptions large_;  // hash_file for files too large for a lane
    Done done_;
    Progress progress_;
    std::vector<hash::FileLanes::Finished> finished_;
};

}  // namespace anidb::client
