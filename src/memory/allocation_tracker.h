// Every allocation handed across the C ABI goes through the tracker: it is
// charged to the MemoryBudget, typed, and remembered, so that a double free or
// a free of a pointer the library never issued is refused and counted without
// touching freed memory (the pointer set is consulted before any access).
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

enum class AllocType : uint8_t {
    string = 0,
    hash_result = 1,
    file_result = 2,
    batch_result = 3,
    buffer = 4,
    event = 5,
    anime_info = 6,
    file_contents = 7,  // one file result's strings and hash array, in one block
};
inline constexpr size_t kAllocTypeCount = 8;
const char* alloc_type_name(AllocType type) noexcept;

enum class FreeOutcome {
    freed,         // was live, now freed
    null_pointer,  // nullptr: nothing to do (free functions accept NULL)
    not_live,      // never issued, or already freed: refused and counted
    wrong_type,    // live but issued as another type: refused and counted
};

struct TrackerStats {
    uint64_t live_count = 0;
    uint64_t live_bytes = 0;
    uint64_t peak_bytes = 0;         // highest live_bytes ever seen
    uint64_t total_allocations = 0;  // since start
    uint64_t refused_frees = 0;      // not_live + wrong_type outcomes
    std::array<uint64_t, kAllocTypeCount> live_count_by_type{};
    std::array<uint64_t, kAllocTypeCount> live_bytes_by_type{};
};

struct LiveAllocation {
    const void* pointer;
    size_t bytes;
    AllocType type;
};

class AllocationTracker {
  public:
    static AllocationTracker& instance() noexcept;

    // Zero-filled memory of `bytes` (> 0) charged to the budget; nullptr when
    // the budget refuses, the system is out of memory, or bytes == 0. Exactly
    // `bytes` is charged (the tracker's own bookkeeping is not). The memory is
    // aligned for any fundamental type (malloc alignment). Thread-safe.
    void* allocate(size_t bytes, AllocType type) noexcept;
    // A tracked, NUL-terminated copy of `s` (AllocType::string, s.size() + 1
    // bytes); nullptr when refused like allocate().
    char* duplicate_string(std::string_view s) noexcept;
    // Frees `p` only if it is live and of `type`; see FreeOutcome. A refused
    // pointer is neither read nor written. Limitation: once freed, an address
    // may be reissued by a later allocate(); a stale second free of it then
    // frees the new block (the tracker only knows addresses).
    FreeOutcome release(void* p, AllocType type) noexcept;
    // True when `p` is a live allocation of `type`.
    bool is_live(const void* p, AllocType type) const noexcept;

    TrackerStats stats() const noexcept;
    // Every live allocation (for leak reports in debug builds and tests).
    std::vector<LiveAllocation> live_allocations() const;

  private:
    struct Entry {
        size_t bytes;
        AllocType type;
    };
    // Live pointers, sharded by pointer hash so threads rarely share a lock.
    // The counts live next to them under the same lock (summed by stats()),
    // so an allocation writes no counter line that other threads also write
    // except live_bytes_ (needed for the peak).
    struct alignas(64) Shard {
        mutable std::mutex mutex;
        std::unordered_map<const void*, Entry> live;
        uint64_t allocations = 0;  // since start
        std::array<uint64_t, kAllocTypeCount> live_count_by_type{};
        std::array<uint64_t, kAllocTypeCount> live_bytes_by_type{};
    };
    static constexpr size_t kShardCount = 16;

    AllocationTracker() = default;
    Shard& shard_for(const void* p) const noexcept;
    // Both with shard.mutex held.
    void count_allocation(Shard& shard, size_t bytes, AllocType type) noexcept;
    void count_release(Shard& shard, size_t bytes, AllocType type) noexcept;

    mutable std::array<Shard, kShardCount> shards_;
    std::atomic<uint64_t> live_bytes_{0};
    std::atomic<uint64_t> peak_bytes_{0};
    std::atomic<uint64_t> refused_frees_{0};
};

}  // namespace anidb::memory
