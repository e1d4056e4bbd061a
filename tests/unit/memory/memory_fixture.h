// Shared fixture for the memory tests. The budget, tracker and pool are
// process-wide singletons, so every test starts from an empty pool, the
// default limit and nothing charged, and puts things back afterwards.
#pragma once

#include <gtest/gtest.h>

#include "memory/allocation_tracker.h"
#include "memory/buffer_pool.h"
#include "memory/memory_budget.h"

namespace anidb::memory::test {

class MemoryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        pool().clear();
        budget().set_limit(0);
        ASSERT_EQ(budget().used(), 0u) << "a previous test left memory charged";
        ASSERT_EQ(tracker().stats().live_count, 0u);
    }
    void TearDown() override {
        budget().set_limit(0);
        pool().clear();
        EXPECT_EQ(pool().stats().in_use_bytes, 0u) << "a test kept a buffer";
        EXPECT_EQ(tracker().stats().live_count, 0u) << "a test leaked an allocation";
        EXPECT_EQ(budget().used(), 0u) << "a test left memory charged";
    }

    static MemoryBudget& budget() { return MemoryBudget::instance(); }
    static BufferPool& pool() { return BufferPool::instance(); }
    static AllocationTracker& tracker() { return AllocationTracker::instance(); }
};

}  // namespace anidb::memory::test
