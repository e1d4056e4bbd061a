// The failure-injection hook: the Nth tracked allocation or budget charge
// fails, once or from then on; disarmed, nothing fails.
#include <gtest/gtest.h>

#include <vector>

#include "memory/allocation_tracker.h"
#include "memory/fault_injection.h"
#include "memory/memory_budget.h"

namespace anidb::memory {
namespace {

using fault::Point;

class FaultInjection : public ::testing::Test {
  protected:
    void TearDown() override { fault::disarm(); }

    // Allocates `n` blocks, returns which ones failed (0-based), frees all.
    static std::vector<int> failed_allocations(int n) {
        auto& tracker = AllocationTracker::instance();
        std::vector<int> failed;
        for (int i = 0; i < n; ++i) {
            void* p = tracker.allocate(16, AllocType::buffer);
            if (p == nullptr) failed.push_back(i);
            tracker.release(p, AllocType::buffer);
        }
        return failed;
    }
};

TEST_F(FaultInjection, NthTrackedAllocationFailsOnce) {
    const auto live_before = AllocationTracker::instance().stats().live_count;
    const auto used_before = MemoryBudget::instance().used();
    fault::arm(Point::tracked_allocation, 3, false);
    EXPECT_EQ(failed_allocations(6), std::vector<int>{2});
    EXPECT_EQ(fault::requests(Point::tracked_allocation), 6u);
    EXPECT_EQ(fault::failures(Point::tracked_allocation), 1u);
    // A refused allocation charges nothing and leaves nothing live.
    EXPECT_EQ(AllocationTracker::instance().stats().live_count, live_before);
    EXPECT_EQ(MemoryBudget::instance().used(), used_before);
}

TEST_F(FaultInjection, PersistentFailsFromTheNthOn) {
    fault::arm(Point::tracked_allocation, 2, true);
    EXPECT_EQ(failed_allocations(4), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(fault::failures(Point::tracked_allocation), 3u);
}

TEST_F(FaultInjection, NthBudgetChargeFails) {
    auto& budget = MemoryBudget::instance();
    fault::arm(Point::budget_charge, 2, false);
    EXPECT_TRUE(budget.try_charge(0));  // zero bytes never count
    EXPECT_TRUE(budget.try_charge(10));
    EXPECT_FALSE(budget.try_charge(10));
    EXPECT_TRUE(budget.try_charge(10));
    budget.release(20);
    EXPECT_EQ(fault::requests(Point::budget_charge), 3u);
    // Charge::take goes through the same hook.
    fault::arm(Point::budget_charge, 1, false);
    EXPECT_FALSE(Charge::take(100).ok());
    EXPECT_TRUE(Charge::take(100).ok());
}

TEST_F(FaultInjection, DisarmedNothingFailsAndNothingIsCounted) {
    fault::arm(Point::tracked_allocation, 1, true);
    fault::arm(Point::budget_charge, 1, true);
    fault::disarm();
    EXPECT_TRUE(failed_allocations(5).empty());
    EXPECT_TRUE(MemoryBudget::instance().try_charge(1));
    MemoryBudget::instance().release(1);
    EXPECT_EQ(fault::requests(Point::tracked_allocation), 0u);
}

}  // namespace
}  // namespace anidb::memory
