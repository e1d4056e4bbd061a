// EventRing, the bounded queue under EventHub: order across growth and
// wrap-around, eviction of the oldest entry when full, reuse after clear.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/event_ring.h"

namespace anidb::client {
namespace {

TEST(EventRing, KeepsOrderWhileGrowingAndWrapping) {
    EventRing<int> ring(4);
    EXPECT_TRUE(ring.empty());
    EXPECT_FALSE(ring.push(1));
    EXPECT_FALSE(ring.push(2));
    EXPECT_EQ(ring.pop(), 1);
    EXPECT_FALSE(ring.push(3));  // reuses the freed slot: head is now 1
    EXPECT_FALSE(ring.push(4));  // grows with head != 0
    EXPECT_FALSE(ring.push(5));
    EXPECT_EQ(ring.size(), 4U);
    for (int expected : {2, 3, 4, 5}) EXPECT_EQ(ring.pop(), expected);
    EXPECT_TRUE(ring.empty());
}

TEST(EventRing, FullRingEvictsTheOldest) {
    EventRing<std::string> ring(3);
    for (const char* s : {"a", "b", "c"}) EXPECT_FALSE(ring.push(s));
    auto evicted = ring.push("d");
    ASSERT_TRUE(evicted);
    EXPECT_EQ(*evicted, "a");
    evicted = ring.push("e");
    ASSERT_TRUE(evicted);
    EXPECT_EQ(*evicted, "b");
    EXPECT_EQ(ring.size(), 3U);
    EXPECT_EQ(ring.pop(), "c");
    EXPECT_FALSE(ring.push("f"));  // room again: nothing evicted
    for (const char* expected : {"d", "e", "f"}) EXPECT_EQ(ring.pop(), expected);
}

TEST(EventRing, PopAndClearReleaseWhatTheyHeld) {
    auto shared = std::make_shared<int>(7);
    EventRing<std::shared_ptr<int>> ring(2);
    ring.push(shared);
    ring.push(shared);
    EXPECT_EQ(shared.use_count(), 3);
    ring.pop();
    EXPECT_EQ(shared.use_count(), 2);  // the popped slot holds nothing any more
    ring.clear();
    EXPECT_EQ(shared.use_count(), 1);
    EXPECT_TRUE(ring.empty());
    EXPECT_FALSE(ring.push(shared));
    EXPECT_EQ(*ring.pop(), 7);
}

}  // namespace
}  // namespace anidb::client
