// run_queue with a scripted executor: jobs in order, done / waiting /
// failed recorded, the run stopped by a cool-down, no answer or a stop
// request, and carried on past an unknown file.
#include "queue_test_util.h"
#include "support/temp_dir.h"

namespace anidb::queue {
namespace {

using test::file;
using test::kNow;

class Runner : public ::testing::Test {
  protected:
    void SetUp() override {
        q_ = test::open_queue(dir_.path() / "anidb.db");
        ASSERT_TRUE(q_);
    }
    RunOptions options() {
        RunOptions o;
        o.clock = [this] { return now_; };
        return o;
    }
    ::anidb::test::TempDir dir_;
    std::unique_ptr<WorkQueue> q_;
    int64_t now_ = kNow;
    test::ScriptedExecutor exec_;
};

TEST_F(Runner, DrainsInOrderAndRecordsEachOutcome) {
    ASSERT_TRUE(q_->enqueue(file(1), AddJob{}, kNow).ok());
    ASSERT_TRUE(q_->enqueue(file(2), IdentifyJob{}, kNow).ok());
    ASSERT_TRUE(q_->enqueue(file(1), RemoveJob{}, kNow).ok());
    ASSERT_TRUE(
        q_->enqueue(file(3), EditJob{test::values_state(udp::MylistState::internal)}, kNow).ok());
    exec_.script = {{},
                    {make_error(Errc::no_such_file, "AniDB does not know this file"), {}},
                    {},
                    {make_error(Errc::no_such_file, "no such MyList entry"), {}}};
    std::vector<std::string> seen;
    RunOptions o = options();
    o.on_job = [&](const Job& j, const JobResult&, const Disposition&) {
        seen.push_back(kind_name(kind_of(j.spec)));
    };
    auto report = run_queue(*q_, exec_, o);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->completed, 2u);
    EXPECT_EQ(report->rescheduled, 1u);
    EXPECT_EQ(report->failed, 1u);
    EXPECT_FALSE(report->stopped_by);
    EXPECT_EQ(seen,
              (std::vector<std::string>{"mylist add", "identify", "mylist remove", "mylist edit"}));
    auto left = q_->list();
    ASSERT_EQ(left->jobs.size(), 2u);
    EXPECT_EQ(left->jobs[0].reason, WaitReason::unknown_file);
    EXPECT_EQ(left->jobs[0].detail, "AniDB does not know this file");
    EXPECT_EQ(left->jobs[1].state, JobState::failed);
    // Nothing due now: a second run sends nothing.
    exec_.ran.clear();
    ASSERT_TRUE(run_queue(*q_, exec_, options()).ok());
    EXPECT_TRUE(exec_.ran.empty());
}

TEST_F(Runner, ACooldownStopsTheRunAndTheJobWaitsForIt) {
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(q_->enqueue(file(i), AddJob{}, kNow).ok());
    exec_.script = {{}, {make_error(Errc::banned, "banned: flood"), kNow + 1800}};
    auto report = run_queue(*q_, exec_, options());
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->stopped_by);
    EXPECT_EQ(report->stopped_by->code, Errc::banned);
    EXPECT_EQ(exec_.ran.size(), 2u);  // the third was not tried into the ban
    auto left = q_->list();
    ASSERT_EQ(left->jobs.size(), 2u);
    EXPECT_EQ(left->jobs[0].reason, WaitReason::cooldown);
    EXPECT_EQ(left->jobs[0].next_try_at, kNow + 1800);
    EXPECT_EQ(left->jobs[1].reason, WaitReason::none);
    // Before the cool-down ends only the untried job is due; after, both.
    exec_.ran.clear();
    ASSERT_TRUE(run_queue(*q_, exec_, options()).ok());
    ASSERT_EQ(exec_.ran.size(), 1u);
    EXPECT_EQ(exec_.ran[0].file, file(3));
    now_ = kNow + 1800;
    exec_.ran.clear();
    ASSERT_TRUE(run_queue(*q_, exec_, options()).ok());
    EXPECT_EQ(exec_.ran.size(), 1u);
    EXPECT_TRUE(q_->list()->jobs.empty());
}

TEST_F(Runner, NoAnswerAndNoCredentialsStopTheRun) {
    for (int i = 1; i <= 2; ++i) ASSERT_TRUE(q_->enqueue(file(i), RemoveJob{}, kNow).ok());
    exec_.script = {{make_error(Errc::timeout, "no reply"), {}}};
    auto r = run_queue(*q_, exec_, options());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->stopped_by->code, Errc::timeout);
    EXPECT_EQ(exec_.ran.size(), 1u);
    EXPECT_EQ(q_->list()->jobs[0].next_try_at, kNow + 30);
    EXPECT_EQ(q_->list()->jobs[0].reason, WaitReason::no_answer);
    exec_.ran.clear();
    exec_.script = {{make_error(Errc::no_credentials, "no user name"), {}}};
    r = run_queue(*q_, exec_, options());
    EXPECT_EQ(r->stopped_by->code, Errc::no_credentials);
    EXPECT_EQ(exec_.ran.size(), 1u);
    EXPECT_EQ(q_->list()->jobs[1].reason, WaitReason::no_credentials);
}

TEST_F(Runner, StopRequestAndMaxJobs) {
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(q_->enqueue(file(i), AddJob{}, kNow).ok());
    RunOptions o = options();
    o.max_jobs = 2;
    auto r = run_queue(*q_, exec_, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->completed, 2u);
    std::stop_source stop;
    stop.request_stop();
    o = options();
    o.stop = stop.get_token();
    r = run_queue(*q_, exec_, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->stopped_by->code, Errc::cancelled);
    EXPECT_EQ(exec_.ran.size(), 2u);
    // An executor stopped before sending: the job goes back unchanged.
    exec_.script = {{make_error(Errc::cancelled, "stopped"), {}}};
    r = run_queue(*q_, exec_, options());
    EXPECT_EQ(r->released, 1u);
    auto first = q_->list()->jobs[0];
    EXPECT_EQ(first.attempts, 0);
    EXPECT_FALSE(first.running);
}

}  // namespace
}  // namespace anidb::queue
