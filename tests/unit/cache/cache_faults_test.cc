// Faults: corrupt, foreign, newer, unwritable and full databases. The cache
// must report Errc::cache with a clear message, never crash, and never
// delete or overwrite a file it did not write.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "cache/cache_db.h"
#include "cache_test_util.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::fake_identity;
using test::open_or_fail;

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void run_sql(const std::filesystem::path& file, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(CacheFaults, GarbageFileIsCorruptAndLeftAlone) {
    anidb::test::TempDir dir;
    const auto bytes = anidb::test::random_bytes(8192, 7);
    const auto file = dir.write_bytes("anidb.db", std::string(bytes.begin(), bytes.end()));
    auto db = CacheDb::open(file);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.code(), Errc::cache);
    EXPECT_EQ(db.error().message, "cache database is corrupt: " + file.string());
    EXPECT_EQ(read_all(file), std::string(bytes.begin(), bytes.end()));
}

TEST(CacheFaults, GarbageAfterValidMagicIsCorrupt) {
    anidb::test::TempDir dir;
    const auto bytes = anidb::test::random_bytes(8192, 8);
    const std::string content =
        std::string("SQLite format 3\0", 16) + std::string(bytes.begin(), bytes.end());
    const auto file = dir.write_bytes("anidb.db", content);
    auto db = CacheDb::open(file);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.code(), Errc::cache);
    EXPECT_TRUE(contains(db.error().message, "corrupt")) << db.error().message;
    EXPECT_EQ(read_all(file), content);
}

TEST(CacheFaults, TinyGarbageFileIsCorrupt) {
    anidb::test::TempDir dir;
    const auto file = dir.write_bytes("anidb.db", "not sqlite");
    auto db = CacheDb::open(file);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().message, "cache database is corrupt: " + file.string());
}

TEST(CacheFaults, DamagedPagesGiveErrorsNotCrashes) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    {
        auto db = open_or_fail(file);
        ASSERT_NE(db, nullptr);
        for (int i = 0; i < 200; ++i) {
            ASSERT_TRUE(db->store_hashes(fake_identity("/f/" + std::to_string(i), i),
                                         test::well_formed_digests(i))
                            .ok());
        }
    }  // last connection closed: WAL checkpointed into the main file
    std::string content = read_all(file);
    ASSERT_GT(content.size(), 8192U);
    const auto garbage = anidb::test::random_bytes(content.size() - 4096, 9);
    content.replace(4096, garbage.size(), std::string(garbage.begin(), garbage.end()));
    dir.write_bytes("anidb.db", content);

    auto db = CacheDb::open(file);
    if (!db.ok()) {
        EXPECT_EQ(db.code(), Errc::cache);
        EXPECT_TRUE(contains(db.error().message, "corrupt")) << db.error().message;
        return;
    }
    auto hit = (*db)->find_hashes(fake_identity("/f/1", 1));
    ASSERT_FALSE(hit.ok());
    EXPECT_EQ(hit.code(), Errc::cache);
    EXPECT_TRUE(contains(hit.error().message, "corrupt")) << hit.error().message;
    EXPECT_EQ((*db)->stats().code(), Errc::cache);
}

TEST(CacheFaults, ForeignSqliteDatabaseIsRefused) {
    anidb::test::TempDir dir;
    const auto file = dir / "other.db";
    run_sql(file, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)");
    auto db = CacheDb::open(file);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.code(), Errc::cache);
    EXPECT_TRUE(contains(db.error().message, "not an anidb cache")) << db.error().message;
}

TEST(CacheFaults, NewerSchemaIsRefused) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    ASSERT_NE(open_or_fail(file), nullptr);
    run_sql(file, "PRAGMA user_version=99");
    auto db = CacheDb::open(file);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.code(), Errc::cache);
    EXPECT_TRUE(contains(db.error().message, "newer")) << db.error().message;
}

TEST(CacheFaults, ParentIsARegularFile) {
    anidb::test::TempDir dir;
    dir.write_bytes("blocker", "I am a file");
    auto db = CacheDb::open(dir / "blocker" / "sub" / "anidb.db");
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.code(), Errc::cache);
    EXPECT_TRUE(contains(db.error().message, "cannot create cache directory"))
        << db.error().message;
    EXPECT_EQ(read_all(dir / "blocker"), "I am a file");
}

TEST(CacheFaults, DatabasePathIsADirectory) {
    anidb::test::TempDir dir;
    std::filesystem::create_directory(dir / "anidb.db");
    auto db = CacheDb::open(dir / "anidb.db");
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.code(), Errc::cache);
}

TEST(CacheFaults, EmptyPathIsInvalid) {
    EXPECT_EQ(CacheDb::open("").code(), Errc::invalid_parameter);
}

TEST(CacheFaults, CreatesParentDirectoriesPrivately) {
    anidb::test::TempDir dir;
    const auto file = dir / "a" / "b" / "anidb.db";
    ASSERT_NE(open_or_fail(file), nullptr);
    for (const auto& d : {dir / "a", dir / "a" / "b"}) {
        const auto perms = std::filesystem::status(d).permissions();
        EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all) << d;
    }
}

TEST(CacheFaults, ReadOnlyDirectory) {
    if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
    anidb::test::TempDir dir;
    const auto ro = dir / "ro";
    std::filesystem::create_directory(ro);
    std::filesystem::permissions(
        ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    auto db = CacheDb::open(ro / "anidb.db");
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.code(), Errc::cache);
    EXPECT_TRUE(contains(db.error().message, "permission denied")) << db.error().message;
    auto nested = CacheDb::open(ro / "sub" / "anidb.db");
    ASSERT_FALSE(nested.ok());
    EXPECT_TRUE(contains(nested.error().message, "permission denied")) << nested.error().message;

    // An existing database in a directory that became read-only: WAL needs
    // to create files next to it, so it is refused up front.
    const auto was_writable = dir / "was_writable";
    ASSERT_NE(open_or_fail(was_writable / "anidb.db"), nullptr);
    std::filesystem::permissions(
        was_writable, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    auto existing = CacheDb::open(was_writable / "anidb.db");
    ASSERT_FALSE(existing.ok());
    EXPECT_EQ(existing.code(), Errc::cache);
    EXPECT_TRUE(contains(existing.error().message, "permission denied"))
        << existing.error().message;
}

TEST(CacheFaults, UnreadableAndReadOnlyFiles) {
    if (geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    ASSERT_NE(open_or_fail(file), nullptr);
    std::filesystem::permissions(file, std::filesystem::perms::none);
    auto unreadable = CacheDb::open(file);
    ASSERT_FALSE(unreadable.ok());
    EXPECT_EQ(unreadable.code(), Errc::cache);
    EXPECT_TRUE(contains(unreadable.error().message, "permission denied"))
        << unreadable.error().message;
    std::filesystem::permissions(file, std::filesystem::perms::owner_read);
    auto read_only = CacheDb::open(file);
    ASSERT_FALSE(read_only.ok());
    EXPECT_EQ(read_only.code(), Errc::cache);
    EXPECT_TRUE(contains(read_only.error().message, "not writable")) << read_only.error().message;
}

// A store that does not fit: with grouped stores the failure comes from the
// group's commit, so it reaches the ProblemListener (with the paths of the
// files not stored) and flush(); every group committed before stays intact
// and a failed group leaves nothing behind.
TEST(CacheFaults, FullDatabaseFailsCleanlyAndKeepsEarlierData) {
    anidb::test::TempDir dir;
    OpenOptions options;
    options.max_page_count = 40;  // 160 KiB at the default 4 KiB page
    options.group_files = 100'000;  // only flush() below commits: groups of 20
    options.group_window = std::chrono::hours(1);
    std::vector<Problem> problems;
    std::mutex problems_mutex;
    options.on_problem = [&](const Problem& p) {
        std::lock_guard lock(problems_mutex);
        problems.push_back(p);
    };
    auto db = open_or_fail(dir / "anidb.db", options);
    ASSERT_NE(db, nullptr);
    const std::string long_name(1000, 'n');
    const auto path_of = [&](int i) { return "/full/" + long_name + std::to_string(i); };
    Status failure;
    for (int i = 0; i < 2000; ++i) {
        ASSERT_TRUE(
            db->store_hashes(fake_identity(path_of(i), i), test::well_formed_digests(i)).ok());
        if (i % 20 == 19 && !(failure = db->flush()).ok()) break;
    }
    ASSERT_FALSE(failure.ok()) << "the page cap never bit";
    EXPECT_EQ(failure.code(), Errc::cache);
    EXPECT_TRUE(contains(failure.error().message, "full")) << failure.error().message;
    {
        std::lock_guard lock(problems_mutex);
        ASSERT_EQ(problems.size(), 1u);
        EXPECT_EQ(problems[0].kind, Problem::Kind::not_stored);
        EXPECT_EQ(problems[0].error.message, failure.error().message);
        EXPECT_EQ(problems[0].paths.size(), 20u);
    }
    const std::string first_lost = problems[0].paths.front();

    // Everything stored before is intact; the failed group left nothing behind.
    auto s = db->stats();
    ASSERT_TRUE(s.ok());
    ASSERT_GT(s->hash_entries, 0u);
    EXPECT_EQ(s->hash_entries % 20, 0u);
    for (uint64_t i = 0; i < s->hash_entries; ++i) {
        auto hit = db->find_hashes(fake_identity(path_of(static_cast<int>(i)), i));
        ASSERT_TRUE(hit.ok()) << hit.error().message;
        ASSERT_TRUE(hit->has_value()) << i;
        EXPECT_EQ((*hit)->digests, test::well_formed_digests(i));
    }
    EXPECT_EQ(first_lost, path_of(static_cast<int>(s->hash_entries)));
    auto failed = db->find_hashes(fake_identity(first_lost, s->hash_entries));
    ASSERT_TRUE(failed.ok());
    EXPECT_FALSE(failed->has_value());
    // Freeing space makes room again.
    ASSERT_TRUE(db->clear().ok());
    EXPECT_TRUE(db->store_hashes(fake_identity("/after", 1), test::well_formed_digests(1)).ok());
    EXPECT_TRUE(db->flush().ok());
}

}  // namespace
}  // namespace anidb::cache
