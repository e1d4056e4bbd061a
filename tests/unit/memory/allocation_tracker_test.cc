// AllocationTracker: typed, zero-filled, budget-charged allocations and the
// refusal of frees it cannot vouch for.
#include "memory/allocation_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "memory_fixture.h"

namespace anidb::memory::test {
namespace {

using AllocationTrackerTest = MemoryTest;

size_t idx(AllocType t) {
    return static_cast<size_t>(t);
}

TEST_F(AllocationTrackerTest, AllocateIsZeroFilledChargedAndCounted) {
    const TrackerStats before = tracker().stats();
    auto* p = static_cast<unsigned char*>(tracker().allocate(1000, AllocType::string));
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(std::all_of(p, p + 1000, [](unsigned char c) { return c == 0; }));
    EXPECT_EQ(budget().used(), 1000u);  // direct: exactly the bytes asked for
    const TrackerStats during = tracker().stats();
    EXPECT_EQ(during.live_count, 1u);
    EXPECT_EQ(during.live_bytes, 1000u);
    EXPECT_EQ(during.pooled_blocks, 0u);
    EXPECT_EQ(during.total_allocations, before.total_allocations + 1);
    EXPECT_TRUE(tracker().is_live(p, AllocType::string));
    EXPECT_FALSE(tracker().is_live(p, AllocType::file_result));
    std::memset(p, 0xAB, 1000);  // the memory is ours to use
    EXPECT_EQ(tracker().release(p, AllocType::string), FreeOutcome::freed);
    EXPECT_FALSE(tracker().is_live(p, AllocType::string));
    EXPECT_EQ(tracker().stats().live_count, 0u);
    EXPECT_EQ(tracker().stats().live_bytes, 0u);
    EXPECT_EQ(budget().used(), 0u);
}

// Results and event data come from the pool: a freed block goes back to it,
// and the next result of its class is served from it (a hit), zero-filled
// again.
TEST_F(AllocationTrackerTest, ResultsComeFromThePoolAndGoBackToIt) {
    for (AllocType type : {AllocType::hash_result, AllocType::file_result, AllocType::batch_result,
                           AllocType::event, AllocType::anime_info}) {
        SCOPED_TRACE(alloc_type_name(type));
        pool().clear();
        const PoolStats before = pool().stats();
        auto* p = static_cast<unsigned char*>(tracker().allocate(1000, type));
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(std::all_of(p, p + 1000, [](unsigned char c) { return c == 0; }));
        EXPECT_EQ(tracker().stats().pooled_blocks, 1u);
        EXPECT_EQ(tracker().stats().live_bytes, 1000u);  // the bytes asked for
        EXPECT_EQ(budget().used(), 1024u);               // the pool charges its class
        EXPECT_EQ(pool().stats().in_use_bytes, 1024u);
        EXPECT_EQ(pool().stats().misses, before.misses + 1);
        std::memset(p, 0xAB, 1000);
        EXPECT_EQ(tracker().release(p, type), FreeOutcome::freed);
        EXPECT_EQ(pool().stats().idle_count[0], 1u);
        EXPECT_EQ(pool().stats().in_use_bytes, 0u);
        EXPECT_EQ(tracker().stats().pooled_blocks, 0u);

        auto* again = static_cast<unsigned char*>(tracker().allocate(1000, type));
        ASSERT_NE(again, nullptr);
        EXPECT_EQ(pool().stats().hits, before.hits + 1);  // the same block, from the pool
        EXPECT_EQ(pool().stats().idle_count[0], 0u);
        EXPECT_NE(again, p) << "handed out at another offset inside the block";
        EXPECT_LT(again > p ? again - p : p - again, 1024);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(again) % alignof(std::max_align_t), 0u);
        EXPECT_TRUE(std::all_of(again, again + 1000, [](unsigned char c) { return c == 0; }));
        EXPECT_EQ(tracker().release(again, type), FreeOutcome::freed);
    }
}

TEST_F(AllocationTrackerTest, StringsAndResultsBeyondTheLargestClassAreDirect) {
    const PoolStats before = pool().stats();
    char* s = tracker().duplicate_string("direct");
    void* big = tracker().allocate(kPoolClasses.back() + 1, AllocType::batch_result);
    ASSERT_NE(s, nullptr);
    ASSERT_NE(big, nullptr);
    EXPECT_EQ(tracker().stats().pooled_blocks, 0u);
    EXPECT_EQ(budget().used(), 7 + kPoolClasses.back() + 1);
    const PoolStats after = pool().stats();
    EXPECT_EQ(after.hits + after.misses, before.hits + before.misses);  // the pool was not asked
    EXPECT_EQ(after.in_use_bytes, 0u);
    EXPECT_EQ(tracker().release(s, AllocType::string), FreeOutcome::freed);
    EXPECT_EQ(tracker().release(big, AllocType::batch_result), FreeOutcome::freed);
    EXPECT_EQ(pool().stats().idle_bytes, 0u);
    EXPECT_EQ(budget().used(), 0u);
}

// Under a limit with room for the result but not for its whole class block,
// the result is allocated directly instead of refused.
TEST_F(AllocationTrackerTest, PooledKindFallsBackToDirectWhenTheClassDoesNotFit) {
    budget().set_limit(900);
    void* p = tracker().allocate(600, AllocType::file_result);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(tracker().stats().pooled_blocks, 0u);
    EXPECT_EQ(budget().used(), 600u);
    EXPECT_EQ(tracker().release(p, AllocType::file_result), FreeOutcome::freed);
    EXPECT_EQ(pool().stats().idle_bytes, 0u);  // freed, not pooled
    EXPECT_EQ(budget().used(), 0u);
}

TEST_F(AllocationTrackerTest, PoolingOffAllocatesResultsDirectly) {
    tracker().set_pooling(false);
    void* direct = tracker().allocate(600, AllocType::file_result);
    tracker().set_pooling(true);
    void* pooled = tracker().allocate(600, AllocType::file_result);
    ASSERT_NE(direct, nullptr);
    ASSERT_NE(pooled, nullptr);
    EXPECT_EQ(tracker().stats().pooled_blocks, 1u);
    EXPECT_EQ(budget().used(), 600u + 1024u);
    // Each is freed the way it was allocated, whatever the switch says now.
    EXPECT_EQ(tracker().release(direct, AllocType::file_result), FreeOutcome::freed);
    EXPECT_EQ(pool().stats().idle_bytes, 0u);
    EXPECT_EQ(tracker().release(pooled, AllocType::file_result), FreeOutcome::freed);
    EXPECT_EQ(pool().stats().idle_bytes, 1024u);
}

// A block with typed parts counts every part under its own type; the block
// is freed with its first part's type only.
TEST_F(AllocationTrackerTest, LayoutPartsAreCountedPerType) {
    AllocationLayout layout(AllocType::batch_result, 48);
    layout.add(AllocType::file_result, 3, 3 * 56);
    layout.add(AllocType::string, 3, 90);
    layout.add(AllocType::hash_result, 2, 200);
    layout.add(AllocType::string, 1, 10);       // merged into the string part
    layout.add(AllocType::batch_result, 0, 8);  // padding, counted as bytes only
    ASSERT_TRUE(layout.valid());
    EXPECT_EQ(layout.bytes(), 48u + 168 + 90 + 200 + 10 + 8);
    void* p = tracker().allocate(layout);
    ASSERT_NE(p, nullptr);
    const TrackerStats s = tracker().stats();
    EXPECT_EQ(s.live_count, 1u);  // one block
    EXPECT_EQ(s.live_bytes, layout.bytes());
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::batch_result)], 1u);
    EXPECT_EQ(s.live_bytes_by_type[idx(AllocType::batch_result)], 56u);
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::file_result)], 3u);
    EXPECT_EQ(s.live_bytes_by_type[idx(AllocType::file_result)], 168u);
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::string)], 4u);
    EXPECT_EQ(s.live_bytes_by_type[idx(AllocType::string)], 100u);
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::hash_result)], 2u);
    EXPECT_EQ(s.live_bytes_by_type[idx(AllocType::hash_result)], 200u);

    const auto live = tracker().live_allocations();
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].type, AllocType::batch_result);
    EXPECT_TRUE(live[0].pooled);
    EXPECT_EQ(live[0].part_count, 4u);

    EXPECT_EQ(tracker().release(p, AllocType::file_result), FreeOutcome::wrong_type);
    EXPECT_EQ(tracker().release(p, AllocType::string), FreeOutcome::wrong_type);
    EXPECT_EQ(tracker().release(p, AllocType::batch_result), FreeOutcome::freed);
    const TrackerStats after = tracker().stats();
    for (size_t i = 0; i < kAllocTypeCount; ++i) {
        EXPECT_EQ(after.live_count_by_type[i], 0u);
        EXPECT_EQ(after.live_bytes_by_type[i], 0u);
    }
}

TEST_F(AllocationTrackerTest, InvalidLayoutsAreRefused) {
    AllocationLayout five_types(AllocType::file_result, 8);
    five_types.add(AllocType::string, 1, 8);
    five_types.add(AllocType::hash_result, 1, 8);
    five_types.add(AllocType::event, 1, 8);
    five_types.add(AllocType::anime_info, 1, 8);  // a fifth type: no room
    EXPECT_FALSE(five_types.valid());
    EXPECT_EQ(tracker().allocate(five_types), nullptr);

    AllocationLayout overflow(AllocType::file_result, std::numeric_limits<size_t>::max());
    overflow.add(AllocType::string, 1, 1);
    EXPECT_FALSE(overflow.valid());
    EXPECT_EQ(tracker().allocate(overflow), nullptr);

    AllocationLayout unknown(static_cast<AllocType>(kAllocTypeCount), 8);
    EXPECT_FALSE(unknown.valid());
    EXPECT_EQ(tracker().allocate(unknown), nullptr);

    EXPECT_FALSE(AllocationLayout().valid());  // nothing in it
    EXPECT_EQ(tracker().stats().live_count, 0u);
    EXPECT_EQ(budget().used(), 0u);
}

// Refused frees of pooled blocks touch neither the block nor the pool: a
// double free does not hand the block to the pool twice, a wrong-type free
// leaves the result live, an interior pointer is not the block.
TEST_F(AllocationTrackerTest, RefusedFreesOfPooledBlocksTouchNothing) {
    auto* p = static_cast<unsigned char*>(tracker().allocate(500, AllocType::file_result));
    ASSERT_NE(p, nullptr);
    std::memset(p, 0x5C, 500);
    const uint64_t refused = tracker().stats().refused_frees;
    EXPECT_EQ(tracker().release(p + 8, AllocType::file_result), FreeOutcome::not_live);
    EXPECT_EQ(tracker().release(p, AllocType::batch_result), FreeOutcome::wrong_type);
    EXPECT_TRUE(std::all_of(p, p + 500, [](unsigned char c) { return c == 0x5C; }));
    EXPECT_EQ(tracker().release(p, AllocType::file_result), FreeOutcome::freed);
    EXPECT_EQ(pool().stats().idle_count[0], 1u);
    // The block is idle in the pool now (still allocated, so readable here).
    EXPECT_EQ(tracker().release(p, AllocType::file_result), FreeOutcome::not_live);
    EXPECT_EQ(pool().stats().idle_count[0], 1u);  // not given back a second time
    EXPECT_TRUE(std::all_of(p, p + 500, [](unsigned char c) { return c == 0x5C; }));
    EXPECT_EQ(tracker().stats().refused_frees, refused + 3);

    // The block's next result is at another address: a stale free of the
    // old pointer is refused and does not free it.
    void* next = tracker().allocate(500, AllocType::file_result);
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(pool().stats().idle_count[0], 0u);  // the same block
    EXPECT_EQ(tracker().release(p, AllocType::file_result), FreeOutcome::not_live);
    EXPECT_TRUE(tracker().is_live(next, AllocType::file_result));
    // Two results get two different blocks.
    void* other = tracker().allocate(500, AllocType::file_result);
    EXPECT_NE(other, next);
    EXPECT_EQ(tracker().release(next, AllocType::file_result), FreeOutcome::freed);
    EXPECT_EQ(tracker().release(other, AllocType::file_result), FreeOutcome::freed);
}

// Entering High shrinks the pool also when its idle blocks were results.
TEST_F(AllocationTrackerTest, IdleResultBlocksShrinkUnderPressure) {
    std::vector<void*> results;
    for (int i = 0; i < 8; ++i) results.push_back(tracker().allocate(4000, AllocType::event));
    for (void* p : results) ASSERT_EQ(tracker().release(p, AllocType::event), FreeOutcome::freed);
    ASSERT_EQ(pool().stats().idle_count[1], 8u);  // 32 KiB idle
    budget().set_limit(64 * 1024);
    Charge charge = Charge::take(18 * 1024);  // 50 KiB of 64: High -> keep 4 idle
    ASSERT_TRUE(charge.ok());
    EXPECT_EQ(pool().stats().idle_count[1], 4u);
    EXPECT_EQ(budget().used(), 18 * 1024 + 4 * 4096u);
}

TEST_F(AllocationTrackerTest, ZeroBytesGivesNothing) {
    EXPECT_EQ(tracker().allocate(0, AllocType::buffer), nullptr);
    EXPECT_EQ(tracker().stats().live_count, 0u);
}

TEST_F(AllocationTrackerTest, NullFreeIsANoOp) {
    const uint64_t refused = tracker().stats().refused_frees;
    EXPECT_EQ(tracker().release(nullptr, AllocType::string), FreeOutcome::null_pointer);
    EXPECT_EQ(tracker().stats().refused_frees, refused);
}

TEST_F(AllocationTrackerTest, DoubleFreeIsRefusedAndCounted) {
    void* p = tracker().allocate(64, AllocType::hash_result);
    ASSERT_NE(p, nullptr);
    const uint64_t refused = tracker().stats().refused_frees;
    EXPECT_EQ(tracker().release(p, AllocType::hash_result), FreeOutcome::freed);
    EXPECT_EQ(tracker().release(p, AllocType::hash_result), FreeOutcome::not_live);
    EXPECT_EQ(tracker().stats().refused_frees, refused + 1);
    EXPECT_EQ(budget().used(), pool().stats().idle_bytes);  // only the idle pool block
}

TEST_F(AllocationTrackerTest, ForeignPointersAreRefusedUntouched) {
    const uint64_t refused = tracker().stats().refused_frees;
    int on_stack = 42;
    EXPECT_EQ(tracker().release(&on_stack, AllocType::buffer), FreeOutcome::not_live);
    EXPECT_EQ(on_stack, 42);
    void* from_malloc = std::malloc(32);
    ASSERT_NE(from_malloc, nullptr);
    std::memset(from_malloc, 7, 32);
    EXPECT_EQ(tracker().release(from_malloc, AllocType::string), FreeOutcome::not_live);
    EXPECT_EQ(static_cast<unsigned char*>(from_malloc)[31], 7);
    std::free(from_malloc);  // still ours: the tracker did not free it
    // An interior pointer of a live allocation is not the allocation.
    auto* block = static_cast<char*>(tracker().allocate(16, AllocType::buffer));
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(tracker().release(block + 1, AllocType::buffer), FreeOutcome::not_live);
    EXPECT_TRUE(tracker().is_live(block, AllocType::buffer));
    EXPECT_EQ(tracker().stats().refused_frees, refused + 3);
    EXPECT_EQ(tracker().release(block, AllocType::buffer), FreeOutcome::freed);
}

TEST_F(AllocationTrackerTest, WrongTypeIsRefusedAndKeepsTheAllocation) {
    char* s = tracker().duplicate_string("typed");
    ASSERT_NE(s, nullptr);
    const uint64_t refused = tracker().stats().refused_frees;
    EXPECT_EQ(tracker().release(s, AllocType::file_result), FreeOutcome::wrong_type);
    EXPECT_EQ(tracker().stats().refused_frees, refused + 1);
    EXPECT_TRUE(tracker().is_live(s, AllocType::string));
    EXPECT_STREQ(s, "typed");
    EXPECT_EQ(tracker().release(s, AllocType::string), FreeOutcome::freed);
}

TEST_F(AllocationTrackerTest, PeakRemembersTheHighestLiveBytes) {
    // The peak is process-wide; exceed anything earlier tests could reach.
    const uint64_t start_peak = tracker().stats().peak_bytes;
    const size_t big = static_cast<size_t>(start_peak) + 4096;
    void* a = tracker().allocate(big, AllocType::buffer);
    void* b = tracker().allocate(100, AllocType::event);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(tracker().stats().peak_bytes, big + 100);
    EXPECT_EQ(tracker().release(a, AllocType::buffer), FreeOutcome::freed);
    void* c = tracker().allocate(50, AllocType::event);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(tracker().stats().peak_bytes, big + 100);  // 150 live now
    EXPECT_EQ(tracker().stats().live_bytes, 150u);
    EXPECT_EQ(tracker().release(b, AllocType::event), FreeOutcome::freed);
    EXPECT_EQ(tracker().release(c, AllocType::event), FreeOutcome::freed);
}

TEST_F(AllocationTrackerTest, CountsPerTypeAndListsLiveAllocations) {
    void* s1 = tracker().duplicate_string("ab");  // 3 bytes
    void* s2 = tracker().duplicate_string("");    // 1 byte
    void* f = tracker().allocate(200, AllocType::file_result);
    void* a = tracker().allocate(40, AllocType::anime_info);
    ASSERT_TRUE(s1 && s2 && f && a);
    const TrackerStats s = tracker().stats();
    EXPECT_EQ(s.live_count, 4u);
    EXPECT_EQ(s.live_bytes, 244u);
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::string)], 2u);
    EXPECT_EQ(s.live_bytes_by_type[idx(AllocType::string)], 4u);
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::file_result)], 1u);
    EXPECT_EQ(s.live_bytes_by_type[idx(AllocType::file_result)], 200u);
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::anime_info)], 1u);
    EXPECT_EQ(s.live_count_by_type[idx(AllocType::batch_result)], 0u);

    auto live = tracker().live_allocations();
    ASSERT_EQ(live.size(), 4u);
    std::sort(live.begin(), live.end(),
              [](const LiveAllocation& x, const LiveAllocation& y) { return x.bytes < y.bytes; });
    EXPECT_EQ(live[0].pointer, s2);
    EXPECT_EQ(live[0].type, AllocType::string);
    EXPECT_EQ(live[1].pointer, s1);
    EXPECT_EQ(live[2].pointer, a);
    EXPECT_EQ(live[2].type, AllocType::anime_info);
    EXPECT_EQ(live[3].pointer, f);
    EXPECT_EQ(live[3].bytes, 200u);

    EXPECT_EQ(tracker().release(s1, AllocType::string), FreeOutcome::freed);
    EXPECT_EQ(tracker().release(s2, AllocType::string), FreeOutcome::freed);
    EXPECT_EQ(tracker().release(f, AllocType::file_result), FreeOutcome::freed);
    EXPECT_EQ(tracker().release(a, AllocType::anime_info), FreeOutcome::freed);
    const TrackerStats after = tracker().stats();
    EXPECT_EQ(after.live_count, 0u);
    EXPECT_EQ(after.live_bytes, 0u);
    for (size_t i = 0; i < kAllocTypeCount; ++i) {
        EXPECT_EQ(after.live_count_by_type[i], 0u) << alloc_type_name(static_cast<AllocType>(i));
        EXPECT_EQ(after.live_bytes_by_type[i], 0u);
    }
    EXPECT_TRUE(tracker().live_allocations().empty());
    EXPECT_EQ(budget().used(), pool().stats().idle_bytes);  // the pooled blocks, idle
}

TEST_F(AllocationTrackerTest, DuplicateStringCopiesAndTerminates) {
    const std::string with_nul("a\0b", 3);
    char* copy = tracker().duplicate_string(with_nul);
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(std::memcmp(copy, "a\0b\0", 4), 0);
    EXPECT_EQ(tracker().stats().live_bytes_by_type[idx(AllocType::string)], 4u);
    EXPECT_EQ(tracker().release(copy, AllocType::string), FreeOutcome::freed);

    const std::string text = "Cowboy Bebop — 星";
    char* utf8 = tracker().duplicate_string(text);
    ASSERT_NE(utf8, nullptr);
    EXPECT_EQ(std::string_view(utf8), text);
    EXPECT_EQ(tracker().release(utf8, AllocType::string), FreeOutcome::freed);
}

TEST_F(AllocationTrackerTest, RefusedAllocationLeavesNothingBehind) {
    budget().set_limit(1000);
    const TrackerStats before = tracker().stats();
    EXPECT_EQ(tracker().allocate(1001, AllocType::batch_result), nullptr);
    EXPECT_EQ(tracker().duplicate_string(std::string(1000, 'x')), nullptr);  // needs 1001
    const TrackerStats after = tracker().stats();
    EXPECT_EQ(after.live_count, 0u);
    EXPECT_EQ(after.total_allocations, before.total_allocations);
    EXPECT_EQ(budget().used(), 0u);
}

TEST_F(AllocationTrackerTest, TypeNamesAreStable) {
    EXPECT_STREQ(alloc_type_name(AllocType::string), "string");
    EXPECT_STREQ(alloc_type_name(AllocType::hash_result), "hash_result");
    EXPECT_STREQ(alloc_type_name(AllocType::file_result), "file_result");
    EXPECT_STREQ(alloc_type_name(AllocType::batch_result), "batch_result");
    EXPECT_STREQ(alloc_type_name(AllocType::buffer), "buffer");
    EXPECT_STREQ(alloc_type_name(AllocType::event), "event");
    EXPECT_STREQ(alloc_type_name(AllocType::anime_info), "anime_info");
    EXPECT_STREQ(alloc_type_name(AllocType::mylist_entry), "mylist_entry");
    EXPECT_STREQ(alloc_type_name(AllocType::anime), "anime");
    EXPECT_STREQ(alloc_type_name(AllocType::episode), "episode");
    EXPECT_STREQ(alloc_type_name(AllocType::group), "group");
    EXPECT_STREQ(alloc_type_name(AllocType::title_search), "title_search");
    EXPECT_STREQ(alloc_type_name(AllocType::queue_list), "queue_list");
    EXPECT_EQ(kAllocTypeCount, 13u);
}

}  // namespace
}  // namespace anidb::memory::test
