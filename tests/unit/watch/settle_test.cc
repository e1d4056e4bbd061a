#include "watch/settle.h"

#include <gtest/gtest.h>

namespace anidb::watch {
namespace {

using std::chrono::milliseconds;
using Verdict = SettleTracker::Verdict;

const Clock::time_point t0{};

TEST(Settle, FileUnchangedForTheSettleTimeIsSettled) {
    SettleTracker t(milliseconds(500));
    t.observe("a", {100, 1}, t0);
    EXPECT_TRUE(t.due(t0 + milliseconds(499)).empty());
    ASSERT_EQ(t.next_deadline(), t0 + milliseconds(500));
    ASSERT_EQ(t.due(t0 + milliseconds(500)), std::vector<std::string>{"a"});
    EXPECT_EQ(t.confirm("a", {100, 1}, false, t0 + milliseconds(500)), Verdict::settled);
    EXPECT_FALSE(t.tracking("a"));
    EXPECT_FALSE(t.next_deadline().has_value());
}

TEST(Settle, GrowingFileStartsItsClockAgain) {
    SettleTracker t(milliseconds(500));
    t.observe("a", {100, 1}, t0);
    t.observe("a", {200, 2}, t0 + milliseconds(400));  // a piece more
    EXPECT_TRUE(t.due(t0 + milliseconds(600)).empty());
    EXPECT_EQ(t.next_deadline(), t0 + milliseconds(900));
    // The same observation again does not restart it.
    t.observe("a", {200, 2}, t0 + milliseconds(800));
    EXPECT_EQ(t.next_deadline(), t0 + milliseconds(900));
}

TEST(Settle, ChangeSeenOnlyAtTheDeadlineRestarts) {
    SettleTracker t(milliseconds(500));
    t.observe("a", {100, 1}, t0);
    EXPECT_EQ(t.confirm("a", {150, 1}, false, t0 + milliseconds(500)), Verdict::changed);
    EXPECT_EQ(t.next_deadline(), t0 + milliseconds(1000));
    EXPECT_EQ(t.confirm("a", {150, 1}, false, t0 + milliseconds(1000)), Verdict::settled);
}

TEST(Settle, OpenWriterHoldsTheFileBack) {
    SettleTracker t(milliseconds(500));
    t.observe("a", {100, 1}, t0);
    // Unchanged, but still open for writing (a paused download).
    EXPECT_EQ(t.confirm("a", {100, 1}, true, t0 + milliseconds(500)), Verdict::being_written);
    EXPECT_TRUE(t.tracking("a"));
    EXPECT_EQ(t.next_deadline(), t0 + milliseconds(1000));
    EXPECT_EQ(t.confirm("a", {100, 1}, false, t0 + milliseconds(1000)), Verdict::settled);
}

TEST(Settle, WriteEventRestartsTheClockEvenWithoutAVisibleChange) {
    SettleTracker t(milliseconds(500));
    t.observe("a", {100, 1}, t0);
    t.touched("a", t0 + milliseconds(300));  // coarse mtime: stat shows nothing new
    EXPECT_EQ(t.confirm("a", {100, 1}, false, t0 + milliseconds(500)), Verdict::not_yet);
    EXPECT_EQ(t.confirm("a", {100, 1}, false, t0 + milliseconds(800)), Verdict::settled);
    t.touched("b", t0);  // untracked: ignored
    EXPECT_FALSE(t.tracking("b"));
}

TEST(Settle, ForgottenFileIsNotDue) {
    SettleTracker t(milliseconds(0));
    t.observe("a", {1, 1}, t0);
    t.observe("b", {1, 1}, t0);
    t.forget("a");
    EXPECT_EQ(t.due(t0), std::vector<std::string>{"b"});
    EXPECT_EQ(t.size(), 1u);
}

}  // namespace
}  // namespace anidb::watch
