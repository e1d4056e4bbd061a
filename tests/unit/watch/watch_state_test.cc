#include "watch/watch_state.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cache/cache_db.h"
#include "support/temp_dir.h"

namespace anidb::watch {
namespace {

constexpr int64_t kNow = 1'700'000'000;

std::unique_ptr<WatchState> open_state(const std::filesystem::path& db_file) {
    auto db = cache::CacheDb::open(db_file);
    if (!db) {
        ADD_FAILURE() << db.error().message;
        return nullptr;
    }
    auto s = WatchState::open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
    if (!s) {
        ADD_FAILURE() << s.error().message;
        return nullptr;
    }
    return std::move(*s);
}

void raw_sql(const std::filesystem::path& db_file, const char* text) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, text, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

WatchedFile row(const std::string& path, FileStatus status, int64_t updated = kNow) {
    WatchedFile f;
    f.path = path;
    f.size = 1234;
    f.mtime_ns = 99;
    f.status = status;
    f.updated_at = updated;
    return f;
}

TEST(WatchState, RowsSurviveAReopen) {
    test::TempDir dir;
    const auto db = dir / "anidb.db";
    {
        auto s = open_state(db);
        ASSERT_TRUE(s);
        WatchedFile f = row("/w/a.mkv", FileStatus::pending);
        f.step = Step::renaming;
        f.ed2k = std::string(32, 'a');
        f.target = "/lib/A - 01.mkv";
        ASSERT_TRUE(s->put(f).ok());
    }
    auto s = open_state(db);  // a restart (the process was killed)
    ASSERT_TRUE(s);
    auto f = s->find("/w/a.mkv");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->has_value());
    EXPECT_EQ((*f)->step, Step::renaming);
    EXPECT_EQ((*f)->target, "/lib/A - 01.mkv");
    EXPECT_EQ((*f)->ed2k, std::string(32, 'a'));
    EXPECT_TRUE(same_file(**f, 1234, 99));
    EXPECT_FALSE(same_file(**f, 1235, 99));
    auto missing = s->find("/w/b.mkv");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
}

TEST(WatchState, DueTakesPendingAndWaitingWhoseTimeCame) {
    test::TempDir dir;
    auto s = open_state(dir / "anidb.db");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->put(row("/w/pending", FileStatus::pending, kNow + 2)).ok());
    WatchedFile soon = row("/w/waiting-due", FileStatus::waiting, kNow + 1);
    soon.next_try_at = kNow;
    ASSERT_TRUE(s->put(soon).ok());
    WatchedFile later = row("/w/waiting-later", FileStatus::waiting);
    later.next_try_at = kNow + 3600;
    ASSERT_TRUE(s->put(later).ok());
    ASSERT_TRUE(s->put(row("/w/done", FileStatus::done)).ok());
    ASSERT_TRUE(s->put(row("/w/failed", FileStatus::failed)).ok());
    ASSERT_TRUE(s->put(row("/w/seen", FileStatus::seen)).ok());
    auto due = s->due(kNow);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 2u);
    EXPECT_EQ((*due)[0].path, "/w/waiting-due");  // oldest update first
    EXPECT_EQ((*due)[1].path, "/w/pending");
    auto c = s->counts();
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->seen, 1u);
    EXPECT_EQ(c->pending, 1u);
    EXPECT_EQ(c->waiting, 2u);
    EXPECT_EQ(c->done, 1u);
    EXPECT_EQ(c->failed, 1u);
    EXPECT_EQ(c->next_try_at, kNow);
    EXPECT_EQ(s->next_due().value(), 0);  // a pending row: now
    ASSERT_TRUE(s->erase("/w/pending").ok());
    EXPECT_EQ(s->next_due().value(), kNow);
    EXPECT_EQ(s->due(kNow)->size(), 1u);
    auto seen = s->with_status(FileStatus::seen);
    ASSERT_TRUE(seen.ok());
    ASSERT_EQ(seen->size(), 1u);
}

TEST(WatchState, NothingDueWhenNothingWaits) {
    test::TempDir dir;
    auto s = open_state(dir / "anidb.db");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->put(row("/w/done", FileStatus::done)).ok());
    auto due = s->next_due();
    ASSERT_TRUE(due.ok());
    EXPECT_FALSE(due->has_value());
}

TEST(WatchState, RefusesRowsItCannotStore) {
    test::TempDir dir;
    auto s = open_state(dir / "anidb.db");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->put(row("", FileStatus::pending)).code(), Errc::invalid_parameter);
    WatchedFile bad = row("/w/x", FileStatus::pending);
    bad.ed2k = "not a digest";
    EXPECT_EQ(s->put(bad).code(), Errc::invalid_parameter);
    bad = row("/w/x", FileStatus::waiting);
    bad.next_try_at = -5;
    EXPECT_EQ(s->put(bad).code(), Errc::invalid_parameter);
}

TEST(WatchState, DamagedRowReadsAsAbsentAndIsReplaced) {
    test::TempDir dir;
    const auto db = dir / "anidb.db";
    auto s = open_state(db);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->put(row("/w/a", FileStatus::done)).ok());
    ASSERT_TRUE(s->put(row("/w/b", FileStatus::pending)).ok());
    raw_sql(db,
            "UPDATE watch_files SET status = 9 WHERE path = '/w/a';"
            "UPDATE watch_files SET step = 2, ed2k = '' WHERE path = '/w/b'");
    auto a = s->find("/w/a");
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->has_value());
    EXPECT_TRUE(s->due(kNow)->empty());
    EXPECT_EQ(s->counts()->unreadable, 2u);
    ASSERT_TRUE(s->put(row("/w/a", FileStatus::done)).ok());
    EXPECT_TRUE(s->find("/w/a")->has_value());
}

TEST(WatchState, NewerSchemaIsRefused) {
    test::TempDir dir;
    const auto db = dir / "anidb.db";
    ASSERT_TRUE(open_state(db));
    raw_sql(db, "UPDATE watch_meta SET value = 99 WHERE key = 'schema_version'");
    auto cache = cache::CacheDb::open(db);
    ASSERT_TRUE(cache.ok());
    auto s = WatchState::open(std::shared_ptr<cache::CacheDb>(std::move(*cache)));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), Errc::cache);
    EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

}  // namespace
}  // namespace anidb::watch
