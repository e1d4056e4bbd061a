// Two processes write into one database at once (fork; each child opens its
// own CacheDb). Every entry must arrive and no child may see an error.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>

#include "cache/cache_db.h"
#include "cache_test_util.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::fake_identity;

constexpr int kEntriesPerProcess = 500;

// Runs in the child: waits for the start signal, then writes. Exit code 0
// only when every call succeeded.
[[noreturn]] void child_writes(const std::filesystem::path& file, int proc, int start_fd) {
    char go = 0;
    if (::read(start_fd, &go, 1) != 1) ::_exit(2);
    auto db = CacheDb::open(file);
    if (!db.ok()) ::_exit(3);
    for (int i = 0; i < kEntriesPerProcess; ++i) {
        const int n = proc * 100'000 + i;
        const auto id = fake_identity("/p" + std::to_string(proc) + "/" + std::to_string(i), n);
        if (!(*db)->store_hashes(id, test::well_formed_digests(n)).ok()) {
            ::_exit(4);
        }
        if (i % 10 == 0 &&
            !(*db)->put_state("proc" + std::to_string(proc), std::to_string(i)).ok()) {
            ::_exit(5);
        }
    }
    if (!(*db)->flush().ok()) ::_exit(6);  // the last group
    db->reset();
    ::_exit(0);
}

TEST(CacheMultiProcess, TwoProcessesWriteOneDatabase) {
    anidb::test::TempDir dir;
    const auto file = dir / "shared" / "anidb.db";
    constexpr int kProcesses = 2;
    std::array<int, 2> start{};
    ASSERT_EQ(::pipe(start.data()), 0);
    std::array<pid_t, kProcesses> pids{};
    for (int p = 0; p < kProcesses; ++p) {
        pids[p] = ::fork();
        ASSERT_GE(pids[p], 0);
        if (pids[p] == 0) {
            ::close(start[1]);
            child_writes(file, p, start[0]);
        }
    }
    ::close(start[0]);
    // Release both children at once so that they really overlap.
    const char go[kProcesses] = {'g', 'g'};
    ASSERT_EQ(::write(start[1], go, kProcesses), kProcesses);
    ::close(start[1]);
    for (int p = 0; p < kProcesses; ++p) {
        int status = 0;
        ASSERT_EQ(::waitpid(pids[p], &status, 0), pids[p]);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0) << "child " << p << " saw an error";
    }

    auto db = test::open_or_fail(file);
    ASSERT_NE(db, nullptr);
    auto s = db->stats();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->hash_entries, static_cast<uint64_t>(kProcesses * kEntriesPerProcess));
    for (int p = 0; p < kProcesses; ++p) {
        for (int i = 0; i < kEntriesPerProcess; ++i) {
            const int n = p * 100'000 + i;
            auto hit = db->find_hashes(
                fake_identity("/p" + std::to_string(p) + "/" + std::to_string(i), n));
            ASSERT_TRUE(hit.ok()) << hit.error().message;
            ASSERT_TRUE(hit->has_value()) << p << "/" << i;
            EXPECT_EQ((*hit)->digests, test::well_formed_digests(n));
        }
        EXPECT_EQ(**db->get_state("proc" + std::to_string(p)), "490");
    }
}

}  // namespace
}  // namespace anidb::cache
