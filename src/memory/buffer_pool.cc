// The buffer pool: one mutex-guarded stack of idle buffers per size class.
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

BufferPool& BufferPool::instance() noexcept {
    // Leaked on purpose: buffers returned by static destructors at exit
    // still find their pool.
    static BufferPool* const pool = new BufferPool();
    return *pool;
}

BufferPool::BufferPool() {
    for (auto& size_class : classes_) size_class.idle.reserve(kMaxIdlePerClass);
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
    size_t capacity = class_size_for(bytes);
    if (capacity != 0) {
        SizeClass& size_class = classes_[class_index(capacity)];
        std::byte* reused = nullptr;
        {
            std::lock_guard lock(size_class.mutex);
            if (!size_class.idle.empty()) {
                reused = size_class.idle.back();
                size_class.idle.pop_back();
                size_class.idle_count.fetch_sub(1, std::memory_order_relaxed);
                // Under the lock, so the idle total never dips below zero.
                idle_bytes_.fetch_sub(capacity, std::memory_order_relaxed);
            }
        }
        if (reused != nullptr) {
            in_use_bytes_.fetch_add(capacity, std::memory_order_relaxed);
            hits_.fetch_add(1, std::memory_order_relaxed);
            return PooledBuffer(reused, bytes, capacity);
        }
    } else {
        if (bytes > std::numeric_limits<size_t>::max() - (kPoolAlignment - 1)) {
            misses_.fetch_add(1, std::memory_order_relaxed);
            return {};
        }
        capacity = (bytes + kPoolAlignment - 1) / kPoolAlignment * kPoolAlignment;
    }
    misses_.fetch_add(1, std::memory_order_relaxed);
    auto& budget = MemoryBudget::instance();
    if (!budget.try_charge(capacity)) return {};
    std::byte* fresh = allocate_aligned(capacity);
    if (fresh == nullptr) {
        budget.release(capacity);
        return {};
    }
    in_use_bytes_.fetch_add(capacity, std::memory_order_relaxed);
    return PooledBuffer(fresh, bytes, capacity);
}

void BufferPool::give_back(std::byte* data, size_t capacity) noexcept {
    // Direct allocations are rounded to kPoolAlignment and exceed the largest
    // class, so only pooled buffers have a class size as their capacity.
    if (class_size_for(capacity) == capacity) {
        SizeClass& size_class = classes_[class_index(capacity)];
        bool kept = false;
        {
            std::lock_guard lock(size_class.mutex);
            if (size_class.idle.size() < kMaxIdlePerClass) {
                size_class.idle.push_back(data);  // capacity reserved: no throw
                size_class.idle_count.fetch_add(1, std::memory_order_relaxed);
                idle_bytes_.fetch_add(capacity, std::memory_order_relaxed);
                kept = true;
            }
        }
        if (kept) {
            in_use_bytes_.fetch_sub(capacity, std::memory_order_relaxed);
            return;
        }
    }
    in_use_bytes_.fetch_sub(capacity, std::memory_order_relaxed);
    std::free(data);
    MemoryBudget::instance().release(capacity);
}

template <typename KeepFn>
void BufferPool::trim(KeepFn keep) noexcept {
    for (size_t i = 0; i < kPoolClasses.size(); ++i) {
        SizeClass& size_class = classes_[i];
        std::array<std::byte*, kMaxIdlePerClass> victims{};
        size_t count = 0;
        {
            std::lock_guard lock(size_class.mutex);
            const size_t target = keep(size_class.idle.size());
            while (size_class.idle.size() > target) {
                victims[count++] = size_class.idle.back();
                size_class.idle.pop_back();
            }
            size_class.idle_count.fetch_sub(count, std::memory_order_relaxed);
            idle_bytes_.fetch_sub(uint64_t{count} * kPoolClasses[i], std::memory_order_relaxed);
        }
        if (count == 0) continue;
        const uint64_t freed = uint64_t{count} * kPoolClasses[i];
        for (size_t v = 0; v < count; ++v) std::free(victims[v]);
        MemoryBudget::instance().release(freed);  // may notify: no lock held
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
    s.idle_bytes = idle_bytes_.load(std::memory_order_relaxed);
    s.in_use_bytes = in_use_bytes_.load(std::memory_order_relaxed);
    s.hits = hits_.load(std::memory_order_relaxed);
    s.misses = misses_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < kPoolClasses.size(); ++i) {
        s.idle_count[i] = classes_[i].idle_count.load(std::memory_order_relaxed);
    }
    return s;
}

}  // namespace anidb::memory
