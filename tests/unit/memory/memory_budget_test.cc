// MemoryBudget: charging, the limit, pressure levels and their reactions.
#include "memory/memory_budget.h"

#include <gtest/gtest.h>

#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#include "memory_fixture.h"

namespace anidb::memory::test {
namespace {

using Transition = std::pair<Pressure, Pressure>;

// Records every level change it is told about; removes itself when destroyed.
class TransitionLog {
  public:
    TransitionLog()
        : id_(MemoryBudget::instance().add_pressure_listener(
              [this](Pressure previous, Pressure current, uint64_t, uint64_t) {
                  std::lock_guard lock(mutex_);
                  seen_.emplace_back(previous, current);
              })) {}
    ~TransitionLog() { MemoryBudget::instance().remove_pressure_listener(id_); }
    std::vector<Transition> seen() {
        std::lock_guard lock(mutex_);
        return seen_;
    }

  private:
    std::mutex mutex_;
    std::vector<Transition> seen_;
    uint64_t id_;
};

// Puts `count` idle buffers of `bytes` into the pool.
void fill_pool(size_t bytes, size_t count) {
    std::vector<PooledBuffer> held;
    for (size_t i = 0; i < count; ++i) {
        held.push_back(BufferPool::instance().acquire(bytes));
        ASSERT_TRUE(held.back());
    }
}

using MemoryBudgetTest = MemoryTest;

TEST_F(MemoryBudgetTest, ChargeAndReleaseMoveUsed) {
    ASSERT_TRUE(budget().try_charge(1000));
    EXPECT_EQ(budget().used(), 1000u);
    ASSERT_TRUE(budget().try_charge(24));
    EXPECT_EQ(budget().used(), 1024u);
    budget().release(1024);
    EXPECT_EQ(budget().used(), 0u);
    EXPECT_TRUE(budget().try_charge(0));
    EXPECT_EQ(budget().used(), 0u);
}

TEST_F(MemoryBudgetTest, SplitChargesAreReleasedOneByOne) {
    Charge all = Charge::take(1000);
    ASSERT_TRUE(all.ok());
    Charge part = all.split(300);
    EXPECT_EQ(part.bytes(), 300u);
    EXPECT_EQ(all.bytes(), 700u);
    EXPECT_EQ(budget().used(), 1000u);  // splitting charges nothing more
    Charge rest = all.split(5000);      // at most what is left
    EXPECT_EQ(rest.bytes(), 700u);
    EXPECT_FALSE(all.ok());
    part.reset();
    EXPECT_EQ(budget().used(), 700u);
    rest.reset();
    EXPECT_EQ(budget().used(), 0u);
}

TEST_F(MemoryBudgetTest, RefusalLeavesNothingCharged) {
    budget().set_limit(1000);
    ASSERT_TRUE(budget().try_charge(600));
    EXPECT_FALSE(budget().try_charge(401));
    EXPECT_EQ(budget().used(), 600u);
    EXPECT_FALSE(budget().try_charge(std::numeric_limits<uint64_t>::max()));
    EXPECT_EQ(budget().used(), 600u);
    ASSERT_TRUE(budget().try_charge(400));  // exactly up to the limit is allowed
    EXPECT_EQ(budget().used(), 1000u);
    EXPECT_FALSE(budget().try_charge(1));
    budget().release(1000);
}

TEST_F(MemoryBudgetTest, SetLimitZeroRestoresDefault) {
    EXPECT_EQ(budget().limit(), kDefaultMemoryLimit);
    EXPECT_EQ(kDefaultMemoryLimit, 524288000u);
    budget().set_limit(12345);
    EXPECT_EQ(budget().limit(), 12345u);
    budget().set_limit(0);
    EXPECT_EQ(budget().limit(), kDefaultMemoryLimit);
}

TEST_F(MemoryBudgetTest, LoweringLimitBelowUseRefusesUntilUseDrops) {
    ASSERT_TRUE(budget().try_charge(5000));
    budget().set_limit(1000);
    EXPECT_EQ(budget().used(), 5000u);
    EXPECT_EQ(budget().pressure(), Pressure::critical);
    EXPECT_FALSE(budget().try_charge(1));
    budget().release(4500);
    EXPECT_EQ(budget().pressure(), Pressure::medium);
    EXPECT_TRUE(budget().try_charge(1));
    budget().release(501);
}

TEST_F(MemoryBudgetTest, PressureThresholdsAreExact) {
    EXPECT_EQ(kMediumPercent, 50u);
    EXPECT_EQ(kHighPercent, 75u);
    EXPECT_EQ(kCriticalPercent, 90u);
    const uint64_t d = kDefaultMemoryLimit;
    EXPECT_EQ(pressure_for(0, d), Pressure::low);
    EXPECT_EQ(pressure_for(262143999, d), Pressure::low);
    EXPECT_EQ(pressure_for(262144000, d), Pressure::medium);
    EXPECT_EQ(pressure_for(393215999, d), Pressure::medium);
    EXPECT_EQ(pressure_for(393216000, d), Pressure::high);
    EXPECT_EQ(pressure_for(471859199, d), Pressure::high);
    EXPECT_EQ(pressure_for(471859200, d), Pressure::high);  // exactly 90 %: still High
    EXPECT_EQ(pressure_for(471859201, d), Pressure::critical);
    EXPECT_EQ(pressure_for(d * 2, d), Pressure::critical);
    // Non-round limits: used * 100 >= limit * percent for Medium and High,
    // used * 100 > limit * 90 for Critical.
    EXPECT_EQ(pressure_for(49, 99), Pressure::low);  // 4900 < 4950
    EXPECT_EQ(pressure_for(50, 99), Pressure::medium);
    EXPECT_EQ(pressure_for(89, 99), Pressure::high);  // 8900 < 8910
    EXPECT_EQ(pressure_for(90, 99), Pressure::critical);
    EXPECT_EQ(pressure_for(9, 10), Pressure::high);  // 900 == 900
    EXPECT_EQ(pressure_for(10, 10), Pressure::critical);
    // No overflow with the largest limit.
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    EXPECT_EQ(pressure_for(max / 2, max), Pressure::low);
    EXPECT_EQ(pressure_for(max / 2 + 1, max), Pressure::medium);
    EXPECT_EQ(pressure_for(max, max), Pressure::critical);
}

TEST_F(MemoryBudgetTest, BudgetLevelFollowsUseAtThresholds) {
    budget().set_limit(1000);
    const std::pair<uint64_t, Pressure> steps[] = {
        {499, Pressure::low},      {500, Pressure::medium},   {749, Pressure::medium},
        {750, Pressure::high},     {899, Pressure::high},     {900, Pressure::high},
        {901, Pressure::critical}, {1000, Pressure::critical}};
    for (const auto& [bytes, expected] : steps) {
        Charge charge = Charge::take(bytes);
        ASSERT_TRUE(charge.ok());
        EXPECT_EQ(budget().pressure(), expected) << bytes << " of 1000";
    }
    EXPECT_EQ(budget().pressure(), Pressure::low);
}

// The seed: High 75-90 %, Critical > 90 %. Exactly 90 % of the limit is
// High and does not empty the pool; one byte more is Critical.
TEST_F(MemoryBudgetTest, ExactlyNinetyPercentIsHigh) {
    budget().set_limit(100000);
    Charge ninety = Charge::take(90000);
    ASSERT_TRUE(ninety.ok());
    EXPECT_EQ(budget().pressure(), Pressure::high);
    EXPECT_EQ(pressure_for(90000, 100000), Pressure::high);
    Charge one_more = Charge::take(1);
    ASSERT_TRUE(one_more.ok());
    EXPECT_EQ(budget().pressure(), Pressure::critical);
    EXPECT_EQ(pressure_for(90001, 100000), Pressure::critical);
}

TEST_F(MemoryBudgetTest, ListenersSeeEveryTransitionUpAndBackDown) {
    budget().set_limit(1000);
    TransitionLog log;
    ASSERT_TRUE(budget().try_charge(500));
    ASSERT_TRUE(budget().try_charge(250));
    ASSERT_TRUE(budget().try_charge(150));  // 900: exactly 90 %, still high, no call
    ASSERT_TRUE(budget().try_charge(1));
    budget().release(901);
    const std::vector<Transition> expected = {{Pressure::low, Pressure::medium},
                                              {Pressure::medium, Pressure::high},
                                              {Pressure::high, Pressure::critical},
                                              {Pressure::critical, Pressure::low}};
    EXPECT_EQ(log.seen(), expected);
}

TEST_F(MemoryBudgetTest, RemovedListenerIsNotCalled) {
    budget().set_limit(1000);
    int calls = 0;
    const uint64_t id =
        budget().add_pressure_listener([&](Pressure, Pressure, uint64_t, uint64_t) { ++calls; });
    EXPECT_NE(id, 0u);
    Charge first = Charge::take(600);
    EXPECT_EQ(calls, 1);
    budget().remove_pressure_listener(id);
    first.reset();
    EXPECT_EQ(calls, 1);
    budget().remove_pressure_listener(id);  // unknown id: no effect
}

TEST_F(MemoryBudgetTest, ListenerMayRemoveItselfAndCharge) {
    budget().set_limit(1000);
    uint64_t id = 0;
    int calls = 0;
    bool inner_charge_ok = false;
    id = budget().add_pressure_listener([&](Pressure, Pressure current, uint64_t, uint64_t) {
        ++calls;
        // What a client does on a warning: charge for an event, which itself
        // may change the level (re-entrancy), then unsubscribe.
        if (current == Pressure::high) {
            inner_charge_ok = budget().try_charge(200);  // 800 -> 1000: critical
            budget().remove_pressure_listener(id);
        }
    });
    Charge charge = Charge::take(800);
    EXPECT_TRUE(inner_charge_ok);
    EXPECT_EQ(calls, 1);  // removed before the critical notification ran
    EXPECT_EQ(budget().pressure(), Pressure::critical);
    budget().release(200);
}

TEST_F(MemoryBudgetTest, ThrowingListenerDoesNotBreakCharges) {
    budget().set_limit(1000);
    const uint64_t id = budget().add_pressure_listener(
        [](Pressure, Pressure, uint64_t, uint64_t) { throw std::runtime_error("listener"); });
    Charge charge = Charge::take(950);
    EXPECT_TRUE(charge.ok());
    budget().remove_pressure_listener(id);
}

TEST_F(MemoryBudgetTest, EnteringHighShrinksThePool) {
    fill_pool(1024, 4);  // 4096 idle bytes, charged
    ASSERT_EQ(pool().stats().idle_count[0], 4u);
    ASSERT_EQ(budget().used(), 4096u);
    budget().set_limit(10000);
    TransitionLog log;
    Charge charge = Charge::take(3600);  // 7696: high -> shrink to 2 idle -> 5648
    ASSERT_TRUE(charge.ok());
    EXPECT_EQ(pool().stats().idle_count[0], 2u);
    EXPECT_EQ(pool().stats().idle_bytes, 2048u);
    EXPECT_EQ(budget().used(), 5648u);
    EXPECT_EQ(budget().pressure(), Pressure::medium);
    const std::vector<Transition> expected = {{Pressure::low, Pressure::high},
                                              {Pressure::high, Pressure::medium}};
    EXPECT_EQ(log.seen(), expected);
}

TEST_F(MemoryBudgetTest, EnteringCriticalEmptiesThePool) {
    fill_pool(4096, 3);  // 12288 idle
    fill_pool(1024, 2);  // +2048 = 14336
    ASSERT_EQ(budget().used(), 14336u);
    budget().set_limit(20000);
    Charge charge = Charge::take(4000);  // 18336 = 91.7%: critical -> clear
    ASSERT_TRUE(charge.ok());
    const PoolStats s = pool().stats();
    EXPECT_EQ(s.idle_bytes, 0u);
    EXPECT_EQ(s.idle_count[0], 0u);
    EXPECT_EQ(s.idle_count[1], 0u);
    EXPECT_EQ(budget().used(), 4000u);
    EXPECT_EQ(budget().pressure(), Pressure::low);
}

TEST_F(MemoryBudgetTest, RefusedChargeReclaimsIdlePoolMemoryFirst) {
    fill_pool(1024, 4);  // 4096 idle: 41% of the limit below
    budget().set_limit(10000);
    Charge charge = Charge::take(6000);  // 10096 would cross: reclaim, retry
    EXPECT_TRUE(charge.ok());
    EXPECT_EQ(pool().stats().idle_bytes, 0u);
    EXPECT_EQ(budget().used(), 6000u);
}

TEST_F(MemoryBudgetTest, LibraryWorksAgainAfterMemoryIsFreed) {
    budget().set_limit(64 * 1024);
    std::vector<void*> blocks;
    for (;;) {
        void* p = tracker().allocate(4096, AllocType::buffer);
        if (p == nullptr) break;
        blocks.push_back(p);
    }
    EXPECT_EQ(blocks.size(), 16u);
    EXPECT_FALSE(pool().acquire(1024));
    EXPECT_EQ(tracker().duplicate_string("x"), nullptr);
    EXPECT_FALSE(Charge::take(1).ok());
    for (void* p : blocks) EXPECT_EQ(tracker().release(p, AllocType::buffer), FreeOutcome::freed);
    EXPECT_EQ(budget().used(), 0u);
    char* s = tracker().duplicate_string("works again");
    ASSERT_NE(s, nullptr);
    EXPECT_STREQ(s, "works again");
    EXPECT_EQ(tracker().release(s, AllocType::string), FreeOutcome::freed);
    EXPECT_TRUE(pool().acquire(1024));
}

TEST_F(MemoryBudgetTest, RaisingTheLimitLetsRefusedWorkThrough) {
    budget().set_limit(1000);
    EXPECT_EQ(tracker().allocate(2000, AllocType::buffer), nullptr);
    budget().set_limit(0);
    void* p = tracker().allocate(2000, AllocType::buffer);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(tracker().release(p, AllocType::buffer), FreeOutcome::freed);
}

TEST_F(MemoryBudgetTest, ChargeIsReleasedOnScopeExitAndMoves) {
    {
        Charge a = Charge::take(300);
        ASSERT_TRUE(a.ok());
        EXPECT_EQ(a.bytes(), 300u);
        Charge b = std::move(a);
        EXPECT_FALSE(a.ok());  // NOLINT(bugprone-use-after-move): moved-from is empty
        EXPECT_EQ(b.bytes(), 300u);
        Charge c = Charge::take(200);
        c = std::move(b);  // releases c's 200
        EXPECT_EQ(budget().used(), 300u);
    }
    EXPECT_EQ(budget().used(), 0u);
    EXPECT_FALSE(Charge::take(0).ok());
}

}  // namespace
}  // namespace anidb::memory::test
