// BufferPool: size classes, reuse, idle caps, shrinking and refusals.
#include "memory/buffer_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "memory_fixture.h"

namespace anidb::memory::test {
namespace {

using BufferPoolTest = MemoryTest;

constexpr size_t KiB = 1024;
constexpr size_t MiB = 1024 * 1024;

TEST_F(BufferPoolTest, ClassesAreTheDocumentedOnes) {
    const std::array<size_t, 6> expected = {1 * KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB};
    EXPECT_EQ(kPoolClasses, expected);
    EXPECT_EQ(kMaxIdlePerClass, 10u);
    EXPECT_EQ(kPoolAlignment, 64u);
}

TEST_F(BufferPoolTest, RequestsRoundUpToTheSmallestFittingClass) {
    EXPECT_EQ(BufferPool::class_size_for(1), 1 * KiB);
    EXPECT_EQ(BufferPool::class_size_for(1 * KiB), 1 * KiB);
    EXPECT_EQ(BufferPool::class_size_for(1 * KiB + 1), 4 * KiB);
    EXPECT_EQ(BufferPool::class_size_for(16 * KiB), 16 * KiB);
    EXPECT_EQ(BufferPool::class_size_for(64 * KiB + 1), 256 * KiB);
    EXPECT_EQ(BufferPool::class_size_for(MiB), MiB);
    EXPECT_EQ(BufferPool::class_size_for(MiB + 1), 0u);

    PooledBuffer b = pool().acquire(5000);
    ASSERT_TRUE(b);
    EXPECT_EQ(b.size(), 5000u);
    EXPECT_EQ(b.capacity(), 16 * KiB);
    EXPECT_EQ(b.span().size(), 5000u);
    EXPECT_EQ(pool().stats().in_use_bytes, 16 * KiB);
    EXPECT_EQ(budget().used(), 16 * KiB);
}

TEST_F(BufferPoolTest, BuffersAreAlignedAndWritable) {
    for (size_t size : kPoolClasses) {
        PooledBuffer b = pool().acquire(size);
        ASSERT_TRUE(b);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % kPoolAlignment, 0u) << size;
        std::memset(b.data(), 0x5A, b.capacity());
    }
    PooledBuffer direct = pool().acquire(MiB + 3);
    ASSERT_TRUE(direct);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(direct.data()) % kPoolAlignment, 0u);
    std::memset(direct.data(), 0x5A, direct.size());
}

TEST_F(BufferPoolTest, LargeRequestsAreDirectAndFreedOnRelease) {
    const PoolStats before = pool().stats();
    {
        PooledBuffer b = pool().acquire(3 * MiB + 1);
        ASSERT_TRUE(b);
        EXPECT_EQ(b.size(), 3 * MiB + 1);
        EXPECT_EQ(b.capacity(), 3 * MiB + kPoolAlignment);  // rounded to the alignment
        EXPECT_EQ(budget().used(), b.capacity());
        EXPECT_EQ(pool().stats().in_use_bytes, b.capacity());
    }
    const PoolStats after = pool().stats();
    EXPECT_EQ(after.idle_bytes, 0u);  // not kept
    EXPECT_EQ(after.in_use_bytes, 0u);
    EXPECT_EQ(after.misses, before.misses + 1);
    EXPECT_EQ(budget().used(), 0u);
}

TEST_F(BufferPoolTest, ReturnedBuffersAreReusedAsHits) {
    const PoolStats before = pool().stats();
    std::byte* first = nullptr;
    {
        PooledBuffer b = pool().acquire(4 * KiB);
        ASSERT_TRUE(b);
        first = b.data();
    }
    EXPECT_EQ(pool().stats().idle_count[1], 1u);
    EXPECT_EQ(pool().stats().idle_bytes, 4 * KiB);
    EXPECT_EQ(budget().used(), 4 * KiB);  // idle memory stays charged
    {
        PooledBuffer b = pool().acquire(2 * KiB);  // same class
        ASSERT_TRUE(b);
        EXPECT_EQ(b.data(), first);
    }
    const PoolStats after = pool().stats();
    EXPECT_EQ(after.misses, before.misses + 1);
    EXPECT_EQ(after.hits, before.hits + 1);
}

TEST_F(BufferPoolTest, MovingABufferTransfersTheLoan) {
    PooledBuffer a = pool().acquire(100);
    ASSERT_TRUE(a);
    std::byte* data = a.data();
    PooledBuffer b = std::move(a);
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(b.data(), data);
    PooledBuffer c = pool().acquire(100);
    c = std::move(b);  // c's old buffer goes back to the pool
    EXPECT_EQ(c.data(), data);
    EXPECT_EQ(pool().stats().idle_count[0], 1u);
    EXPECT_EQ(pool().stats().in_use_bytes, 1 * KiB);
}

TEST_F(BufferPoolTest, AtMostTenIdlePerClass) {
    {
        std::vector<PooledBuffer> held;
        for (int i = 0; i < 15; ++i) held.push_back(pool().acquire(64 * KiB));
    }
    const PoolStats s = pool().stats();
    EXPECT_EQ(s.idle_count[3], kMaxIdlePerClass);
    EXPECT_EQ(s.idle_bytes, kMaxIdlePerClass * 64 * KiB);
    EXPECT_EQ(budget().used(), kMaxIdlePerClass * 64 * KiB);  // the 5 extra were freed
}

TEST_F(BufferPoolTest, ShrinkKeepsHalfAndClearKeepsNone) {
    {
        std::vector<PooledBuffer> held;
        for (int i = 0; i < 7; ++i) held.push_back(pool().acquire(1 * KiB));
        for (int i = 0; i < 4; ++i) held.push_back(pool().acquire(256 * KiB));
        held.push_back(pool().acquire(MiB));
    }
    pool().shrink();
    PoolStats s = pool().stats();
    EXPECT_EQ(s.idle_count[0], 3u);  // 7 / 2
    EXPECT_EQ(s.idle_count[4], 2u);
    EXPECT_EQ(s.idle_count[5], 0u);  // 1 / 2
    EXPECT_EQ(s.idle_bytes, 3 * KiB + 2 * 256 * KiB);
    EXPECT_EQ(budget().used(), s.idle_bytes);
    pool().clear();
    s = pool().stats();
    for (uint64_t count : s.idle_count) EXPECT_EQ(count, 0u);
    EXPECT_EQ(s.idle_bytes, 0u);
    EXPECT_EQ(budget().used(), 0u);
}

TEST_F(BufferPoolTest, RefusedBudgetGivesAnEmptyBuffer) {
    budget().set_limit(100 * KiB);
    const PoolStats before = pool().stats();
    PooledBuffer big = pool().acquire(256 * KiB);
    EXPECT_FALSE(big);
    EXPECT_EQ(big.data(), nullptr);
    EXPECT_EQ(big.size(), 0u);
    EXPECT_EQ(pool().stats().misses, before.misses + 1);
    EXPECT_EQ(budget().used(), 0u);
    // Degrading to a smaller buffer works within the same limit.
    PooledBuffer smaller = pool().acquire(64 * KiB);
    EXPECT_TRUE(smaller);
    EXPECT_FALSE(pool().acquire(0));
}

TEST_F(BufferPoolTest, IdleBuffersAreReclaimedForARefusedRequest) {
    { PooledBuffer b = pool().acquire(64 * KiB); }
    ASSERT_EQ(pool().stats().idle_bytes, 64 * KiB);
    budget().set_limit(300 * KiB);               // 64 KiB idle is 21%: low
    PooledBuffer b = pool().acquire(256 * KiB);  // 320 KiB would cross: reclaim
    EXPECT_TRUE(b);
    EXPECT_EQ(pool().stats().idle_bytes, 0u);
}

// PooledBuffers on loan are the Buffer allocation type in the per-type
// figures; blocks the tracker takes for results are not loans.
TEST_F(BufferPoolTest, LoansAreCountedAsBuffersAndTrackerBlocksAreNot) {
    PooledBuffer a = pool().acquire(3000);       // 4 KiB class
    PooledBuffer b = pool().acquire(MiB + 100);  // direct
    ASSERT_TRUE(a && b);
    void* result = tracker().allocate(3000, AllocType::file_result);
    ASSERT_NE(result, nullptr);
    PoolStats s = pool().stats();
    EXPECT_EQ(s.lent_buffers, 2u);
    EXPECT_EQ(s.lent_buffer_bytes, 4 * KiB + b.capacity());
    EXPECT_EQ(s.in_use_bytes, 2 * 4 * KiB + b.capacity());  // loans and the result block

    const auto figures = live_figures_by_type();
    const auto buffer = static_cast<size_t>(AllocType::buffer);
    EXPECT_EQ(figures[buffer].live_count, 2u);
    EXPECT_EQ(figures[buffer].live_bytes, 4 * KiB + b.capacity());
    EXPECT_EQ(figures[static_cast<size_t>(AllocType::file_result)].live_count, 1u);
    EXPECT_EQ(tracker().stats().live_count, 1u) << "loans are not ABI allocations";

    a = PooledBuffer{};
    b = PooledBuffer{};
    EXPECT_EQ(tracker().release(result, AllocType::file_result), FreeOutcome::freed);
    s = pool().stats();
    EXPECT_EQ(s.lent_buffers, 0u);
    EXPECT_EQ(s.lent_buffer_bytes, 0u);
    EXPECT_EQ(s.in_use_bytes, 0u);
    EXPECT_EQ(s.idle_count[1], 2u);  // the loan's buffer and the result's block
    EXPECT_EQ(live_figures_by_type()[buffer].live_count, 0u);
}

TEST_F(BufferPoolTest, BlocksForTheTrackerAreClassSizedAndReused) {
    PoolBlock block = pool().acquire_block(100);
    ASSERT_NE(block.data, nullptr);
    EXPECT_EQ(block.capacity, 1 * KiB);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block.data) % kPoolAlignment, 0u);
    EXPECT_EQ(pool().stats().lent_buffers, 0u);
    EXPECT_EQ(pool().stats().in_use_bytes, 1 * KiB);
    pool().return_block(block.data, block.capacity);
    EXPECT_EQ(pool().stats().idle_count[0], 1u);
    const PoolStats before = pool().stats();
    PoolBlock again = pool().acquire_block(1 * KiB);
    EXPECT_EQ(again.data, block.data);
    EXPECT_EQ(pool().stats().hits, before.hits + 1);
    pool().return_block(again.data, again.capacity);
    // Nothing beyond the largest class: the tracker allocates those itself.
    EXPECT_EQ(pool().acquire_block(MiB + 1).data, nullptr);
    EXPECT_EQ(pool().acquire_block(0).data, nullptr);
}

}  // namespace
}  // namespace anidb::memory::test
