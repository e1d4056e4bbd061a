// Memory statistics, the limit, garbage collection, leak checks and the
// typed free functions.
#include <algorithm>
#include <cstdio>

#include "capi/capi_internal.h"
#include "memory/allocation_tracker.h"
#include "memory/buffer_pool.h"
#include "memory/memory_budget.h"

using namespace anidb;
using namespace anidb::capi;
using memory::AllocationTracker;
using memory::AllocType;

// The C allocation types are the tracker's (pinned in abi_pins.cc).

namespace {

// Debug builds: every live allocation on stderr, with its typed parts.
void list_live_allocations() {
#ifndef NDEBUG
    for (const auto& a : AllocationTracker::instance().live_allocations()) {
        std::fprintf(stderr, "anidb: live %s allocation of %zu bytes at %p (%s):",
                     memory::alloc_type_name(a.type), a.bytes, a.pointer,
                     a.pooled ? "pooled" : "direct");
        for (size_t i = 0; i < a.part_count; ++i) {
            std::fprintf(stderr, " %s x%u %llu B", memory::alloc_type_name(a.parts[i].type),
                         static_cast<unsigned>(a.parts[i].count),
                         static_cast<unsigned long long>(a.parts[i].bytes));
        }
        std::fprintf(stderr, "\n");
    }
#endif
}

// Frees a result block: one lookup, nothing read (a refused pointer is not
// touched; the block holds everything the result points to).
void free_block(void* p, AllocType type) {
    AllocationTracker::instance().release(p, type);
}

}  // namespace

extern "C" {

anidb_result_t anidb_get_memory_stats(anidb_memory_stats_t* stats) {
    return with_no_handle([&] {
        if (stats == nullptr) return fail(Errc::invalid_parameter, "stats is NULL");
        const auto& budget = memory::MemoryBudget::instance();
        const auto tracked = AllocationTracker::instance().stats();
        const auto pool = memory::BufferPool::instance().stats();
        stats->total_memory_used = budget.used();
        stats->ffi_allocated = tracked.live_bytes;
        stats->ffi_peak = tracked.peak_bytes;
        stats->pool_memory = pool.idle_bytes + pool.in_use_bytes;
        stats->pool_hits = pool.hits;
        stats->pool_misses = pool.misses;
        stats->active_allocations = tracked.live_count;
        stats->memory_limit = budget.limit();
        stats->memory_pressure = static_cast<uint32_t>(budget.pressure());
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_memory_gc(void) {
    return with_no_handle([] {
        memory::BufferPool::instance().clear();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_check_memory_leaks(uint64_t* leak_count, uint64_t* leaked_bytes) {
    return with_no_handle([&] {
        if (leak_count == nullptr || leaked_bytes == nullptr) {
            return fail(Errc::invalid_parameter, "leak_count or leaked_bytes is NULL");
        }
        const auto tracked = AllocationTracker::instance().stats();
        *leak_count = tracked.live_count;
        *leaked_bytes = tracked.live_bytes;
        list_live_allocations();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_get_allocation_stats(anidb_allocation_stats_t* stats, size_t capacity,
                                          size_t* out_count) {
    return with_no_handle([&] {
        if (out_count != nullptr) *out_count = 0;
        if (stats == nullptr || out_count == nullptr) {
            return fail(Errc::invalid_parameter, "stats or out_count is NULL");
        }
        if (capacity == 0) return fail(Errc::invalid_parameter, "capacity is 0");
        const auto figures = memory::live_figures_by_type();
        const size_t count = std::min(capacity, figures.size());
        for (size_t i = 0; i < count; ++i) {
            stats[i].live_count = figures[i].live_count;
            stats[i].live_bytes = figures[i].live_bytes;
        }
        *out_count = count;
        list_live_allocations();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_set_memory_limit(uint64_t bytes) {
    return with_no_handle([&] {
        memory::MemoryBudget::instance().set_limit(bytes);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_string(char* str) {
    (void)with_no_handle([&] {
        free_block(str, AllocType::string);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_file_result(anidb_file_result_t* result) {
    (void)with_no_handle([&] {
        free_block(result, AllocType::file_result);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_batch_result(anidb_batch_result_t* result) {
    (void)with_no_handle([&] {
        free_block(result, AllocType::batch_result);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_anime_info(anidb_anime_info_t* info) {
    (void)with_no_handle([&] {
        free_block(info, AllocType::anime_info);
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
