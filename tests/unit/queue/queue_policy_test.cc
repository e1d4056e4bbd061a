// The coalescing rules as a pure function, and the retry policy's table.
#include "queue/coalescing.h"
#include "queue/job_codec.h"
#include "queue_test_util.h"

namespace anidb::queue {
namespace {

using test::kNow;

Job job_of(JobSpec spec, int attempts = 0) {
    Job j;
    j.spec = std::move(spec);
    j.attempts = attempts;
    return j;
}

JobResult error(Errc code, std::optional<int64_t> retry_at = std::nullopt) {
    return {make_error(code, "x"), retry_at};
}

TEST(Coalescing, OnlyTheSameKindAtTheTailMerges) {
    const TailJob add{7, AddJob{}, false};
    EXPECT_TRUE(std::holds_alternative<MergeInto>(coalesce(add, std::nullopt, AddJob{})));
    EXPECT_TRUE(std::holds_alternative<Append>(coalesce(add, std::nullopt, RemoveJob{})));
    EXPECT_TRUE(std::holds_alternative<Append>(coalesce(add, std::nullopt, EditJob{})));
    const TailJob running{7, AddJob{}, true};
    EXPECT_TRUE(std::holds_alternative<Append>(coalesce(running, std::nullopt, AddJob{})));
    EXPECT_TRUE(std::holds_alternative<Append>(coalesce(std::nullopt, std::nullopt, RemoveJob{})));
    const auto dup = coalesce(TailJob{9, RemoveJob{}, false}, std::nullopt, RemoveJob{});
    ASSERT_TRUE(std::holds_alternative<DropAsDuplicate>(dup));
    EXPECT_EQ(std::get<DropAsDuplicate>(dup).id, 9);
    EXPECT_TRUE(std::holds_alternative<DropAsDuplicate>(coalesce(add, int64_t{3}, IdentifyJob{})));
    EXPECT_TRUE(std::holds_alternative<Append>(coalesce(add, std::nullopt, IdentifyJob{})));
}

TEST(JobCodec, RoundTripAndStrictReading) {
    udp::MylistValues v;
    v.state = udp::MylistState::remote;
    v.viewed = true;
    v.viewdate = kNow;
    v.source = "web|rip";
    v.other = "a\nb";
    const std::string text = encode_params(AddJob{v});
    auto back = decode_params(JobKind::add, text);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(std::get<AddJob>(*back).values.source, "web|rip");
    EXPECT_EQ(std::get<AddJob>(*back).values.viewdate, kNow);
    EXPECT_EQ(decode_params(JobKind::add, "5:state,1:9,").code(), Errc::cache);
    EXPECT_EQ(decode_params(JobKind::add, "5:color,3:red,").code(), Errc::cache);
    EXPECT_EQ(decode_params(JobKind::add, "5:state,").code(), Errc::cache);
    EXPECT_EQ(decode_params(JobKind::edit, "").code(), Errc::cache);  // an edit that sets nothing
    EXPECT_EQ(decode_params(JobKind::watched, "7:watched,1:1,").code(), Errc::cache);
    EXPECT_EQ(decode_kind(0).code(), Errc::cache);
    EXPECT_EQ(decode_kind(6).code(), Errc::cache);
}

TEST(RetryPolicy, StopsOnWhatEveryJobWouldMeet) {
    using A = Disposition::Action;
    const Job add = job_of(AddJob{});
    auto ok = dispose(add, {}, kNow);
    EXPECT_EQ(ok.action, A::complete);
    EXPECT_FALSE(ok.stop_run);

    auto ban = dispose(add, error(Errc::banned, kNow + 1234), kNow);
    EXPECT_EQ(ban.action, A::reschedule);
    EXPECT_EQ(ban.reason, WaitReason::cooldown);
    EXPECT_EQ(ban.next_try_at, kNow + 1234);
    EXPECT_TRUE(ban.stop_run);
    EXPECT_EQ(dispose(add, error(Errc::out_of_service), kNow).next_try_at, kNow + 1800);
    EXPECT_EQ(dispose(add, error(Errc::banned, kNow - 50), kNow).next_try_at, kNow);

    auto silent = dispose(job_of(AddJob{}, 2), error(Errc::timeout), kNow);
    EXPECT_EQ(silent.reason, WaitReason::no_answer);
    EXPECT_EQ(silent.next_try_at, kNow + 300);
    EXPECT_TRUE(silent.stop_run);
    EXPECT_EQ(dispose(job_of(AddJob{}, 50), error(Errc::timeout), kNow).next_try_at, kNow + 7200);

    auto creds = dispose(add, error(Errc::no_credentials), kNow);
    EXPECT_EQ(creds.reason, WaitReason::no_credentials);
    EXPECT_EQ(creds.next_try_at, kNow);
    EXPECT_TRUE(creds.stop_run);
    EXPECT_TRUE(dispose(add, error(Errc::server_busy), kNow).stop_run);
    EXPECT_TRUE(dispose(add, error(Errc::busy), kNow).stop_run);
    EXPECT_EQ(dispose(add, error(Errc::cancelled), kNow).action, A::release);
}

TEST(RetryPolicy, GoesOnPastWhatIsAboutOneJob) {
    using A = Disposition::Action;
    auto unknown = dispose(job_of(AddJob{}), error(Errc::no_such_file), kNow);
    EXPECT_EQ(unknown.action, A::reschedule);
    EXPECT_EQ(unknown.reason, WaitReason::unknown_file);
    EXPECT_EQ(unknown.next_try_at, kNow + int64_t{6} * 3600);
    EXPECT_FALSE(unknown.stop_run);
    EXPECT_EQ(dispose(job_of(IdentifyJob{}, 4), error(Errc::no_such_file), kNow).next_try_at,
              kNow + int64_t{14} * 86400);
    EXPECT_EQ(dispose(job_of(IdentifyJob{}, 5), error(Errc::no_such_file), kNow).action, A::fail);
    EXPECT_EQ(dispose(job_of(RemoveJob{}), error(Errc::no_such_file), kNow).action, A::complete);
    EXPECT_EQ(dispose(job_of(EditJob{}), error(Errc::no_such_file), kNow).action, A::fail);
    EXPECT_EQ(dispose(job_of(AddJob{}), error(Errc::protocol), kNow).action, A::fail);
    EXPECT_EQ(dispose(job_of(AddJob{}), error(Errc::access_denied), kNow).action, A::fail);
    auto server = dispose(job_of(AddJob{}), error(Errc::server_error), kNow);
    EXPECT_EQ(server.action, A::reschedule);
    EXPECT_FALSE(server.stop_run);
    EXPECT_EQ(
        dispose(job_of(AddJob{}, kMaxServerErrors - 1), error(Errc::server_error), kNow).action,
        A::fail);
}

}  // namespace
}  // namespace anidb::queue
