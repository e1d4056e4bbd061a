// The runner over a real Session against the fake AniDB server: jobs drained
// in order within the flood rules, a ban that stops the run and keeps the
// job until the host-wide cool-down ends, and a process killed after its
// packet left but before anything was recorded: the job runs again and
// AniDB's MyList ends as asked (310 for the repeated add).
#include <ctime>

#include "../anidb/fixture.h"
#include "cache/cache_db.h"
#include "queue_child.h"
#include "queue_test_util.h"
#include "session_executor.h"

namespace anidb::queue {

using udp::testing::kEd2k;
using udp::testing::kPassword;
using udp::testing::kSize;
using udp::testing::kUser;

namespace {

constexpr const char* kEd2kEp1 = "11111111111111111111111111111111";

udp::Settings child_settings() {
    udp::Settings s;
    s.server_host = "127.0.0.1";
    s.server_port = static_cast<uint16_t>(std::atoi(test::child_env("QUEUE_CHILD_PORT").c_str()));
    s.local_port = 0;
    s.username = kUser;
    s.password = kPassword;
    s.client_name = "libanidbtest";
    s.host_state_dir = test::child_env("QUEUE_CHILD_STATE");
    s.reply_timeout = std::chrono::milliseconds(250);
    s.interval_scale = 0.01;
    return s;
}

}  // namespace

// Claims the first job and sends its MYLISTADD, then dies before the answer
// is recorded anywhere (no MylistStore, no complete()).
void run_session_child(const std::string& mode) {
    ASSERT_EQ(mode, "send-and-die");
    auto q = test::open_queue(test::child_env("QUEUE_CHILD_DB"));
    ASSERT_TRUE(q);
    auto claim = q->claim_next(static_cast<int64_t>(std::time(nullptr)));
    ASSERT_TRUE(claim.ok() && claim->has_value());
    auto session = udp::Session::open(child_settings());
    ASSERT_TRUE(session.ok()) << session.error().message;
    const Job& job = (*claim)->job;
    auto sent = udp::mylist_add(**session, udp::FileHash{job.file.size, job.file.ed2k, {}},
                                std::get<AddJob>(job.spec).values);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    ::raise(SIGKILL);
}

namespace {

class QueueSession : public udp::testing::UdpEndToEnd {
  protected:
    void SetUp() override {
        UdpEndToEnd::SetUp();
        server_->set_catalog(::anidb::test::FakeCatalog::mylist_example());
        auto db = cache::CacheDb::open(db_file());
        ASSERT_TRUE(db.ok());
        std::shared_ptr<cache::CacheDb> shared(std::move(*db));
        auto q = WorkQueue::open(shared);
        auto s = mylist::MylistStore::open(shared);
        ASSERT_TRUE(q.ok() && s.ok());
        queue_ = std::move(*q);
        store_ = std::move(*s);
        session_ = open();
        ASSERT_TRUE(session_);
        now_ = static_cast<int64_t>(std::time(nullptr));
    }
    void TearDown() override {
        session_.reset();
        UdpEndToEnd::TearDown();
    }
    std::filesystem::path db_file() const { return dir_.path() / "anidb.db"; }
    FileKey key(uint64_t size, const char* ed2k) { return make_file_key(size, ed2k).value(); }
    void put(const FileKey& f, const JobSpec& spec) {
        auto r = queue_->enqueue(f, spec, now_);
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    Result<RunReport> run() {
        test::SessionExecutor exec(*session_, *store_);
        return run_queue(*queue_, exec);
    }

    std::unique_ptr<WorkQueue> queue_;
    std::unique_ptr<mylist::MylistStore> store_;
    std::unique_ptr<udp::Session> session_;
    int64_t now_ = 0;
};

TEST_F(QueueSession, DrainsInOrderWithinTheFloodRules) {
    const FileKey f1 = key(kSize, kEd2k);
    const FileKey f2 = key(700000001, kEd2kEp1);
    const FileKey unknown = key(12345, "99999999999999999999999999999999");
    udp::MylistValues hdd;
    hdd.state = udp::MylistState::internal;
    put(f1, AddJob{hdd});
    put(f1, WatchedJob{true, std::nullopt, now_ - 60});
    put(unknown, AddJob{hdd});
    put(f2, WatchedJob{true, std::nullopt, now_ - 30});
    put(f1, RemoveJob{});
    auto report = run();
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->completed, 4u);
    EXPECT_EQ(report->rescheduled, 1u);
    EXPECT_FALSE(report->stopped_by);
    // MyList ends as asked: f1 added, watched, then removed; f2 watched.
    EXPECT_FALSE(server_->mylist_entry(kUser, 424242));
    ASSERT_TRUE(server_->mylist_entry(kUser, 424243));
    EXPECT_EQ(server_->mylist_entry(kUser, 424243)->get("viewdate"), std::to_string(now_ - 30));
    // f1's commands reached the server in the order asked.
    std::vector<std::string> f1_commands;
    for (const auto& rec : server_->log())
        if (rec.text.find("MYLIST") == 0 && rec.text.find("fid=424242") != std::string::npos)
            f1_commands.push_back(rec.text.substr(0, rec.text.find(' ')));
    for (const auto& rec : server_->log())
        if (rec.text.find("MYLISTADD lid=") == 0 || rec.text.find("MYLISTDEL lid=") == 0)
            f1_commands.push_back(rec.text.substr(0, rec.text.find(' ')));
    ASSERT_GE(f1_commands.size(), 2u);
    EXPECT_EQ(f1_commands.front(), "MYLISTADD");
    EXPECT_EQ(server_->count("MYLISTDEL"), 1u);
    auto left = queue_->list();
    ASSERT_EQ(left->jobs.size(), 1u);
    EXPECT_EQ(left->jobs[0].file, unknown);
    EXPECT_EQ(left->jobs[0].reason, WaitReason::unknown_file);
    EXPECT_GE(left->jobs[0].next_try_at, now_ + int64_t{6} * 3600);
    // TearDown: no two packets closer than the (scaled) flood interval.
}

TEST_F(QueueSession, ABanStopsTheRunAndTheJobWaitsForTheCooldown) {
    udp::MylistValues hdd;
    hdd.state = udp::MylistState::internal;
    put(key(kSize, kEd2k), AddJob{hdd});
    put(key(700000001, kEd2kEp1), AddJob{hdd});
    server_->inject({::anidb::test::Fault::code, 1, "MYLISTADD", 555});
    auto report = run();
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_TRUE(report->stopped_by);
    EXPECT_EQ(report->stopped_by->code, Errc::banned);
    EXPECT_EQ(server_->count("MYLISTADD"), 1u);  // the second job was not sent into the ban
    auto left = queue_->list();
    ASSERT_EQ(left->jobs.size(), 2u);
    EXPECT_EQ(left->jobs[0].reason, WaitReason::cooldown);
    // The host-wide cool-down (30 min, scaled by 0.01: 18 s) is the job's wait.
    EXPECT_GE(left->jobs[0].next_try_at, now_ + 15);
    EXPECT_LE(left->jobs[0].next_try_at, now_ + 25);
    EXPECT_EQ(left->jobs[0].detail.find('\x1b'), std::string::npos);  // server text escaped
    // A second run right away sends nothing: one job waits, the other would
    // meet the cool-down (refused before sending), and the run stops again.
    const size_t before = server_->log().size();
    report = run();
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(server_->log().size(), before);
    EXPECT_EQ(report->stopped_by->code, Errc::banned);
}

TEST_F(QueueSession, KilledAfterSendingTheJobRunsAgainAndChangesNothingTwice) {
    udp::MylistValues hdd;
    hdd.state = udp::MylistState::internal;
    hdd.storage = "NAS";
    put(key(kSize, kEd2k), AddJob{hdd});
    const pid_t pid = test::spawn_child({{"QUEUE_CHILD_MODE", "send-and-die"},
                                         {"QUEUE_CHILD_DB", db_file().string()},
                                         {"QUEUE_CHILD_PORT", std::to_string(server_->port())},
                                         {"QUEUE_CHILD_STATE", host_dir().string()}});
    ASSERT_GT(pid, 0);
    EXPECT_EQ(test::wait_child(pid), -1);  // killed itself
    ASSERT_EQ(server_->count("MYLISTADD"), 1u);
    ASSERT_TRUE(server_->mylist_entry(kUser, 424242));

    auto report = run();
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->completed, 1u);
    EXPECT_EQ(server_->count("MYLISTADD"), 2u);  // sent again: 310, values already there
    EXPECT_EQ(server_->mylist_size(kUser), 1u);
    EXPECT_EQ(server_->mylist_entry(kUser, 424242)->get("storage"), "NAS");
    EXPECT_TRUE(queue_->list()->jobs.empty());
    auto known = store_->find(424242);
    ASSERT_TRUE(known.ok() && known->has_value());
    EXPECT_EQ(std::get<mylist::KnownEntry>(**known).entry.storage, "NAS");
}

}  // namespace
}  // namespace anidb::queue
