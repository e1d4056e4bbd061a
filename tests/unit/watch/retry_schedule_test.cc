#include "watch/retry_schedule.h"

#include <gtest/gtest.h>

namespace anidb::watch {
namespace {

constexpr int64_t kNow = 1'700'000'000;
using A = RetryDecision::Action;

TEST(RetrySchedule, UnknownFileBacksOffThenFails) {
    const int64_t hour = 3600;
    const int64_t expected[] = {6 * hour, 24 * hour, 72 * hour, 168 * hour, 336 * hour};
    for (int attempts = 0; attempts < 5; ++attempts) {
        const RetryDecision d = retry_after(Errc::no_such_file, attempts, kNow, 1.0, std::nullopt);
        EXPECT_EQ(d.action, A::retry);
        EXPECT_EQ(d.next_try_at, kNow + expected[attempts]) << attempts;
        EXPECT_FALSE(d.stop_round);
    }
    EXPECT_EQ(retry_after(Errc::no_such_file, 5, kNow, 1.0, std::nullopt).action, A::fail);
}

TEST(RetrySchedule, ScaleShortensEveryWait) {
    const RetryDecision d = retry_after(Errc::no_such_file, 0, kNow, 0.001, std::nullopt);
    EXPECT_EQ(d.next_try_at, kNow + 22);  // 21.6 s rounded up
}

TEST(RetrySchedule, CooldownWaitsForItsEndAndStopsTheRound) {
    RetryDecision d = retry_after(Errc::banned, 0, kNow, 1.0, kNow + 5000);
    EXPECT_EQ(d.action, A::retry);
    EXPECT_EQ(d.next_try_at, kNow + 5000);
    EXPECT_TRUE(d.stop_round);
    d = retry_after(Errc::out_of_service, 0, kNow, 1.0, std::nullopt);
    EXPECT_EQ(d.next_try_at, kNow + 1800);
}

TEST(RetrySchedule, OthersByKind) {
    EXPECT_EQ(retry_after(Errc::cancelled, 0, kNow, 1.0, std::nullopt).action, A::stop);
    EXPECT_EQ(retry_after(Errc::timeout, 1, kNow, 1.0, std::nullopt).next_try_at, kNow + 120);
    EXPECT_TRUE(retry_after(Errc::network, 0, kNow, 1.0, std::nullopt).stop_round);
    EXPECT_EQ(retry_after(Errc::io, 0, kNow, 1.0, std::nullopt).next_try_at, kNow + 60);
    EXPECT_EQ(retry_after(Errc::server_error, 2, kNow, 1.0, std::nullopt).action, A::fail);
    EXPECT_EQ(retry_after(Errc::protocol, 0, kNow, 1.0, std::nullopt).action, A::fail);
    EXPECT_EQ(retry_after(Errc::access_denied, 0, kNow, 1.0, std::nullopt).action, A::fail);
}

}  // namespace
}  // namespace anidb::watch
