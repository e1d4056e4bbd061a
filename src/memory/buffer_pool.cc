// The buffer pool: mutex-guarded stacks of idle buffers per size class,
// shared by PooledBuffer loans and the tracker's blocks.
// Memory is charged to the budget when first allocated and released only
// when actually freed, so idle buffers count against the limit too. No pool
// lock is held while the budget is charged or released: the budget may call
// back into the pool (reclaimer, pressure reactions) from either.
#include "memory/buffer_pool.h"

#include <cstdlib>
#include <limits>
#include <utility>

namespace anidb::memory {

namespace {

size_t class_index(size_t class_size) noexcept {
    size_t i = 0;
    while (kPoolClasses[i] != class_size) ++i;
    return i;
}

std::byte* allocate_aligned(size_t bytes) noexcept {
    // bytes is a multiple of kPoolAlignment, as aligned_alloc requires.
    return static_cast<std::byte*>(std::aligned_alloc(kPoolAlignment, bytes));
}

}  // namespace

// ---------------------------------------------------------------- PooledBuffer

PooledBuffer::~PooledBuffer() {
    give_back();
}

PooledBuffer::PooledBuffer(PooledBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

PooledBuffer& PooledBuffer::operator=(PooledBuffer&& other) noexcept {
    if (this != &other) {
        give_back();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

void PooledBuffer::give_back() noexcept {
    if (data_ != nullptr) BufferPool::instance().give_back(data_, capacity_);
    data_ = nullptr;
    size_ = 0;
    capacity_ = 0;
}

// ------------------------------------------------------------------ BufferPool

namespace {

// Each thread's home idle stack, assigned round-robin on first use so that
// the first kIdleShards threads all get their own.
std::atomic<size_t> next_home{0};
thread_local size_t tl_home = next_home.fetch_add(1, std::memory_order_relaxed);

}  // namespace

BufferPool& BufferPool::instance() noexcept {
    // Leaked on purpose: buffers returned by static destructors at exit
    // still find their pool.
    static BufferPool* const pool = new BufferPool();
    return *pool;
}

BufferPool::BufferPool() {
    auto& budget = MemoryBudget::instance();
    budget.set_reclaimer([this] { clear(); });
    budget.add_pressure_listener([this](Pressure previous, Pressure current, uint64_t, uint64_t) {
        on_pressure(previous, current);
    });
}

size_t BufferPool::class_size_for(size_t bytes) noexcept {
    for (size_t size : kPoolClasses) {
        if (bytes <= size) return size;
    }
    return 0;
}

PooledBuffer BufferPool::acquire(size_t bytes) noexcept {
    if (bytes == 0) return {};
    const size_t capacity = class_size_for(bytes);
    if (capacity == 0) return acquire_direct(bytes);
    std::byte* data = take(class_index(capacity), Borrower::buffer);
    if (data == nullptr) return {};
    return PooledBuffer(data, bytes, capacity);
}

PoolBlock BufferPool::acquire_block(size_t bytes) noexcept {
    if (bytes == 0) return {};
    const size_t capacity = class_size_for(bytes);
    if (capacity == 0) return {};
    std::byte* data = take(class_index(capacity), Borrower::tracker);
    if (data == nullptr) return {};
    return PoolBlock{data, capacity};
}

void BufferPool::return_block(std::byte* data, size_t capacity) noexcept {
    if (data == nullptr) return;
    put(data, class_index(capacity), Borrower::tracker);
}

std::byte* BufferPool::take(size_t index, Borrower borrower) noexcept {
    const int64_t buffer_loan = borrower == Borrower::buffer ? 1 : 0;
    const size_t capacity = kPoolClasses[index];
    SizeClass& shards = classes_[index];
    const size_t home = tl_home % kIdleShards;
    for (size_t k = 0; k < kIdleShards; ++k) {
        IdleShard& shard = shards[(home + k) % kIdleShards];
        std::lock_guard lock(shard.mutex);
        if (shard.idle_count != 0) {
            ++shard.hits;
            ++shard.lent;
            shard.buffers_lent += buffer_loan;
            return shard.idle[--shard.idle_count];
        }
    }
    IdleShard& own = shards[home];
    {
        std::lock_guard lock(own.mutex);
        ++own.misses;
        ++own.lent;  // counted before charging; undone below on failure
        own.buffers_lent += buffer_loan;
    }
    auto& budget = MemoryBudget::instance();
    std::byte* fresh = nullptr;
    if (budget.try_charge(capacity)) {
        fresh = allocate_aligned(capacity);
        if (fresh == nullptr) budget.release(capacity);
    }
    if (fresh == nullptr) {
        std::lock_guard lock(own.mutex);
        --own.lent;
        own.buffers_lent -= buffer_loan;
    }
    return fresh;
}

PooledBuffer BufferPool::acquire_direct(size_t bytes) noexcept {
    direct_misses_.fetch_add(1, std::memory_order_relaxed);
    if (bytes > std::numeric_limits<size_t>::max() - (kPoolAlignment - 1)) return {};
    const size_t capacity = (bytes + kPoolAlignment - 1) / kPoolAlignment * kPoolAlignment;
    auto& budget = MemoryBudget::instance();
    if (!budget.try_charge(capacity)) return {};
    std::byte* fresh = allocate_aligned(capacity);
    if (fresh == nullptr) {
        budget.release(capacity);
        return {};
    }
    direct_in_use_bytes_.fetch_add(capacity, std::memory_order_relaxed);
    direct_in_use_count_.fetch_add(1, std::memory_order_relaxed);
    return PooledBuffer(fresh, bytes, capacity);
}

void BufferPool::give_back(std::byte* data, size_t capacity) noexcept {
    // Direct allocations are rounded to kPoolAlignment and exceed the largest
    // class, so only pooled buffers have a class size as their capacity.
    if (class_size_for(capacity) != capacity) {
        direct_in_use_bytes_.fetch_sub(capacity, std::memory_order_relaxed);
        direct_in_use_count_.fetch_sub(1, std::memory_order_relaxed);
        std::free(data);
        MemoryBudget::instance().release(capacity);
        return;
    }
    put(data, class_index(capacity), Borrower::buffer);
}

void BufferPool::put(std::byte* data, size_t index, Borrower borrower) noexcept {
    SizeClass& shards = classes_[index];
    const size_t home = tl_home % kIdleShards;
    for (size_t k = 0; k < kIdleShards; ++k) {
        IdleShard& shard = shards[(home + k) % kIdleShards];
        std::lock_guard lock(shard.mutex);
        if (k == 0) {  // the loan ends whether or not the buffer is kept
            --shard.lent;
            if (borrower == Borrower::buffer) --shard.buffers_lent;
        }
        if (shard.idle_count < kIdlePerShard) {
            shard.idle[shard.idle_count++] = data;
            return;
        }
    }
    std::free(data);  // every idle place is taken
    MemoryBudget::instance().release(kPoolClasses[index]);
}

template <typename KeepFn>
void BufferPool::trim(KeepFn keep) noexcept {
    for (size_t i = 0; i < kPoolClasses.size(); ++i) {
        SizeClass& shards = classes_[i];
        std::array<std::byte*, kMaxIdlePerClass> victims{};
        size_t count = 0;
        {
            // All shards of the class at once (always in index order; no
            // other path holds two), so "keep half" applies to the class.
            std::array<std::unique_lock<std::mutex>, kIdleShards> locks;
            size_t idle = 0;
            for (size_t s = 0; s < kIdleShards; ++s) {
                locks[s] = std::unique_lock(shards[s].mutex);
                idle += shards[s].idle_count;
            }
            const size_t target = keep(idle);
            for (size_t s = kIdleShards; s-- > 0 && idle > target;) {
                IdleShard& shard = shards[s];
                while (shard.idle_count != 0 && idle > target) {
                    victims[count++] = shard.idle[--shard.idle_count];
                    --idle;
                }
            }
        }
        if (count == 0) continue;
        for (size_t v = 0; v < count; ++v) std::free(victims[v]);
        MemoryBudget::instance().release(uint64_t{count} * kPoolClasses[i]);  // no lock held
    }
}

void BufferPool::shrink() noexcept {
    trim([](size_t idle) { return idle / 2; });
}

void BufferPool::clear() noexcept {
    trim([](size_t) { return size_t{0}; });
}

void BufferPool::on_pressure(Pressure previous, Pressure current) noexcept {
    if (current <= previous) return;  // only rising pressure reacts
    if (current == Pressure::critical) {
        clear();
    } else if (current == Pressure::high) {
        shrink();
    }
}

PoolStats BufferPool::stats() const noexcept {
    PoolStats s;
    int64_t lent_bytes = 0;
    int64_t buffers = 0;
    int64_t buffer_bytes = 0;
    for (size_t i = 0; i < kPoolClasses.size(); ++i) {
        const auto class_bytes = static_cast<int64_t>(kPoolClasses[i]);
        int64_t class_buffers = 0;
        for (const IdleShard& shard : classes_[i]) {
            std::lock_guard lock(shard.mutex);
            s.idle_count[i] += shard.idle_count;
            s.hits += shard.hits;
            s.misses += shard.misses;
            lent_bytes += shard.lent * class_bytes;
            class_buffers += shard.buffers_lent;
        }
        s.idle_bytes += s.idle_count[i] * kPoolClasses[i];
        buffers += class_buffers;
        buffer_bytes += class_buffers * class_bytes;
    }
    // Per-shard loans can be negative; their sums are what is on loan, up to
    // buffers moving between shards while this reads (never below zero then).
    const auto non_negative = [](int64_t v) { return static_cast<uint64_t>(v < 0 ? 0 : v); };
    const uint64_t direct_bytes = direct_in_use_bytes_.load(std::memory_order_relaxed);
    const uint64_t direct_count = direct_in_use_count_.load(std::memory_order_relaxed);
    s.in_use_bytes = non_negative(lent_bytes) + direct_bytes;
    s.lent_buffers = non_negative(buffers) + direct_count;
    s.lent_buffer_bytes = non_negative(buffer_bytes) + direct_bytes;
    s.misses += direct_misses_.load(std::memory_order_relaxed);
    return s;
}

}  // namespace anidb::memory
