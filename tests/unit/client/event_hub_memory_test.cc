// EventHub and memory: a memory warning needs none (it is never refused or
// dropped, and comes first), and a poll whose events' strings do not fit
// under the limit hands out fewer of them instead of losing any.
#include <gtest/gtest.h>

#include <string>

#include "client/events.h"
#include "memory/allocation_tracker.h"
#include "memory/buffer_pool.h"
#include "memory/memory_budget.h"

namespace anidb::client {
namespace {

using memory::MemoryBudget;

class EventHubMemory : public ::testing::Test {
  protected:
    void SetUp() override { memory::BufferPool::instance().clear(); }
    void TearDown() override { MemoryBudget::instance().set_limit(0); }
    // No room left at all: the limit is what is in use now.
    static void no_headroom() {
        memory::BufferPool::instance().clear();
        MemoryBudget::instance().set_limit(MemoryBudget::instance().used());
    }
    static Event file_event(std::string path) {
        Event e = Event::now(EventType::file_start);
        e.subject = std::move(path);
        return e;
    }
};

TEST_F(EventHubMemory, WarningNeedsNoMemoryAndComesFirst) {
    EventHub hub;
    hub.emit(file_event("/queued/before"));
    no_headroom();
    hub.emit(file_event("/no/room"));           // refused: counted as dropped
    hub.emit(Event::memory_warning(100, 200));  // has room of its own
    hub.emit(Event::memory_warning(150, 200));  // merged with the first
    EXPECT_EQ(hub.queued(), 2u);                // the queued event and the warning
    MemoryBudget::instance().set_limit(0);

    const PolledEvents polled = hub.poll(10);
    ASSERT_EQ(polled.size(), 3u);
    EXPECT_EQ(polled[0].type, EventType::memory_warning);
    EXPECT_EQ(polled[0].number, 150u);
    EXPECT_EQ(polled[0].number2, 200u);
    EXPECT_STREQ(polled[0].context, kMemoryWarningContext);
    EXPECT_EQ(polled[1].type, EventType::events_dropped);
    EXPECT_EQ(polled[1].number, 1u);
    EXPECT_EQ(polled[2].type, EventType::file_start);
    EXPECT_STREQ(polled[2].subject, "/queued/before");
    EXPECT_EQ(hub.queued(), 0u);
}

TEST_F(EventHubMemory, WarningArrivesWhenNothingElseFits) {
    EventHub hub;
    hub.emit(file_event("/stays/queued"));
    no_headroom();
    hub.emit(Event::memory_warning(1, 2));
    PolledEvents polled = hub.poll(10);  // the queued event's strings do not fit
    ASSERT_EQ(polled.size(), 1u);
    EXPECT_EQ(polled[0].type, EventType::memory_warning);
    EXPECT_TRUE(polled.out_of_memory());
    polled = hub.poll(10);
    EXPECT_TRUE(polled.empty());
    EXPECT_TRUE(polled.out_of_memory());  // nothing lost: still queued
    EXPECT_EQ(hub.queued(), 1u);
    MemoryBudget::instance().set_limit(0);
    polled = hub.poll(10);
    ASSERT_EQ(polled.size(), 1u);
    EXPECT_STREQ(polled[0].subject, "/stays/queued");
    EXPECT_FALSE(polled.out_of_memory());
}

TEST_F(EventHubMemory, PollHandsOutFewerEventsWhenTheirStringsDoNotFit) {
    EventHub hub;
    for (int i = 0; i < 8; ++i) hub.emit(file_event(std::string(200, 'a' + i)));
    // Room for the strings of two events (203 bytes each), not four.
    memory::BufferPool::instance().clear();
    MemoryBudget::instance().set_limit(MemoryBudget::instance().used() + 700);
    PolledEvents polled = hub.poll(8);
    ASSERT_EQ(polled.size(), 2u);
    EXPECT_FALSE(polled.out_of_memory());
    EXPECT_EQ(polled[0].subject, std::string(200, 'a'));
    EXPECT_EQ(polled[1].subject, std::string(200, 'b'));
    EXPECT_EQ(hub.queued(), 6u);
    const auto tracked = memory::AllocationTracker::instance().stats();
    EXPECT_EQ(tracked.live_count_by_type[static_cast<size_t>(memory::AllocType::event)], 1u);
    polled = PolledEvents{};  // given back: the next ones fit
    MemoryBudget::instance().set_limit(0);
    polled = hub.poll(8);
    ASSERT_EQ(polled.size(), 6u);
    EXPECT_EQ(polled[5].subject, std::string(200, 'h'));
}

}  // namespace
}  // namespace anidb::client
