// The engine for ED2K alone (hash_file picks it when ED2K is the only
// algorithm asked for). ED2K chunks are independent, so there is nothing to
// hand from one thread to another: each lane claims the next whole 9728000-
// byte chunk, reads it piece by piece into its own pooled buffer with
// pread(), and MD4-hashes each piece while it is still in that core's cache.
// The calling thread is one lane; up to max_threads - 1 more run on the
// WorkerPool. Compared with FileHashJob's single reader this saves the
// cross-core hand-off of every block, which costs about 12 % of MD4 speed.
//
// Memory: one buffer per lane (kPieceSize, or smaller under a tight memory
// limit; fewer lanes when not every lane's buffer fits), whatever the size.
// Progress is reported by the calling thread only, throttled like
// FileHashJob's; a stop request or a failure ends every lane within one piece.
//
// Thread-safety: run() is called once; it returns only after every lane has
// finished. Lanes share only atomics and state under mutex_; each chunk
// digest slot is written by the one lane that claimed the chunk.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "hash/hash_file.h"
#include "hash/primitives.h"
#include "hash/progress_throttle.h"
#include "io/sequential_file.h"
#include "memory/buffer_pool.h"

namespace anidb::hash {

class Ed2kChunkJob {
  public:
    // Bytes read and hashed per pread: small enough to stay in a core's L2.
    static constexpr size_t kPieceSize = size_t{256} << 10;

    Ed2kChunkJob(io::SequentialFile& file, const FileHashOptions& options);
    Result<FileHashes> run();

  private:
    // One lane's loop: claim chunks until none is left or the job aborts.
    void hash_chunks(memory::PooledBuffer& buffer, bool reports) noexcept;
    // `reports`: this is the caller's lane, which calls the progress callback.
    Status hash_chunk(uint64_t chunk, Md4& md4, std::span<std::byte> buffer, bool reports);
    bool should_stop() const noexcept;
    void fail(Error error);
    void report_progress(bool final);

    io::SequentialFile& file_;
    const FileHashOptions& options_;
    uint64_t chunk_count_ = 0;
    std::vector<Md4Digest> chunk_digests_;

    std::atomic<uint64_t> next_chunk_{0};
    std::atomic<uint64_t> done_bytes_{0};
    std::atomic<bool> aborted_{false};

    std::mutex mutex_;
    std::condition_variable lanes_done_;
    unsigned pool_lanes_running_ = 0;
    std::optional<Error> error_;

    ProgressThrottle throttle_;  // caller's thread only
};

}  // namespace anidb::hash
