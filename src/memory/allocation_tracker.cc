// The ABI allocation tracker: calloc'd blocks charged to the budget, with
// every live pointer remembered in a sharded map so frees are validated
// before the memory is touched.
#include "memory/allocation_tracker.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "memory/fault_injection.h"
#include "memory/memory_budget.h"

namespace anidb::memory {

namespace {

constexpr size_t index_of(AllocType type) noexcept {
    return static_cast<size_t>(type);
}

bool valid_type(AllocType type) noexcept {
    return index_of(type) < kAllocTypeCount;
}

}  // namespace

const char* alloc_type_name(AllocType type) noexcept {
    switch (type) {
        case AllocType::string:
            return "string";
        case AllocType::hash_result:
            return "hash_result";
        case AllocType::file_result:
            return "file_result";
        case AllocType::batch_result:
            return "batch_result";
        case AllocType::buffer:
            return "buffer";
        case AllocType::event:
            return "event";
        case AllocType::anime_info:
            return "anime_info";
        case AllocType::file_contents:
            return "file_contents";
    }
    return "unknown";
}

AllocationTracker& AllocationTracker::instance() noexcept {
    // Leaked on purpose: frees from static destructors at exit stay valid.
    static AllocationTracker* const tracker = new AllocationTracker();
    return *tracker;
}

AllocationTracker::Shard& AllocationTracker::shard_for(const void* p) const noexcept {
    // Fibonacci hashing of the address; the low bits are alignment zeros.
    const auto bits = reinterpret_cast<uintptr_t>(p) >> 4;
    const auto mixed = static_cast<uint64_t>(bits) * 0x9E3779B97F4A7C15ull;
    return shards_[mixed >> 60];  // top 4 bits: 16 shards
}
static_assert(sizeof(uintptr_t) <= sizeof(uint64_t));

void* AllocationTracker::allocate(size_t bytes, AllocType type) noexcept {
    if (bytes == 0 || !valid_type(type)) return nullptr;
    if (fault::should_fail(fault::Point::tracked_allocation)) return nullptr;
    auto& budget = MemoryBudget::instance();
    if (!budget.try_charge(bytes)) return nullptr;
    void* p = std::calloc(1, bytes);
    if (p == nullptr) {
        budget.release(bytes);
        return nullptr;
    }
    try {
        Shard& shard = shard_for(p);
        std::lock_guard lock(shard.mutex);
        shard.live.insert_or_assign(p, Entry{bytes, type});
        count_allocation(shard, bytes, type);
    } catch (...) {
        std::free(p);  // could not remember it: hand out nothing
        budget.release(bytes);
        return nullptr;
    }
    return p;
}

char* AllocationTracker::duplicate_string(std::string_view s) noexcept {
    auto* copy = static_cast<char*>(allocate(s.size() + 1, AllocType::string));
    if (copy != nullptr && !s.empty()) std::memcpy(copy, s.data(), s.size());
    return copy;  // zero-filled, so copy[s.size()] is already the NUL
}

FreeOutcome AllocationTracker::release(void* p, AllocType type) noexcept {
    if (p == nullptr) return FreeOutcome::null_pointer;
    size_t bytes = 0;
    {
        Shard& shard = shard_for(p);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.live.find(p);
        if (it == shard.live.end()) {
            refused_frees_.fetch_add(1, std::memory_order_relaxed);
            return FreeOutcome::not_live;
        }
        if (it->second.type != type) {
            refused_frees_.fetch_add(1, std::memory_order_relaxed);
            return FreeOutcome::wrong_type;
        }
        bytes = it->second.bytes;
        shard.live.erase(it);
        // Counters first: the address may be reissued as soon as it is freed.
        count_release(shard, bytes, type);
    }
    std::free(p);
    MemoryBudget::instance().release(bytes);
    return FreeOutcome::freed;
}

bool AllocationTracker::is_live(const void* p, AllocType type) const noexcept {
    if (p == nullptr) return false;
    Shard& shard = shard_for(p);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.live.find(p);
    return it != shard.live.end() && it->second.type == type;
}

void AllocationTracker::count_allocation(Shard& shard, size_t bytes, AllocType type) noexcept {
    ++shard.allocations;
    ++shard.live_count_by_type[index_of(type)];
    shard.live_bytes_by_type[index_of(type)] += bytes;
    const uint64_t now = live_bytes_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    uint64_t peak = peak_bytes_.load(std::memory_order_relaxed);
    while (now > peak && !peak_bytes_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}

void AllocationTracker::count_release(Shard& shard, size_t bytes, AllocType type) noexcept {
    --shard.live_count_by_type[index_of(type)];
    shard.live_bytes_by_type[index_of(type)] -= bytes;
    live_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
}

TrackerStats AllocationTracker::stats() const noexcept {
    TrackerStats s;
    for (const Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        s.total_allocations += shard.allocations;
        for (size_t i = 0; i < kAllocTypeCount; ++i) {
            s.live_count_by_type[i] += shard.live_count_by_type[i];
            s.live_bytes_by_type[i] += shard.live_bytes_by_type[i];
        }
    }
    for (size_t i = 0; i < kAllocTypeCount; ++i) {
        s.live_count += s.live_count_by_type[i];
        s.live_bytes += s.live_bytes_by_type[i];
    }
    s.peak_bytes = std::max(peak_bytes_.load(std::memory_order_relaxed), s.live_bytes);
    s.refused_frees = refused_frees_.load(std::memory_order_relaxed);
    return s;
}

std::vector<LiveAllocation> AllocationTracker::live_allocations() const {
    std::vector<LiveAllocation> all;
    for (const Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        for (const auto& [pointer, entry] : shard.live) {
            all.push_back(LiveAllocation{pointer, entry.bytes, entry.type});
        }
    }
    return all;
}

}  // namespace anidb::memory
