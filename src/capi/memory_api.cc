// Memory statistics, the limit, garbage collection, leak check and the
// typed free functions.
#include <cstdio>

#include "capi/capi_internal.h"
#include "memory/allocation_tracker.h"
#include "memory/buffer_pool.h"
#include "memory/memory_budget.h"

using namespace anidb;
using namespace anidb::capi;
using memory::AllocationTracker;
using memory::AllocType;

extern "C" {

anidb_result_t anidb_get_memory_stats(anidb_memory_stats_t* stats) {
    return barrier([&] {
        if (stats == nullptr) return fail(nullptr, Errc::invalid_parameter, "stats is NULL");
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
    return barrier([] {
        memory::BufferPool::instance().clear();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_check_memory_leaks(uint64_t* leak_count, uint64_t* leaked_bytes) {
    return barrier([&] {
        if (leak_count == nullptr || leaked_bytes == nullptr) {
            return fail(nullptr, Errc::invalid_parameter, "leak_count or leaked_bytes is NULL");
        }
        const auto tracked = AllocationTracker::instance().stats();
        *leak_count = tracked.live_count;
        *leaked_bytes = tracked.live_bytes;
#ifndef NDEBUG
        for (const auto& a : AllocationTracker::instance().live_allocations()) {
            std::fprintf(stderr, "anidb: live %s allocation of %zu bytes at %p\n",
                         memory::alloc_type_name(a.type), a.bytes, a.pointer);
        }
#endif
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_set_memory_limit(uint64_t bytes) {
    return barrier([&] {
        memory::MemoryBudget::instance().set_limit(bytes);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_string(char* str) {
    (void)barrier([&] {
        AllocationTracker::instance().release(str, AllocType::string);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_file_result(anidb_file_result_t* result) {
    (void)barrier([&] {
        auto& t = AllocationTracker::instance();
        if (result == nullptr) return ANIDB_SUCCESS;
        // Refuse (and count) a pointer we did not issue before reading it.
        if (!t.is_live(result, AllocType::file_result)) {
            t.release(result, AllocType::file_result);
            return ANIDB_SUCCESS;
        }
        release_c_file_result_contents(*result);
        t.release(result, AllocType::file_result);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_batch_result(anidb_batch_result_t* result) {
    (void)barrier([&] {
        auto& t = AllocationTracker::instance();
        if (result == nullptr) return ANIDB_SUCCESS;
        if (!t.is_live(result, AllocType::batch_result)) {
            t.release(result, AllocType::batch_result);
            return ANIDB_SUCCESS;
        }
        if (result->results != nullptr && t.is_live(result->results, AllocType::buffer)) {
            for (size_t i = 0; i < result->total_files; ++i) {
                release_c_file_result_contents(result->results[i]);
            }
            t.release(result->results, AllocType::buffer);
        }
        t.release(result, AllocType::batch_result);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_anime_info(anidb_anime_info_t* info) {
    (void)barrier([&] {
        auto& t = AllocationTracker::instance();
        if (info == nullptr) return ANIDB_SUCCESS;
        if (!t.is_live(info, AllocType::anime_info)) {
            t.release(info, AllocType::anime_info);
            return ANIDB_SUCCESS;
        }
        for (char* s : {info->title, info->group_name, info->title_english, info->title_kanji,
                        info->episode_title, info->episode_number_text, info->anime_type,
                        info->year, info->quality, info->file_source, info->resolution,
                        info->crc32, info->ed2k, info->group_short_name}) {
            if (s != nullptr) t.release(s, AllocType::string);
        }
        t.release(info, AllocType::anime_info);
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
