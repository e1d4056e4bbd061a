// Many threads allocating, freeing and borrowing buffers at once; the counters
// must come out exact. Also runs under ThreadSanitizer (label concurrency).
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstring>
#include <latch>
#include <random>
#include <thread>
#include <vector>

#include "memory_fixture.h"

namespace anidb::memory::test {
namespace {

constexpr int kThreads = 8;
// 100,000 operations per thread in every build: under ThreadSanitizer the
// whole file takes a few seconds, so sanitizer builds need no smaller count.
constexpr int kOpsPerThread = 100'000;

struct ThreadTally {
    uint64_t allocations = 0;
    uint64_t pooled_allocations = 0;  // results and event data: served by the pool
    uint64_t acquires = 0;
    uint64_t refused_frees = 0;
};

// Sizes spread over every pool class, biased to the small ones (as hashing
// and result building are), plus the odd direct allocation.
size_t pick_buffer_size(std::mt19937& rng) {
    const unsigned roll = rng() % 1000;
    if (roll == 0) return kPoolClasses.back() + 1 + rng() % 4096;  // direct
    const size_t cls = roll < 400   ? 0
                       : roll < 700 ? 1
                       : roll < 850 ? 2
                       : roll < 950 ? 3
                       : roll < 990 ? 4
                                    : 5;
    const size_t lower = cls == 0 ? 1 : kPoolClasses[cls - 1] + 1;
    return lower + rng() % (kPoolClasses[cls] - lower + 1);
}

void run_worker(unsigned seed, ThreadTally& tally) {
    std::mt19937 rng(seed);
    auto& tracker = AllocationTracker::instance();
    auto& pool = BufferPool::instance();
    struct Held {
        void* pointer;
        AllocType type;
    };
    std::vector<Held> allocations;
    std::vector<PooledBuffer> buffers;
    for (int op = 0; op < kOpsPerThread; ++op) {
        switch (rng() % 8) {
            case 0:
            case 1: {
                const auto type = static_cast<AllocType>(rng() % kAllocTypeCount);
                void* p = tracker.allocate(1 + rng() % 2048, type);
                ASSERT_NE(p, nullptr);
                static_cast<unsigned char*>(p)[0] = 1;
                allocations.push_back({p, type});
                ++tally.allocations;
                // Every type but string and buffer comes from the pool (the
                // sizes here all fit a class).
                if (type != AllocType::string && type != AllocType::buffer) {
                    ++tally.pooled_allocations;
                }
                break;
            }
            case 2: {
                char* s = tracker.duplicate_string("stress");
                ASSERT_NE(s, nullptr);
                allocations.push_back({s, AllocType::string});
                ++tally.allocations;
                break;
            }
            case 3:
            case 4:
                if (!allocations.empty()) {
                    const size_t i = rng() % allocations.size();
                    const Held h = allocations[i];
                    allocations[i] = allocations.back();
                    allocations.pop_back();
                    ASSERT_EQ(tracker.release(h.pointer, h.type), FreeOutcome::freed);
                    // A caller's double free, now and then. Only of direct
                    // allocations: a pooled block may be handed to another
                    // thread's result at once (at the same address, now and
                    // then), and a stale free of it is not a double free the
                    // tracker can see (allocation_tracker_test covers pooled
                    // double frees on one thread).
                    const bool direct = h.type == AllocType::string || h.type == AllocType::buffer;
                    if (direct && rng() % 16 == 0) {
                        ASSERT_EQ(tracker.release(h.pointer, h.type), FreeOutcome::not_live);
                        ++tally.refused_frees;
                    }
                }
                break;
            case 5: {
                PooledBuffer b = pool.acquire(pick_buffer_size(rng));
                ASSERT_TRUE(b);
                b.data()[0] = std::byte{1};
                b.data()[b.size() - 1] = std::byte{2};
                ++tally.acquires;
                if (buffers.size() < 4) buffers.push_back(std::move(b));
                break;
            }
            case 6:
                if (!buffers.empty()) buffers.erase(buffers.begin() + rng() % buffers.size());
                break;
            case 7:
                // Keep few allocations live; occasionally shake the pool as
                // pressure reactions would.
                if (allocations.size() > 32) {
                    ASSERT_EQ(tracker.release(allocations.back().pointer, allocations.back().type),
                              FreeOutcome::freed);
                    allocations.pop_back();
                }
                if (rng() % 512 == 0) pool.shrink();
                if (rng() % 2048 == 0) pool.clear();
                break;
        }
    }
    for (const Held& h : allocations) {
        ASSERT_EQ(tracker.release(h.pointer, h.type), FreeOutcome::freed);
    }
}

using MemoryStressTest = MemoryTest;

TEST_F(MemoryStressTest, CountersAreExactAfterConcurrentMixedUse) {
    const TrackerStats tracker_before = tracker().stats();
    const PoolStats pool_before = pool().stats();
    std::array<ThreadTally, kThreads> tallies{};
    std::atomic<uint64_t> level_changes{0};
    const uint64_t listener = budget().add_pressure_listener(
        [&](Pressure, Pressure, uint64_t, uint64_t) { level_changes.fetch_add(1); });
    {
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(run_worker, 1000u + static_cast<unsigned>(t),
                                 std::ref(tallies[static_cast<size_t>(t)]));
        }
        for (auto& thread : threads) thread.join();
    }
    budget().remove_pressure_listener(listener);

    ThreadTally total;
    for (const ThreadTally& t : tallies) {
        total.allocations += t.allocations;
        total.acquires += t.acquires;
        total.pooled_allocations += t.pooled_allocations;
        total.refused_frees += t.refused_frees;
    }
    const TrackerStats tracker_after = tracker().stats();
    const PoolStats pool_after = pool().stats();
    EXPECT_EQ(tracker_after.live_count, 0u);
    EXPECT_EQ(tracker_after.live_bytes, 0u);
    for (size_t i = 0; i < kAllocTypeCount; ++i) {
        EXPECT_EQ(tracker_after.live_count_by_type[i], 0u);
        EXPECT_EQ(tracker_after.live_bytes_by_type[i], 0u);
    }
    EXPECT_EQ(tracker_after.total_allocations - tracker_before.total_allocations,
              total.allocations);
    EXPECT_EQ(tracker_after.refused_frees - tracker_before.refused_frees, total.refused_frees);
    EXPECT_EQ(tracker_after.pooled_blocks, 0u);
    EXPECT_GT(total.acquires, 0u);
    EXPECT_GT(total.pooled_allocations, 0u);
    EXPECT_EQ((pool_after.hits - pool_before.hits) + (pool_after.misses - pool_before.misses),
              total.acquires + total.pooled_allocations);
    EXPECT_EQ(pool_after.lent_buffers, 0u);
    EXPECT_EQ(pool_after.lent_buffer_bytes, 0u);
    EXPECT_GT(pool_after.hits - pool_before.hits, pool_after.misses - pool_before.misses);
    EXPECT_EQ(pool_after.in_use_bytes, 0u);
    uint64_t idle_from_counts = 0;
    for (size_t i = 0; i < kPoolClasses.size(); ++i) {
        EXPECT_LE(pool_after.idle_count[i], kMaxIdlePerClass);
        idle_from_counts += pool_after.idle_count[i] * kPoolClasses[i];
    }
    EXPECT_EQ(pool_after.idle_bytes, idle_from_counts);
    EXPECT_EQ(budget().used(), pool_after.idle_bytes);
    EXPECT_EQ(budget().pressure(), Pressure::low);
    EXPECT_EQ(level_changes.load(), 0u);  // a few MiB never approach 500 MB
}

// The level must settle on the truth even when threads race across a
// threshold in both directions.
TEST_F(MemoryStressTest, PressureLevelSettlesOnTheFinalUse) {
    budget().set_limit(1000);
    std::atomic<uint64_t> notifications{0};
    const uint64_t listener = budget().add_pressure_listener(
        [&](Pressure, Pressure, uint64_t, uint64_t) { notifications.fetch_add(1); });
    {
        // Every thread first holds 60 bytes (480 in all: low), then adds and
        // drops another 60 over and over: the level crosses 500 and beyond.
        std::latch all_holding(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&all_holding] {
                Charge base = Charge::take(60);
                ASSERT_TRUE(base.ok());
                all_holding.arrive_and_wait();
                for (int i = 0; i < kOpsPerThread / 10; ++i) {
                    Charge c = Charge::take(60);
                    ASSERT_TRUE(c.ok());
                }
            });
        }
        for (auto& thread : threads) thread.join();
    }
    budget().remove_pressure_listener(listener);
    EXPECT_EQ(budget().used(), 0u);
    EXPECT_EQ(budget().pressure(), Pressure::low);
    EXPECT_GT(notifications.load(), 0u);
}

}  // namespace
}  // namespace anidb::memory::test
