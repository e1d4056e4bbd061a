// Grouped stores (StoreQueue): an object reads its own queued stores, other
// objects see them once committed, nothing queued is lost (the destructor,
// flush, a refused memory charge all write it), clear drops the queue.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "cache/cache_db.h"
#include "cache_test_util.h"
#include "memory/fault_injection.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::fake_identity;
using test::open_or_fail;
using test::well_formed_digests;

bool has(CacheDb& db, const FileIdentity& id) {
    auto hit = db.find_hashes(id);
    return hit.ok() && hit->has_value() && !(*hit)->digests.empty();
}

TEST(GroupCommit, OwnStoresAtOnceOthersOnceCommitted) {
    anidb::test::TempDir dir;
    OpenOptions slow;
    slow.group_window = std::chrono::hours(1);  // only flush() commits
    auto writer = open_or_fail(dir / "anidb.db", slow);
    auto reader = open_or_fail(dir / "anidb.db");
    ASSERT_TRUE(writer && reader);
    const auto id = fake_identity("/g/a.mkv", 1);
    ASSERT_TRUE(writer->store_hashes(id, well_formed_digests(1)).ok());
    EXPECT_FALSE(has(*reader, id));  // queued, not committed
    EXPECT_TRUE(has(*writer, id));   // a lookup of a queued path commits first
    EXPECT_TRUE(has(*reader, id));

    const auto id2 = fake_identity("/g/b.mkv", 2);
    ASSERT_TRUE(writer->store_hashes(id2, well_formed_digests(2)).ok());
    EXPECT_FALSE(has(*reader, id2));
    ASSERT_TRUE(writer->flush().ok());
    EXPECT_TRUE(has(*reader, id2));
}

TEST(GroupCommit, GroupOfOneWritesEveryStoreAtOnce) {
    anidb::test::TempDir dir;
    OpenOptions each;
    each.group_files = 1;
    auto writer = open_or_fail(dir / "anidb.db", each);
    auto reader = open_or_fail(dir / "anidb.db");
    ASSERT_TRUE(writer && reader);
    const auto id = fake_identity("/g/one.mkv", 1);
    ASSERT_TRUE(writer->store_hashes(id, well_formed_digests(1)).ok());
    EXPECT_TRUE(has(*reader, id));
}

// Queued stores are charged to the memory limit; refused, the store is
// written at once instead of being lost.
TEST(GroupCommit, RefusedMemoryChargeWritesAtOnce) {
    anidb::test::TempDir dir;
    OpenOptions slow;
    slow.group_window = std::chrono::hours(1);
    auto writer = open_or_fail(dir / "anidb.db", slow);
    auto reader = open_or_fail(dir / "anidb.db");
    ASSERT_TRUE(writer && reader);
    const auto queued = fake_identity("/g/queued.mkv", 1);
    const auto direct = fake_identity("/g/direct.mkv", 2);
    ASSERT_TRUE(writer->store_hashes(queued, well_formed_digests(1)).ok());
    memory::fault::arm(memory::fault::Point::budget_charge, 1, true);
    const Status stored = writer->store_hashes(direct, well_formed_digests(2));
    memory::fault::disarm();
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_TRUE(has(*reader, direct));
    EXPECT_TRUE(has(*reader, queued));  // written before it, in order
}

TEST(GroupCommit, DestructorCommitsEverythingQueued) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    {
        OpenOptions slow;
        slow.group_window = std::chrono::hours(1);
        slow.group_files = 50;
        auto db = open_or_fail(file, slow);
        ASSERT_NE(db, nullptr);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 300; ++i) {
                    const int n = t * 1000 + i;
                    EXPECT_TRUE(db->store_hashes(fake_identity("/g/" + std::to_string(n), n),
                                                 well_formed_digests(n))
                                    .ok());
                }
            });
        }
        for (auto& th : threads) th.join();
    }
    EXPECT_EQ(test::count_rows(file, "hash_files"), 1200);
}

TEST(GroupCommit, ClearDropsWhatIsQueued) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    {
        OpenOptions slow;
        slow.group_window = std::chrono::hours(1);
        auto db = open_or_fail(file, slow);
        ASSERT_NE(db, nullptr);
        for (int i = 0; i < 10; ++i) {
            ASSERT_TRUE(db->store_hashes(fake_identity("/g/" + std::to_string(i), i),
                                         well_formed_digests(i))
                            .ok());
        }
        ASSERT_TRUE(db->clear().ok());
        EXPECT_EQ(db->stats()->hash_entries, 0u);
    }
    EXPECT_EQ(test::count_rows(file, "hash_files"), 0);
}

TEST(GroupCommit, BadOptionsAreRefused) {
    anidb::test::TempDir dir;
    OpenOptions none;
    none.group_files = 0;
    EXPECT_EQ(CacheDb::open(dir / "anidb.db", none).code(), Errc::invalid_parameter);
}

}  // namespace
}  // namespace anidb::cache
