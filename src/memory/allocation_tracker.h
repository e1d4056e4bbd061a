// Every allocation handed across the C ABI goes through the tracker: it is
// charged to the MemoryBudget, typed (down to its parts), served by the
// buffer pool when it is a result or event data that fits a size class, and
// remembered, so that a double free or a free of a pointer the library never
// issued is refused and counted without touching freed memory (the pointer
// set is consulted before any access).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace anidb::memory {

// The seed's allocation types, plus one per kind of result the C ABI adds
// (anime_info, and issue 16's MyList, metadata, title and queue results).
// The values are the C ABI's anidb_allocation_type_t (pinned in src/capi).
enum class AllocType : uint8_t {
    string = 0,         // strings: alone, or inside a result (paths, messages, titles)
    hash_result = 1,    // a file result's hash array with its hash strings
    file_result = 2,    // anidb_file_result_t structures (alone or in a batch's array)
    batch_result = 3,   // anidb_batch_result_t structures
    buffer = 4,         // generic buffers (the pool's loans to file reading and hashing)
    event = 5,          // the strings polled events own until the next poll
    anime_info = 6,     // anidb_anime_info_t structures
    mylist_entry = 7,   // anidb_mylist_entry_t
    anime = 8,          // anidb_anime_t
    episode = 9,        // anidb_episode_t
    group = 10,         // anidb_group_t
    title_search = 11,  // anidb_title_search_result_t with its match array
    queue_list = 12,    // anidb_queue_list_t with its job array
};
inline constexpr size_t kAllocTypeCount = 13;
const char* alloc_type_name(AllocType type) noexcept;

enum class FreeOutcome {
    freed,         // was live, now freed
    null_pointer,  // nullptr: nothing to do (free functions accept NULL)
    not_live,      // never issued, or already freed: refused and counted
    wrong_type,    // live but issued as another type: refused and counted
};

// One typed part of a block: `count` objects of `type` in `bytes`.
struct AllocationPart {
    uint64_t bytes = 0;
    uint32_t count = 0;
    AllocType type = AllocType::string;
};

// What one tracked block holds, as typed parts (a file result: its
// structure, its path and message strings, its hash array), so that one
// allocation serves a whole result and the figures per type still name
// every part. The first part's type is the block's type: the one its free
// function names. Parts of the same type are merged. A layout with more
// than kMaxParts types, an unknown type, or a byte total that overflows is
// invalid, and allocate() refuses it.
class AllocationLayout {
  public:
    static constexpr size_t kMaxParts = 4;

    AllocationLayout() = default;
    AllocationLayout(AllocType type, size_t bytes) { add(type, 1, bytes); }

    void add(AllocType type, uint64_t count, size_t bytes) noexcept;

    size_t bytes() const noexcept { return bytes_; }
    bool valid() const noexcept { return valid_ && part_count_ > 0 && bytes_ > 0; }
    AllocType type() const noexcept { return parts_[0].type; }
    const AllocationPart* begin() const noexcept { return parts_.data(); }
    const AllocationPart* end() const noexcept { return parts_.data() + part_count_; }

  private:
    std::array<AllocationPart, kMaxParts> parts_{};
    uint8_t part_count_ = 0;
    bool valid_ = true;
    size_t bytes_ = 0;
};

struct TrackerStats {
    uint64_t live_count = 0;  // live blocks
    uint64_t live_bytes = 0;
    uint64_t peak_bytes = 0;         // highest live_bytes ever seen
    uint64_t total_allocations = 0;  // since start
    uint64_t refused_frees = 0;      // not_live + wrong_type outcomes
    uint64_t pooled_blocks = 0;      // live blocks that came from the buffer pool
    // Per type, over the parts of every live block: a batch of 3 files counts
    // one batch_result, three file_results, its strings and hash arrays.
    std::array<uint64_t, kAllocTypeCount> live_count_by_type{};
    std::array<uint64_t, kAllocTypeCount> live_bytes_by_type{};
};

struct LiveAllocation {
    const void* pointer;
    size_t bytes;
    AllocType type;  // the block's (its first part's)
    bool pooled;
    std::array<AllocationPart, AllocationLayout::kMaxParts> parts;
    size_t part_count;
};

class AllocationTracker {
  public:
    static AllocationTracker& instance() noexcept;

    // Zero-filled memory of layout.bytes() (> 0), charged to the budget;
    // nullptr when the layout is invalid, the budget refuses or the system
    // is out of memory. Results and event data (every type but string and
    // buffer) that fit a pool size class come from the BufferPool, which
    // charges the class size and takes the block back when it is freed;
    // everything else, or a pooled request the budget refuses at class size,
    // is allocated directly and charged exactly. The tracker's own
    // bookkeeping is not charged. Aligned for any fundamental type.
    // Thread-safe.
    void* allocate(const AllocationLayout& layout) noexcept;
    void* allocate(size_t bytes, AllocType type) noexcept {
        return allocate(AllocationLayout(type, bytes));
    }
    // A tracked, NUL-terminated copy of `s` (AllocType::string, s.size() + 1
    // bytes); nullptr when refused like allocate().
    char* duplicate_string(std::string_view s) noexcept;
    // Frees `p` only if it is live and of `type` (its block type); see
    // FreeOutcome. A refused pointer is neither read nor written.
    // A pooled block is handed out at an offset inside it that changes
    // from one use to the next (a multiple of 16 within its spare room), so
    // that a stale pointer to a freed result rarely matches the result the
    // block serves next: the pool hands a freed block out again first.
    // Limitation: when a block has no room to spare, or another thread's
    // next offset happens to match, an address is reissued as it was, and a
    // stale second free of it frees the new result (the tracker only knows
    // addresses).
    FreeOutcome release(void* p, AllocType type) noexcept;
    // True when `p` is a live allocation of `type`.
    bool is_live(const void* p, AllocType type) const noexcept;

    // Whether pooled types come from the pool (the default). Off, every
    // allocation is direct: for benchmarks comparing the two, and for
    // memory checkers that must see each result as its own block. Blocks
    // already issued are freed the way they were allocated.
    void set_pooling(bool enabled) noexcept;

    TrackerStats stats() const noexcept;
    // Every live allocation (for leak reports in debug builds and tests).
    std::vector<LiveAllocation> live_allocations() const;

  private:
    struct Entry {
        std::array<AllocationPart, AllocationLayout::kMaxParts> parts;
        size_t bytes;
        uint32_t offset;  // of the pointer handed out, from the pool block's start
        uint8_t part_count;
        bool pooled;  // a BufferPool block of the class size for `bytes`
    };
    // Live pointers, sharded by pointer hash so threads rarely share a lock.
    // The counts live next to them under the same lock (summed by stats()),
    // so an allocation writes no counter line that other threads also write
    // except live_bytes_ (needed for the peak).
    struct alignas(64) Shard {
        mutable std::mutex mutex;
        std::unordered_map<const void*, Entry> live;
        uint64_t allocations = 0;  // since start
        uint64_t pooled = 0;       // live pooled blocks
        std::array<uint64_t, kAllocTypeCount> live_count_by_type{};
        std::array<uint64_t, kAllocTypeCount> live_bytes_by_type{};
    };
    static constexpr size_t kShardCount = 16;

    AllocationTracker() = default;
    Shard& shard_for(const void* p) const noexcept;
    // Both with shard.mutex held.
    void count_allocation(Shard& shard, const Entry& entry) noexcept;
    void count_release(Shard& shard, const Entry& entry) noexcept;

    mutable std::array<Shard, kShardCount> shards_;
    std::atomic<uint64_t> live_bytes_{0};
    std::atomic<uint64_t> peak_bytes_{0};
    std::atomic<uint64_t> refused_frees_{0};
    std::atomic<bool> pooling_{true};
};

// Live count and bytes per type as callers see them (the C ABI's
// anidb_get_allocation_stats): the tracker's parts, plus the buffer pool's
// PooledBuffers on loan to file reading and hashing under AllocType::buffer.
// Those loans are not ABI allocations: TrackerStats::live_count and
// live_bytes (the leak check) leave them out.
struct TypeFigures {
    uint64_t live_count = 0;
    uint64_t live_bytes = 0;
};
std::array<TypeFigures, kAllocTypeCount> live_figures_by_type() noexcept;

}  // namespace anidb::memory
