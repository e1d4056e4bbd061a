// WorkQueue on a real SQLite file: per-file order, independence of files,
// the coalescing rules, waiting jobs, listing, clear / retry, persistence,
// damaged rows and what enqueue refuses.
#include "queue_test_util.h"
#include "support/temp_dir.h"

namespace anidb::queue {
namespace {

using test::file;
using test::kNow;

class Queue : public ::testing::Test {
  protected:
    void SetUp() override {
        q_ = test::open_queue(db_file());
        ASSERT_TRUE(q_);
    }
    std::filesystem::path db_file() const { return dir_.path() / "anidb.db"; }

    WorkQueue::Enqueued put(const FileKey& f, const JobSpec& spec, int64_t now = kNow,
                            const Waiting& waiting = {}) {
        auto r = q_->enqueue(f, spec, now, waiting);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? *r : WorkQueue::Enqueued{};
    }
    std::optional<WorkQueue::Claim> claim(int64_t now = kNow, bool include_not_due = false) {
        auto c = q_->claim_next(now, {include_not_due});
        EXPECT_TRUE(c.ok()) << c.error().message;
        return c.ok() ? *c : std::nullopt;
    }
    std::vector<Job> jobs() {
        auto l = q_->list();
        EXPECT_TRUE(l.ok());
        return l.ok() ? l->jobs : std::vector<Job>{};
    }

    ::anidb::test::TempDir dir_;
    std::unique_ptr<WorkQueue> q_;
};

TEST_F(Queue, OneFileInOrderOtherFilesIndependent) {
    const auto add1 = put(file(1), AddJob{test::values_state(udp::MylistState::internal)});
    const auto rm1 = put(file(1), RemoveJob{});
    const auto add2 = put(file(2), AddJob{});
    EXPECT_EQ(q_->pending_for(file(1)).value(), 2u);

    auto first = claim();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->job.id, add1.id);
    EXPECT_TRUE(first->job.running);
    // File 1's remove waits behind its running add; file 2 goes on.
    auto second = claim();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->job.id, add2.id);
    EXPECT_FALSE(claim());
    ASSERT_TRUE(q_->complete(*first).ok());
    auto third = claim();
    ASSERT_TRUE(third);
    EXPECT_EQ(third->job.id, rm1.id);
    EXPECT_TRUE(std::holds_alternative<RemoveJob>(third->job.spec));
    ASSERT_TRUE(q_->complete(*second).ok());
    ASSERT_TRUE(q_->complete(*third).ok());
    EXPECT_TRUE(jobs().empty());
    EXPECT_EQ(q_->pending_for(file(1)).value(), 0u);
}

TEST_F(Queue, AWaitingJobHoldsItsFileOnly) {
    const auto a = put(file(1), AddJob{});
    const auto b = put(file(1), RemoveJob{});
    const auto c =
        put(file(2), IdentifyJob{}, kNow, {WaitReason::cooldown, "banned: flood", kNow + 1800});
    const auto d = put(file(3), AddJob{});
    auto first = claim();
    ASSERT_TRUE(first && first->job.id == a.id);
    ASSERT_TRUE(q_->reschedule(*first, WaitReason::unknown_file, "AniDB does not know it",
                               kNow + 3600, kNow)
                    .ok());
    // a waits (and b behind it), c waits from the start, d is due.
    auto next = claim();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->job.id, d.id);
    ASSERT_TRUE(q_->complete(*next).ok());
    EXPECT_FALSE(claim());
    auto listed = jobs();
    ASSERT_EQ(listed.size(), 3u);
    EXPECT_EQ(listed[0].reason, WaitReason::unknown_file);
    EXPECT_EQ(listed[0].attempts, 1);
    EXPECT_EQ(listed[0].next_try_at, kNow + 3600);
    EXPECT_EQ(listed[0].detail, "AniDB does not know it");
    EXPECT_EQ(listed[2].reason, WaitReason::cooldown);
    EXPECT_EQ(listed[2].next_try_at, kNow + 1800);
    auto s = q_->summary(kNow);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->pending, 3u);
    EXPECT_EQ(s->due, 1u);  // b: due, but behind a
    EXPECT_EQ(s->next_try_at, kNow);
    // Later, in order: c (asked before b's turn came? no: by id) — a first.
    auto later = claim(kNow + 3600);
    ASSERT_TRUE(later);
    EXPECT_EQ(later->job.id, a.id);
    ASSERT_TRUE(q_->release(*later).ok());
    // Forced: every job may be taken, still first in its file's line.
    auto forced = claim(kNow, /*include_not_due=*/true);
    ASSERT_TRUE(forced);
    EXPECT_EQ(forced->job.id, a.id);
    auto forced2 = claim(kNow, true);
    ASSERT_TRUE(forced2);
    EXPECT_EQ(forced2->job.id, c.id);
    EXPECT_NE(forced2->job.id, b.id);
}

TEST_F(Queue, CoalescingRules) {
    using How = WorkQueue::Enqueued::How;
    // watched + watched: the newer replaces the older.
    const auto w1 = put(file(1), WatchedJob{true, std::nullopt, kNow});
    const auto w2 = put(file(1), WatchedJob{false, std::nullopt, kNow + 5});
    EXPECT_EQ(w2.how, How::merged);
    EXPECT_EQ(w2.id, w1.id);
    ASSERT_EQ(jobs().size(), 1u);
    EXPECT_FALSE(std::get<WatchedJob>(jobs()[0].spec).watched);
    EXPECT_EQ(std::get<WatchedJob>(jobs()[0].spec).asked_at, kNow + 5);

    // add + add: values overlaid, newer wins; viewed and its date together.
    udp::MylistValues v1;
    v1.state = udp::MylistState::internal;
    v1.viewed = true;
    v1.viewdate = kNow - 10;
    v1.storage = "NAS";
    udp::MylistValues v2;
    v2.viewed = false;
    v2.other = "note";
    const auto a1 = put(file(2), AddJob{v1});
    const auto a2 = put(file(2), AddJob{v2});
    EXPECT_EQ(a2.how, How::merged);
    EXPECT_EQ(a2.id, a1.id);
    const auto merged = std::get<AddJob>(jobs()[1].spec).values;
    EXPECT_EQ(merged.state, udp::MylistState::internal);
    EXPECT_EQ(merged.viewed, false);
    EXPECT_FALSE(merged.viewdate);
    EXPECT_EQ(merged.storage, "NAS");
    EXPECT_EQ(merged.other, "note");

    // remove + remove: a duplicate. add, remove, add: three jobs in order.
    const auto r1 = put(file(3), AddJob{});
    const auto r2 = put(file(3), RemoveJob{});
    EXPECT_EQ(put(file(3), RemoveJob{}).how, How::duplicate);
    const auto r3 = put(file(3), AddJob{});
    EXPECT_EQ(r3.how, How::appended);
    EXPECT_LT(r1.id, r2.id);
    EXPECT_LT(r2.id, r3.id);

    // watched, remove, watched: the second follows the remove.
    put(file(4), WatchedJob{true, std::nullopt, kNow});
    put(file(4), RemoveJob{});
    EXPECT_EQ(put(file(4), WatchedJob{true, std::nullopt, kNow + 1}).how, How::appended);

    // identify: dropped while one waits anywhere in the file's line.
    const auto i1 = put(file(5), IdentifyJob{});
    put(file(5), AddJob{});
    const auto i2 = put(file(5), IdentifyJob{});
    EXPECT_EQ(i2.how, How::duplicate);
    EXPECT_EQ(i2.id, i1.id);

    // A running job is never merged into.
    const auto e1 = put(file(6), EditJob{test::values_state(udp::MylistState::external)});
    std::optional<WorkQueue::Claim> running;
    // Claim until file 6's job is held (others claimed along the way stay claimed).
    for (int i = 0; i < 20 && !(running && running->job.id == e1.id); ++i)
        running = claim(kNow, true);
    ASSERT_TRUE(running && running->job.id == e1.id);
    EXPECT_EQ(put(file(6), EditJob{test::values_state(udp::MylistState::deleted)}).how,
              How::appended);
}

TEST_F(Queue, FailedJobsStepAsideAndCanBeRetriedOrCleared) {
    const auto a = put(file(1), EditJob{test::values_state(udp::MylistState::external)});
    const auto b = put(file(1), RemoveJob{});
    auto c = claim();
    ASSERT_TRUE(c && c->job.id == a.id);
    ASSERT_TRUE(q_->fail(*c, "no such MyList entry", kNow).ok());
    // A failed job does not hold its file.
    auto next = claim();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->job.id, b.id);
    auto s = q_->summary(kNow);
    EXPECT_EQ(s->failed, 1u);
    EXPECT_EQ(s->running, 1u);
    EXPECT_EQ(q_->retry_failed(kNow + 10).value(), 1u);
    EXPECT_EQ(jobs()[0].state, JobState::pending);
    EXPECT_EQ(jobs()[0].next_try_at, kNow + 10);
    auto again = claim(kNow + 10);
    EXPECT_FALSE(again);  // a is first in line again but b (same file, later) runs now: a waits
    put(file(2), AddJob{});
    ASSERT_TRUE(q_->complete(*next).ok());
    auto retried = claim(kNow + 10);
    ASSERT_TRUE(retried);
    ASSERT_TRUE(q_->fail(*retried, "still nothing", kNow + 10).ok());
    EXPECT_EQ(q_->clear(WorkQueue::Which::failed).value(), 1u);
    ASSERT_EQ(jobs().size(), 1u);
    // clear all leaves a running job to finish.
    auto running = claim(kNow + 10);
    ASSERT_TRUE(running);
    put(file(3), AddJob{});
    EXPECT_EQ(q_->clear(WorkQueue::Which::all).value(), 1u);
    ASSERT_EQ(jobs().size(), 1u);
    EXPECT_TRUE(jobs()[0].running);
    ASSERT_TRUE(q_->complete(*running).ok());
    EXPECT_TRUE(jobs().empty());
}

TEST_F(Queue, JobsSurviveTheProcess) {
    udp::MylistValues v;
    v.state = udp::MylistState::internal;
    v.other = "line one\nline two & more";
    put(file(1), AddJob{v});
    put(file(2), WatchedJob{true, kNow - 100, kNow});
    q_.reset();
    q_ = test::open_queue(db_file());
    ASSERT_TRUE(q_);
    auto listed = jobs();
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].file, file(1));
    EXPECT_EQ(std::get<AddJob>(listed[0].spec).values.other, "line one\nline two & more");
    EXPECT_EQ(std::get<WatchedJob>(listed[1].spec).date, kNow - 100);
    EXPECT_EQ(listed[1].created_at, kNow);
}

TEST_F(Queue, DamagedRowsAreNeverRun) {
    const auto a = put(file(1), AddJob{test::values_state(udp::MylistState::internal)});
    const auto b = put(file(2), RemoveJob{});
    const auto c = put(file(3), WatchedJob{true, std::nullopt, kNow});
    // Another job for the same file: the params now ask for a different
    // state (checksum mismatch), a kind that does not exist, a bad hash.
    test::raw_sql(db_file(), "UPDATE work_queue SET params = '5:state,1:3,' WHERE id = " +
                                 std::to_string(a.id));
    test::raw_sql(db_file(), "UPDATE work_queue SET kind = 9 WHERE id = " + std::to_string(b.id));
    auto listing = q_->list();
    ASSERT_TRUE(listing.ok());
    EXPECT_EQ(listing->unreadable, 2u);
    ASSERT_EQ(listing->jobs.size(), 1u);
    auto only = claim();
    ASSERT_TRUE(only);
    EXPECT_EQ(only->job.id, c.id);
    EXPECT_FALSE(claim());
    auto s = q_->summary(kNow);
    EXPECT_EQ(s->failed, 2u);
    EXPECT_EQ(q_->clear(WorkQueue::Which::failed).value(), 2u);
    EXPECT_EQ(q_->list()->unreadable, 0u);
}

TEST_F(Queue, RefusesWhatCannotBeSent) {
    EXPECT_EQ(q_->enqueue(FileKey{0, std::string(32, 'a')}, AddJob{}, kNow).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(q_->enqueue(FileKey{5, "abc"}, AddJob{}, kNow).code(), Errc::invalid_parameter);
    EXPECT_EQ(q_->enqueue(file(1), EditJob{}, kNow).code(), Errc::invalid_parameter);
    udp::MylistValues bad;
    bad.storage = "a\nb";
    EXPECT_EQ(q_->enqueue(file(1), AddJob{bad}, kNow).code(), Errc::invalid_parameter);
    EXPECT_EQ(q_->enqueue(file(1), WatchedJob{false, kNow, kNow}, kNow).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(q_->enqueue(file(1), WatchedJob{true, std::nullopt, 0}, kNow).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(q_->enqueue(file(1), AddJob{}, -5).code(), Errc::invalid_parameter);
    EXPECT_TRUE(jobs().empty());
    // Upper-case hashes are one file with their lower-case form.
    FileKey upper = file(7);
    for (char& ch : upper.ed2k)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    put(upper, RemoveJob{});
    EXPECT_EQ(put(file(7), RemoveJob{}).how, WorkQueue::Enqueued::How::duplicate);
    EXPECT_EQ(WorkQueue::open(nullptr).code(), Errc::invalid_parameter);
}

}  // namespace
}  // namespace anidb::queue
