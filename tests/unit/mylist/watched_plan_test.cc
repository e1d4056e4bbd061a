// The "mark watched" plan: every row of the table in watched_plan.h.
#include <gtest/gtest.h>

#include "mylist/watched_plan.h"

namespace anidb::mylist {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr int64_t kFresh = kNow - 60;
constexpr int64_t kStale = kNow - int64_t{8} * 86400;

LocalState in_mylist(int64_t viewdate, int64_t confirmed = kFresh) {
    udp::MylistEntry e;
    e.lid = 5000001;
    e.fid = 424242;
    e.viewdate = viewdate;
    return KnownEntry{e, confirmed};
}

WatchedWish watched(std::optional<int64_t> date = std::nullopt) {
    return {true, date, kNow};
}
WatchedWish unwatched() {
    return {false, std::nullopt, kNow};
}
WatchedPlan plan(const std::optional<LocalState>& known, const WatchedWish& wish) {
    return plan_watched(known, wish, kNow);
}

TEST(WatchedPlan, KnownEntry) {
    // Already watched: nothing, unless an explicit date differs.
    EXPECT_TRUE(std::holds_alternative<NothingToSend>(plan(in_mylist(kNow - 500), watched())));
    EXPECT_TRUE(
        std::holds_alternative<NothingToSend>(plan(in_mylist(kNow - 500), watched(kNow - 500))));
    auto redate = plan(in_mylist(kNow - 500), watched(kNow - 100));
    ASSERT_TRUE(std::holds_alternative<EditEntry>(redate));
    EXPECT_EQ(std::get<EditEntry>(redate).values.viewdate, kNow - 100);
    // Not watched yet: edit by lid, dated now.
    auto edit = plan(in_mylist(0), watched());
    ASSERT_TRUE(std::holds_alternative<EditEntry>(edit));
    EXPECT_EQ(std::get<EditEntry>(edit).lid, 5000001);
    EXPECT_EQ(std::get<EditEntry>(edit).values.viewed, true);
    EXPECT_EQ(std::get<EditEntry>(edit).values.viewdate, kNow);
    EXPECT_FALSE(std::get<EditEntry>(edit).values.state);  // storage state left alone
    // Unwatched.
    EXPECT_TRUE(std::holds_alternative<NothingToSend>(plan(in_mylist(0), unwatched())));
    auto clear = plan(in_mylist(kNow - 500), unwatched());
    ASSERT_TRUE(std::holds_alternative<EditEntry>(clear));
    EXPECT_EQ(std::get<EditEntry>(clear).values.viewed, false);
    EXPECT_FALSE(std::get<EditEntry>(clear).values.viewdate);
}

TEST(WatchedPlan, NotInMylistOrUnknown) {
    const LocalState absent = KnownAbsent{424242, kFresh};
    auto add = plan(absent, watched(kNow - 30));
    ASSERT_TRUE(std::holds_alternative<AddFile>(add));
    EXPECT_EQ(std::get<AddFile>(add).values.state, udp::MylistState::internal);
    EXPECT_EQ(std::get<AddFile>(add).values.viewdate, kNow - 30);
    EXPECT_TRUE(std::holds_alternative<NothingToSend>(plan(absent, unwatched())));
    EXPECT_TRUE(std::holds_alternative<AddFile>(plan(std::nullopt, watched())));
    EXPECT_TRUE(std::holds_alternative<AskAniDB>(plan(std::nullopt, unwatched())));
}

TEST(WatchedPlan, AQueuedViewingKeepsItsDate) {
    // Asked an hour ago, run now: a new viewing is dated when it was asked.
    auto add = plan_watched(std::nullopt, {true, std::nullopt, kNow - 3600}, kNow);
    ASSERT_TRUE(std::holds_alternative<AddFile>(add));
    EXPECT_EQ(std::get<AddFile>(add).values.viewdate, kNow - 3600);
    // ... and an entry watched meanwhile is left as it is.
    EXPECT_TRUE(std::holds_alternative<NothingToSend>(
        plan_watched(in_mylist(kNow - 60), {true, std::nullopt, kNow - 3600}, kNow)));
}

TEST(WatchedPlan, StaleStateIsNotBelieved) {
    EXPECT_TRUE(std::holds_alternative<AddFile>(plan(in_mylist(kNow - 500, kStale), watched())));
    EXPECT_TRUE(std::holds_alternative<AskAniDB>(
        plan(LocalState{KnownAbsent{424242, kStale}}, unwatched())));
    // A state from the future (clock set back) is not believed either.
    EXPECT_TRUE(
        std::holds_alternative<AddFile>(plan(in_mylist(kNow - 500, kNow + 3600), watched())));
}

}  // namespace
}  // namespace anidb::mylist
