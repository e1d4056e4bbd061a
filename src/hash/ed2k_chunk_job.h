// The engine for ED2K and CRC32 (hash_file picks it when nothing else is
// asked for). ED2K chunks are independent MD4 messages, so each worker (the
// calling thread, plus up to one per further core on the WorkerPool) claims
// a group of up to Md4Lanes::width() consecutive chunks (8 with AVX2, 16
// with AVX-512, 1 with the scalar kernel) and advances them together: it
// pread()s the next piece of every chunk of its group into that lane's part
// of its own pooled buffer, then one Md4Lanes::update hashes all of them
// while they are in that core's cache. CRC32 rides along: ISA-L over the
// same pieces per chunk, the chunk CRCs combined at the end. Nothing passes
// between threads but chunk numbers.
//
// Groups are sized so the workers finish together: a worker takes
// ceil(remaining / workers) chunks, at most one per lane, so the last
// groups are smaller rather than one worker hashing while the other idles;
// but not smaller than 8 (what the smallest vector round costs anyway).
// ReadPattern::sequential (a spinning disk) uses one worker and one lane:
// front to back, no seeking between chunks.
//
// Memory: one buffer per worker (kWorkerBuffer, split between its lanes,
// or smaller under a tight memory limit; fewer workers when not every
// worker's buffer fits), whatever the file size. Progress is reported by
// the calling thread only; a stop request or a failure ends every worker
// within one piece.
//
// Thread-safety: run() is called once; it returns only after every worker
// has finished. Workers share only atomics and state under mutex_; each
// chunk's result slots are written by the one worker that claimed it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "hash/hash_file.h"
#include "hash/md4_kernel_choice.h"
#include "hash/primitives.h"
#include "hash/progress_throttle.h"
#include "io/sequential_file.h"
#include "memory/buffer_pool.h"

namespace anidb::hash {

class Md4Lanes;

// A worker's read buffer for `kernel`: Ed2kChunkJob::kWorkerBuffer (256 KiB
// for the scalar kernel), or the largest smaller power of four down to
// 1 KiB that fits under the memory limit; empty if none does.
memory::PooledBuffer acquire_worker_buffer(Md4Kernel kernel) noexcept;

class Ed2kChunkJob {
  public:
    // A worker's buffer: 16 lanes x 64 KiB with AVX-512, 8 x 128 KiB with
    // AVX2, one 1 MiB piece with the scalar kernel. One pool class, so it
    // is reused from file to file instead of mapped and faulted in anew.
    static constexpr size_t kWorkerBuffer = size_t{1} << 20;

    // True when this engine computes exactly `algorithms` (ED2K and/or CRC32).
    static bool handles(std::span<const Algorithm> algorithms) noexcept;

    // `sequential`: read front to back with one worker (spinning disks).
    Ed2kChunkJob(io::SequentialFile& file, const FileHashOptions& options, bool sequential);
    Result<FileHashes> run();

  private:
    // One worker's loop: claim chunk groups until none is left or the job aborts.
    void hash_groups(memory::PooledBuffer& buffer, bool reports) noexcept;
    // Claims up to `lanes` consecutive chunks; returns the first and the
    // count (0: none left). `round`: Md4Lanes::smallest_round().
    std::pair<uint64_t, unsigned> claim(unsigned lanes, unsigned round) noexcept;
    // `reports`: this is the caller's worker, which calls the progress callback.
    Status hash_group(uint64_t first, unsigned count, Md4Lanes& md4, std::span<std::byte> buffer,
                      bool reports);
    bool should_stop() const noexcept;
    void fail(Error error);
    void report_progress(bool final);
    FileHashes collect_results() const;

    io::SequentialFile& file_;
    const FileHashOptions& options_;
    bool sequential_;
    bool want_ed2k_ = false;
    bool want_crc32_ = false;
    Md4Kernel kernel_ = Md4Kernel::scalar;
    unsigned workers_ = 1;  // set before any worker starts
    uint64_t chunk_count_ = 0;
    std::vector<Md4Digest> chunk_digests_;
    std::vector<uint32_t> chunk_crcs_;

    std::atomic<uint64_t> next_chunk_{0};
    std::atomic<uint64_t> done_bytes_{0};
    std::atomic<bool> aborted_{false};

    std::mutex mutex_;
    std::condition_variable workers_done_;
    unsigned pool_workers_running_ = 0;
    std::optional<Error> error_;

    ProgressThrottle throttle_;  // caller's thread only
};

}  // namespace anidb::hash
