// Several processes, one queue: processes racing for jobs never run one
// twice and keep each file's order; a process killed (SIGKILL) between
// claim and completion leaves its job to the next process, counted as an
// attempt; a living process's claim is respected.
#include <fcntl.h>

#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

#include "anidb/host_state.h"
#include "queue_child.h"
#include "queue_test_util.h"
#include "support/temp_dir.h"

namespace anidb::queue {
namespace {

using test::file;
using test::kNow;

constexpr int kRaceFiles = 8;
constexpr int kRaceJobsPerFile = 5;
constexpr int kRaceProcesses = 4;

// Children: claim jobs until none are left, logging each.
void race(const std::filesystem::path& db_file, const std::string& log) {
    auto q = test::open_queue(db_file);
    ASSERT_TRUE(q);
    const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        auto c = q->claim_next(kNow);
        ASSERT_TRUE(c.ok()) << c.error().message;
        if (!*c) {
            auto s = q->summary(kNow);
            ASSERT_TRUE(s.ok());
            if (s->pending == 0 && s->running == 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            continue;
        }
        const int64_t claimed = udp::monotonic_ns();
        std::this_thread::sleep_for(std::chrono::microseconds(300));  // "sending"
        const int64_t before_complete = udp::monotonic_ns();
        ASSERT_TRUE(q->complete(**c).ok());
        const std::string line = std::to_string((*c)->job.id) + " " + (*c)->job.file.ed2k + " " +
                                 std::to_string(claimed) + " " + std::to_string(before_complete) +
                                 " " + std::to_string(::getpid()) + "\n";
        ASSERT_EQ(::write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    }
    ::close(fd);
}

void claim_and_hang(const std::filesystem::path& db_file, const std::filesystem::path& marker) {
    auto q = test::open_queue(db_file);
    ASSERT_TRUE(q);
    auto c = q->claim_next(kNow);
    ASSERT_TRUE(c.ok() && c->has_value());
    test::signal_file(marker, std::to_string((*c)->job.id));
    std::this_thread::sleep_for(std::chrono::seconds(120));  // killed long before
}

}  // namespace

void run_session_child(const std::string& mode);  // queue_session_test.cc

TEST(QueueChild, Run) {
    const std::string mode = test::child_env("QUEUE_CHILD_MODE");
    if (mode.empty()) {
        GTEST_SKIP() << "only runs as a child process of the queue tests";
    }
    const std::filesystem::path db_file = test::child_env("QUEUE_CHILD_DB");
    if (mode == "race") {
        race(db_file, test::child_env("QUEUE_CHILD_LOG"));
    } else if (mode == "claim-and-hang") {
        claim_and_hang(db_file, test::child_env("QUEUE_CHILD_MARKER"));
    } else {
        run_session_child(mode);
    }
}

namespace {

TEST(QueueProcesses, RacingProcessesRunEachJobOnceAndInOrder) {
    ::anidb::test::TempDir dir;
    const auto db_file = dir / "anidb.db";
    {
        auto q = test::open_queue(db_file);
        ASSERT_TRUE(q);
        // Interleaved: file 0 job 0, file 1 job 0, ..., file 0 job 1, ...
        // Alternating kinds so that nothing merges.
        for (int j = 0; j < kRaceJobsPerFile; ++j)
            for (int f = 0; f < kRaceFiles; ++f) {
                const JobSpec spec = j % 2 == 0 ? JobSpec{AddJob{}} : JobSpec{RemoveJob{}};
                ASSERT_EQ(q->enqueue(file(f), spec, kNow)->how, WorkQueue::Enqueued::How::appended);
            }
    }
    const std::string log = (dir / "ran.log").string();
    std::vector<pid_t> pids;
    for (int p = 0; p < kRaceProcesses; ++p) {
        pids.push_back(test::spawn_child({{"QUEUE_CHILD_MODE", "race"},
                                          {"QUEUE_CHILD_DB", db_file.string()},
                                          {"QUEUE_CHILD_LOG", log}}));
        ASSERT_GT(pids.back(), 0);
    }
    for (pid_t pid : pids) EXPECT_EQ(test::wait_child(pid), 0);

    struct Ran {
        std::string ed2k;
        int64_t claimed = 0, before_complete = 0;
        long pid = 0;
    };
    std::map<int64_t, Ran> ran;
    std::set<long> processes;
    std::ifstream in(log);
    int64_t id = 0;
    Ran r;
    size_t lines = 0;
    while (in >> id >> r.ed2k >> r.claimed >> r.before_complete >> r.pid) {
        ++lines;
        EXPECT_TRUE(ran.emplace(id, r).second) << "job " << id << " ran twice";
        processes.insert(r.pid);
    }
    EXPECT_EQ(lines, static_cast<size_t>(kRaceFiles * kRaceJobsPerFile));
    EXPECT_EQ(ran.size(), static_cast<size_t>(kRaceFiles * kRaceJobsPerFile));
    // Per file: each job was taken only after the previous one was done.
    std::map<std::string, const Ran*> last;
    for (const auto& [job_id, entry] : ran) {
        auto it = last.find(entry.ed2k);
        if (it != last.end()) {
            EXPECT_GT(entry.claimed, it->second->before_complete)
                << "job " << job_id << " overtook";
        }
        last[entry.ed2k] = &entry;
    }
    auto q = test::open_queue(db_file);
    EXPECT_TRUE(q->list()->jobs.empty());
    std::printf("[ info ] %zu jobs run by %zu processes\n", ran.size(), processes.size());
}

TEST(QueueProcesses, AKilledProcessLeavesItsJobToTheNext) {
    ::anidb::test::TempDir dir;
    const auto db_file = dir / "anidb.db";
    auto q = test::open_queue(db_file);
    ASSERT_TRUE(q);
    const auto add = q->enqueue(file(1), AddJob{}, kNow);
    const auto remove = q->enqueue(file(1), RemoveJob{}, kNow);
    const auto other = q->enqueue(file(2), IdentifyJob{}, kNow);
    ASSERT_TRUE(add.ok() && remove.ok() && other.ok());

    const auto marker = dir / "claimed";
    const pid_t pid = test::spawn_child({{"QUEUE_CHILD_MODE", "claim-and-hang"},
                                         {"QUEUE_CHILD_DB", db_file.string()},
                                         {"QUEUE_CHILD_MARKER", marker.string()}});
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(test::wait_for_file(marker));
    std::string claimed_id;
    std::ifstream(marker) >> claimed_id;
    EXPECT_EQ(claimed_id, std::to_string(add->id));

    // While the child lives its claim holds: file 1 is not touched.
    auto listed = q->list();
    ASSERT_TRUE(listed.ok());
    EXPECT_TRUE(listed->jobs[0].running);
    auto next = q->claim_next(kNow);
    ASSERT_TRUE(next.ok() && next->has_value());
    EXPECT_EQ((*next)->job.id, other->id);
    ASSERT_TRUE(q->release(**next).ok());
    EXPECT_EQ(q->clear(WorkQueue::Which::all).value(), 2u);  // the running one stays
    ASSERT_EQ(q->list()->jobs.size(), 1u);

    // Killed between claim and completion; a zombie (not reaped yet) is dead too.
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    auto taken = q->claim_next(kNow + 5);
    ASSERT_TRUE(taken.ok() && taken->has_value());
    EXPECT_EQ((*taken)->job.id, add->id);
    EXPECT_EQ((*taken)->job.attempts, 1);
    EXPECT_EQ((*taken)->job.reason, WaitReason::interrupted);
    EXPECT_EQ(test::wait_child(pid), -1);  // reaped; it died of the signal
    ASSERT_TRUE(q->complete(**taken).ok());
    EXPECT_TRUE(q->list()->jobs.empty());
}

}  // namespace
}  // namespace anidb::queue
