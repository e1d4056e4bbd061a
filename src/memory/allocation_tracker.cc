// The ABI allocation tracker: blocks charged to the budget (pool blocks for
// results and event data, calloc'd otherwise), with every live pointer
// remembered in a sharded map so frees are validated before the memory is
// touched.
#include "memory/allocation_tracker.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "memory/buffer_pool.h"
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

// The seed's pooled kinds: hash, file and batch results and event data (and
// anime info, the other result). Strings and generic buffers are direct.
bool pooled_kind(AllocType type) noexcept {
    return type != AllocType::string && type != AllocType::buffer;
}

// Where in a pooled block of `capacity` an allocation of `bytes` starts:
// each thread steps through the offsets its spare room allows, so a block
// freed and handed out again (at once, by the pool) gets another address.
constexpr size_t kOffsetStep = alignof(std::max_align_t);
constexpr size_t kMaxOffsets = 64;
thread_local size_t tl_next_offset = 0;

size_t pick_offset(size_t capacity, size_t bytes) noexcept {
    const size_t offsets = std::min((capacity - bytes) / kOffsetStep + 1, kMaxOffsets);
    return (tl_next_offset++ % offsets) * kOffsetStep;
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
        case AllocType::mylist_entry:
            return "mylist_entry";
        case AllocType::anime:
            return "anime";
        case AllocType::episode:
            return "episode";
        case AllocType::group:
            return "group";
        case AllocType::title_search:
            return "title_search";
        case AllocType::queue_list:
            return "queue_list";
    }
    return "unknown";
}

void AllocationLayout::add(AllocType type, uint64_t count, size_t bytes) noexcept {
    if (!valid_type(type) || count > std::numeric_limits<uint32_t>::max() ||
        bytes > std::numeric_limits<size_t>::max() - bytes_) {
        valid_ = false;
        return;
    }
    bytes_ += bytes;
    for (size_t i = 0; i < part_count_; ++i) {
        AllocationPart& part = parts_[i];
        if (part.type != type) continue;
        if (count > std::numeric_limits<uint32_t>::max() - part.count) {
            valid_ = false;
            return;
        }
        part.count += static_cast<uint32_t>(count);
        part.bytes += bytes;
        return;
    }
    if (part_count_ == kMaxParts) {
        valid_ = false;
        return;
    }
    parts_[part_count_++] = AllocationPart{bytes, static_cast<uint32_t>(count), type};
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

void AllocationTracker::set_pooling(bool enabled) noexcept {
    pooling_.store(enabled, std::memory_order_relaxed);
}

void* AllocationTracker::allocate(const AllocationLayout& layout) noexcept {
    if (!layout.valid()) return nullptr;
    if (fault::should_fail(fault::Point::tracked_allocation)) return nullptr;
    const size_t bytes = layout.bytes();
    auto& budget = MemoryBudget::instance();
    auto& pool = BufferPool::instance();

    void* p = nullptr;
    bool pooled = false;
    size_t offset = 0;
    if (pooled_kind(layout.type()) && pooling_.load(std::memory_order_relaxed)) {
        // The pool charges (on a miss) the class size; a hit costs nothing new.
        const PoolBlock block = pool.acquire_block(bytes);
        if (block.data != nullptr) {
            offset = pick_offset(block.capacity, bytes);
            p = block.data + offset;
            std::memset(p, 0, bytes);
            pooled = true;
        }
    }
    // Direct: strings, buffers, sizes beyond the largest class, and pooled
    // kinds when the budget has no room for a whole class block but does for
    // the exact size.
    if (p == nullptr) {
        if (!budget.try_charge(bytes)) return nullptr;
        p = std::calloc(1, bytes);
        if (p == nullptr) {
            budget.release(bytes);
            return nullptr;
        }
    }

    Entry entry{};
    std::copy(layout.begin(), layout.end(), entry.parts.begin());
    entry.part_count = static_cast<uint8_t>(layout.end() - layout.begin());
    entry.bytes = bytes;
    entry.offset = static_cast<uint32_t>(offset);
    entry.pooled = pooled;
    try {
        Shard& shard = shard_for(p);
        std::lock_guard lock(shard.mutex);
        shard.live.insert_or_assign(p, entry);
        count_allocation(shard, entry);
    } catch (...) {
        // Could not remember it: hand out nothing.
        if (pooled) {
            pool.return_block(static_cast<std::byte*>(p) - offset,
                              BufferPool::class_size_for(bytes));
        } else {
            std::free(p);
            budget.release(bytes);
        }
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
    size_t offset = 0;
    bool pooled = false;
    {
        Shard& shard = shard_for(p);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.live.find(p);
        if (it == shard.live.end()) {
            refused_frees_.fetch_add(1, std::memory_order_relaxed);
            return FreeOutcome::not_live;
        }
        if (it->second.parts[0].type != type) {
            refused_frees_.fetch_add(1, std::memory_order_relaxed);
            return FreeOutcome::wrong_type;
        }
        bytes = it->second.bytes;
        offset = it->second.offset;
        pooled = it->second.pooled;
        // Counters first: the address may be reissued as soon as it is freed.
        count_release(shard, it->second);
        shard.live.erase(it);
    }
    // No tracker lock held: the pool and the budget may call listeners.
    if (pooled) {
        BufferPool::instance().return_block(static_cast<std::byte*>(p) - offset,
                                            BufferPool::class_size_for(bytes));
    } else {
        std::free(p);
        MemoryBudget::instance().release(bytes);
    }
    return FreeOutcome::freed;
}

bool AllocationTracker::is_live(const void* p, AllocType type) const noexcept {
    if (p == nullptr) return false;
    Shard& shard = shard_for(p);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.live.find(p);
    return it != shard.live.end() && it->second.parts[0].type == type;
}

void AllocationTracker::count_allocation(Shard& shard, const Entry& entry) noexcept {
    ++shard.allocations;
    if (entry.pooled) ++shard.pooled;
    for (size_t i = 0; i < entry.part_count; ++i) {
        const AllocationPart& part = entry.parts[i];
        shard.live_count_by_type[index_of(part.type)] += part.count;
        shard.live_bytes_by_type[index_of(part.type)] += part.bytes;
    }
    const uint64_t now =
        live_bytes_.fetch_add(entry.bytes, std::memory_order_relaxed) + entry.bytes;
    uint64_t peak = peak_bytes_.load(std::memory_order_relaxed);
    while (now > peak && !peak_bytes_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}

void AllocationTracker::count_release(Shard& shard, const Entry& entry) noexcept {
    if (entry.pooled) --shard.pooled;
    for (size_t i = 0; i < entry.part_count; ++i) {
        const AllocationPart& part = entry.parts[i];
        shard.live_count_by_type[index_of(part.type)] -= part.count;
        shard.live_bytes_by_type[index_of(part.type)] -= part.bytes;
    }
    live_bytes_.fetch_sub(entry.bytes, std::memory_order_relaxed);
}

TrackerStats AllocationTracker::stats() const noexcept {
    TrackerStats s;
    for (const Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        s.total_allocations += shard.allocations;
        s.live_count += shard.live.size();
        s.pooled_blocks += shard.pooled;
        for (size_t i = 0; i < kAllocTypeCount; ++i) {
            s.live_count_by_type[i] += shard.live_count_by_type[i];
            s.live_bytes_by_type[i] += shard.live_bytes_by_type[i];
        }
    }
    for (size_t i = 0; i < kAllocTypeCount; ++i) s.live_bytes += s.live_bytes_by_type[i];
    s.peak_bytes = std::max(peak_bytes_.load(std::memory_order_relaxed), s.live_bytes);
    s.refused_frees = refused_frees_.load(std::memory_order_relaxed);
    return s;
}

std::vector<LiveAllocation> AllocationTracker::live_allocations() const {
    std::vector<LiveAllocation> all;
    for (const Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        for (const auto& [pointer, entry] : shard.live) {
            all.push_back(LiveAllocation{pointer, entry.bytes, entry.parts[0].type, entry.pooled,
                                         entry.parts, entry.part_count});
        }
    }
    return all;
}

std::array<TypeFigures, kAllocTypeCount> live_figures_by_type() noexcept {
    const TrackerStats tracked = AllocationTracker::instance().stats();
    const PoolStats pool = BufferPool::instance().stats();
    std::array<TypeFigures, kAllocTypeCount> figures{};
    for (size_t i = 0; i < kAllocTypeCount; ++i) {
        figures[i] = TypeFigures{tracked.live_count_by_type[i], tracked.live_bytes_by_type[i]};
    }
    figures[index_of(AllocType::buffer)].live_count += pool.lent_buffers;
    figures[index_of(AllocType::buffer)].live_bytes += pool.lent_buffer_bytes;
    return figures;
}

}  // namespace anidb::memory
