// Several writers on one database from threads of one process: separate
// CacheDb objects, one shared object, and a foreign connection holding the
// write lock. No call may fail with "database is locked". (Label
// `concurrency`: also run under ThreadSanitizer.)
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "cache/cache_db.h"
#include "cache_test_util.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::fake_identity;
using test::open_or_fail;

constexpr int kPerThread = 150;

// Stores, reads back and touches client state; counts every failed call.
void writer(CacheDb& db, int thread, std::atomic<int>& failures) {
    for (int i = 0; i < kPerThread; ++i) {
        const auto id = fake_identity("/t" + std::to_string(thread) + "/" + std::to_string(i),
                                      thread * 10'000 + i);
        if (!db.store_hashes(id, test::well_formed_digests(thread * 10'000 + i)).ok()) ++failures;
        auto hit = db.find_hashes(id);
        if (!hit.ok() || !hit->has_value()) ++failures;
        if (!db.put_state("thread" + std::to_string(thread), std::to_string(i)).ok()) ++failures;
        CacheDb::FileAnswer answer{static_cast<uint64_t>(thread * 10'000 + i),
                                   "ab",
                                   1,
                                   2,
                                   3,
                                   4,
                                   {{"n", std::to_string(i)}},
                                   5};
        if (!db.store_file_answer(answer).ok()) ++failures;
    }
}

void expect_all_present(CacheDb& db, int threads) {
    auto s = db.stats();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->hash_entries, static_cast<uint64_t>(threads * kPerThread));
    EXPECT_EQ(s->anidb_entries, static_cast<uint64_t>(threads * kPerThread));
    for (int t = 0; t < threads; ++t) {
        auto state = db.get_state("thread" + std::to_string(t));
        ASSERT_TRUE(state.ok() && state->has_value());
        EXPECT_EQ(**state, std::to_string(kPerThread - 1));
    }
}

TEST(CacheConcurrency, SeparateObjectsInThreads) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    constexpr int kThreads = 3;
    std::vector<std::unique_ptr<CacheDb>> dbs;
    for (int t = 0; t < kThreads; ++t) {
        dbs.push_back(open_or_fail(file));
        ASSERT_NE(dbs.back(), nullptr);
    }
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] { writer(*dbs[t], t, failures); });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    // Each object's last group is committed within its group window; flush
    // makes it so now.
    for (auto& db : dbs) EXPECT_TRUE(db->flush().ok());
    expect_all_present(*dbs[0], kThreads);
}

TEST(CacheConcurrency, OneSharedObjectInThreads) {
    anidb::test::TempDir dir;
    auto db = open_or_fail(dir / "anidb.db");
    ASSERT_NE(db, nullptr);
    constexpr int kThreads = 3;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] { writer(*db, t, failures); });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    expect_all_present(*db, kThreads);
}

TEST(CacheConcurrency, OpeningTogetherCreatesOneSchema) {
    anidb::test::TempDir dir;
    const auto file = dir / "fresh" / "anidb.db";
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            auto db = CacheDb::open(file);
            if (!db.ok() || !(*db)->put_state("opened" + std::to_string(t), "yes").ok()) {
                ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    auto db = open_or_fail(file);
    ASSERT_NE(db, nullptr);
    for (int t = 0; t < 4; ++t) {
        EXPECT_TRUE(db->get_state("opened" + std::to_string(t))->has_value());
    }
}

// Another connection holds the write lock longer than SQLite's own busy
// timeout; the retry loop must wait it out instead of reporting "locked".
TEST(CacheConcurrency, WaitsOutAForeignWriteLock) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    OpenOptions impatient;
    impatient.busy_timeout_ms = 5;  // force the retry path, not SQLite's handler
    auto db = open_or_fail(file, impatient);
    ASSERT_NE(db, nullptr);

    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    std::atomic<bool> started{false};
    std::thread holder([&] {
        while (!started) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
    });
    started = true;
    const Status stored = db->put_state("waited", "yes");
    const Status queued =
        db->store_hashes(fake_identity("/locked", 1), test::well_formed_digests(1));
    const Status flushed = db->flush();
    holder.join();
    sqlite3_close(raw);
    EXPECT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_TRUE(queued.ok()) << queued.error().message;
    EXPECT_TRUE(flushed.ok()) << flushed.error().message;
    EXPECT_EQ(**db->get_state("waited"), "yes");
    EXPECT_TRUE(db->find_hashes(fake_identity("/locked", 1))->has_value());
}

}  // namespace
}  // namespace anidb::cache
