// The engine behind hash_file: one FileHashJob per file. The calling thread
// reads blocks (power-of-two sizes, 1 MiB by default, aligned so that each
// block is a whole TTH leaf group) and turns each into work items:
//   serial  MD5/SHA1/CRC32 of the block, strictly in file order (one lane);
//   ed2k    the block's part of an ED2K chunk, in order within each chunk
//           (one lane per chunk, chunks in parallel);
//   tth     the subtree root of the block's leaves (independent).
// Items run on the WorkerPool; a block's buffer goes back to the pool when
// its last item is done. At most max_in_flight blocks exist at once, so
// memory does not depend on the file size.
//
// Thread-safety: run() is called once, on the caller's thread; worker tasks
// touch the job only under mutex_, except for the state of a lane they own
// (a busy lane is run by exactly one task). run() returns only after every
// task it submitted has finished.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "hash/hash_file.h"
#include "hash/primitives.h"
#include "hash/progress_throttle.h"
#include "hash/serial_digests.h"
#include "hash/tth_tree.h"
#include "hash/worker_pool.h"
#include "io/sequential_file.h"
#include "memory/buffer_pool.h"

namespace anidb::hash {

// Largest block (the 1 MiB pool class: 1024 TTH leaves), smallest (one leaf).
inline constexpr size_t kMaxBlockSize = size_t{1} << 20;
inline constexpr size_t kMinBlockSize = kTthLeafSize;
inline constexpr size_t kMaxBlocksInFlight = 32;

// Bytes of blocks in flight for a job running `tasks` items at once. ED2K
// lanes are serial within a 9728000-byte chunk and the reader is sequential,
// so keeping N lanes busy needs about N - 1 chunks in flight plus slack; the
// slack also lets the serial MD5/SHA1/CRC32 lane drift against the parallel
// ones. 16 MiB on two cores; never more than 48 MiB (peak RSS goal: 64 MiB).
inline size_t read_ahead_bytes(unsigned tasks) noexcept {
    const uint64_t want = (tasks > 1 ? tasks - 1 : 0) * kEd2kChunkSize + (size_t{6} << 20);
    return static_cast<size_t>(std::clamp<uint64_t>(want, size_t{16} << 20, size_t{48} << 20));
}

class FileHashJob {
  public:
    FileHashJob(io::SequentialFile& file, const FileHashOptions& options);
    Result<FileHashes> run();

  private:
    struct Block {
        memory::PooledBuffer buffer;
        uint64_t offset = 0;
        size_t length = 0;
        unsigned tth_level = 0;
        int refs = 0;
    };
    enum class Kind { serial, ed2k, tth };
    struct Item {
        Kind kind;
        Block* block;
        size_t begin;  // byte range inside the block
        size_t end;
        uint64_t chunk = 0;       // ed2k: chunk index
        bool ends_chunk = false;  // ed2k: last item of the chunk
    };
    struct ChunkLane {
        Md4 md4;
        std::deque<Item> pending;
        bool busy = false;
    };

    // Reader side (caller's thread).
    bool acquire_buffer(std::unique_lock<std::mutex>& lock, memory::PooledBuffer& out);
    void enqueue_block(std::unique_ptr<Block> block);
    void wait_for(std::unique_lock<std::mutex>& lock, const std::function<bool()>& ready);
    void report_progress(std::unique_lock<std::mutex>& lock, bool final);
    void fail(Error error);
    size_t blocks_in_flight_limit() const noexcept;
    FileHashes collect_results();

    // Scheduling (mutex_ held).
    void pump();
    void dispatch(Item item, WorkerPool::Priority priority);
    // Worker side.
    void execute(Item item) noexcept;

    io::SequentialFile& file_;
    const FileHashOptions& options_;
    bool want_ed2k_ = false;
    bool want_tth_ = false;
    unsigned cap_ = 1;
    size_t block_size_ = kMaxBlockSize;
    size_t max_in_flight_ = 1;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<uint64_t, std::unique_ptr<Block>> blocks_;  // by offset
    std::vector<memory::PooledBuffer> spare_;            // hashed blocks' buffers, reused
    unsigned active_ = 0;                                // items running
    std::atomic<bool> aborted_{false};
    std::optional<Error> error_;
    uint64_t done_bytes_ = 0;
    ProgressThrottle throttle_;

    SerialDigests serial_;
    std::deque<Item> serial_pending_;
    bool serial_busy_ = false;

    std::map<uint64_t, ChunkLane> chunk_lanes_;  // by chunk index
    std::vector<Md4Digest> chunk_digests_;

    std::deque<Item> tth_pending_;
    std::map<uint64_t, std::pair<TigerDigest, unsigned>> tth_roots_;  // done, not folded
    uint64_t tth_next_offset_ = 0;
    Tiger fold_tiger_;
    TthTree tth_tree_;
};

}  // namespace anidb::hash
