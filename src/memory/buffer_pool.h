// The buffer pool (the seed's "Buffer Pool"). Size classes 1, 4, 16, 64,
// 256 KiB and 1 MiB; at most kMaxIdlePerClass idle buffers per class. It
// serves two kinds of customers from the same idle buffers:
// - file reading and hashing borrow PooledBuffers (acquire); a request
//   beyond the largest class is allocated directly and freed on release;
//   these loans are the Buffer allocation type in per-type figures;
// - the AllocationTracker takes class-size blocks (acquire_block) for the
//   results and event data it hands across the C ABI.
// Every byte, idle or in use, is charged to the MemoryBudget.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>

#include "memory/memory_budget.h"

namespace anidb::memory {

inline constexpr std::array<size_t, 6> kPoolClasses = {size_t{1} << 10,   size_t{4} << 10,
                                                       size_t{16} << 10,  size_t{64} << 10,
                                                       size_t{256} << 10, size_t{1} << 20};
inline constexpr size_t kMaxIdlePerClass = 10;
// Every buffer starts on a cache line; direct allocations round up to it.
inline constexpr size_t kPoolAlignment = 64;

class BufferPool;

// A buffer on loan from the pool; returns itself on destruction. Move-only.
class PooledBuffer {
  public:
    PooledBuffer() = default;
    ~PooledBuffer();
    PooledBuffer(PooledBuffer&& other) noexcept;
    PooledBuffer& operator=(PooledBuffer&& other) noexcept;
    PooledBuffer(const PooledBuffer&) = delete;
    PooledBuffer& operator=(const PooledBuffer&) = delete;

    explicit operator bool() const noexcept { return data_ != nullptr; }
    std::byte* data() noexcept { return data_; }
    const std::byte* data() const noexcept { return data_; }
    // The size asked for; capacity() is the class size (>= size()).
    size_t size() const noexcept { return size_; }
    size_t capacity() const noexcept { return capacity_; }
    std::span<std::byte> span() noexcept { return {data_, size_}; }

  private:
    friend class BufferPool;
    PooledBuffer(std::byte* data, size_t size, size_t capacity) noexcept
        : data_(data), size_(size), capacity_(capacity) {}
    void give_back() noexcept;

    std::byte* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

struct PoolStats {
    uint64_t idle_bytes = 0;
    uint64_t in_use_bytes = 0;  // every buffer and block out of the pool, pooled or direct
    uint64_t hits = 0;          // served from an idle buffer
    uint64_t misses = 0;        // had to allocate
    std::array<uint64_t, kPoolClasses.size()> idle_count{};
    // PooledBuffers on loan to file reading and hashing (not the tracker's
    // blocks), pooled and direct: count and capacity bytes.
    uint64_t lent_buffers = 0;
    uint64_t lent_buffer_bytes = 0;
};

// A class-size block for the AllocationTracker: data == nullptr when refused.
struct PoolBlock {
    std::byte* data = nullptr;
    size_t capacity = 0;
};

class BufferPool {
  public:
    static BufferPool& instance() noexcept;

    // A buffer of at least `bytes` (> 0), or an empty PooledBuffer when the
    // memory budget refuses (the caller reports out of memory or retries
    // with a smaller size) or bytes == 0. Aligned to kPoolAlignment; its
    // contents are unspecified (not zeroed). Every call with bytes > 0 counts
    // as a hit (served from an idle buffer) or a miss (everything else,
    // including refusals). Thread-safe.
    PooledBuffer acquire(size_t bytes) noexcept;

    // For the AllocationTracker, which keeps its own record of what it took:
    // an idle block of the smallest class >= bytes (a hit) or a new one (a
    // miss), contents unspecified. Empty when the budget refuses, bytes == 0
    // or bytes is beyond the largest class (no direct allocation here).
    PoolBlock acquire_block(size_t bytes) noexcept;
    // Gives back a block from acquire_block(), with its capacity.
    void return_block(std::byte* data, size_t capacity) noexcept;

    // High pressure: keep at most half the idle buffers of each class.
    void shrink() noexcept;
    // Critical pressure and anidb_memory_gc: free every idle buffer.
    void clear() noexcept;

    PoolStats stats() const noexcept;
    // Smallest class >= bytes, or 0 when bytes is beyond the largest class.
    static size_t class_size_for(size_t bytes) noexcept;

  private:
    friend class PooledBuffer;
    // The idle buffers of a class are split into kIdleShards stacks with
    // kMaxIdlePerClass / kIdleShards places each. A thread uses its "home"
    // stack first, so two threads cycling buffers do not take turns on one
    // lock or on one buffer's cache lines; it spills to (and steals from)
    // the other stacks, so a single thread still keeps up to
    // kMaxIdlePerClass. Counters live next to the stack under its lock.
    static constexpr size_t kIdleShards = 5;
    static constexpr size_t kIdlePerShard = kMaxIdlePerClass / kIdleShards;
    static_assert(kIdlePerShard * kIdleShards == kMaxIdlePerClass);
    struct alignas(64) IdleShard {
        mutable std::mutex mutex;
        std::array<std::byte*, kIdlePerShard> idle{};
        size_t idle_count = 0;
        uint64_t hits = 0;
        uint64_t misses = 0;
        // Buffers lent from here minus buffers given back here; a buffer may
        // come back through another shard, so only the sum is meaningful.
        // `lent` counts both customers, `buffers_lent` PooledBuffers only.
        int64_t lent = 0;
        int64_t buffers_lent = 0;
    };
    using SizeClass = std::array<IdleShard, kIdleShards>;

    // Who a buffer is lent to: a PooledBuffer (counted as a Buffer loan) or
    // the tracker.
    enum class Borrower { buffer, tracker };

    BufferPool();
    std::byte* take(size_t class_index, Borrower borrower) noexcept;
    PooledBuffer acquire_direct(size_t bytes) noexcept;
    void put(std::byte* data, size_t class_index, Borrower borrower) noexcept;
    void give_back(std::byte* data, size_t capacity) noexcept;  // a PooledBuffer's
    // Frees idle buffers beyond keep(idle count of the shard) in every shard.
    template <typename KeepFn>
    void trim(KeepFn keep) noexcept;
    void on_pressure(Pressure previous, Pressure current) noexcept;

    std::array<SizeClass, kPoolClasses.size()> classes_;
    // Direct (beyond the largest class) allocations, lock-free.
    std::atomic<uint64_t> direct_in_use_bytes_{0};
    std::atomic<uint64_t> direct_in_use_count_{0};
    std::atomic<uint64_t> direct_misses_{0};
};

}  // namespace anidb::memory
