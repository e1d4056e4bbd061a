// MylistStore on a real SQLite file: every answer recorded and read back,
// lids that move, damaged rows read as unknown, and the schema guard.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cache/cache_db.h"
#include "mylist/mylist_store.h"
#include "support/temp_dir.h"

namespace anidb::mylist {
namespace {

constexpr int64_t kNow = 1'700'000'000;

udp::MylistEntry entry(int64_t lid, int64_t fid, int64_t viewdate = 0) {
    udp::MylistEntry e;
    e.lid = lid;
    e.fid = fid;
    e.eid = 55501;
    e.aid = 3131;
    e.gid = 777;
    e.date_added = kNow - 100;
    e.state = 1;
    e.viewdate = viewdate;
    e.storage = "shelf";
    e.other = "two\nlines";
    return e;
}

class Store : public ::testing::Test {
  protected:
    void SetUp() override { reopen(); }
    void reopen() {
        store_.reset();
        auto db = cache::CacheDb::open(dir_ / "anidb.db");
        ASSERT_TRUE(db.ok()) << db.error().message;
        auto s = MylistStore::open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(*s);
    }
    void sql(const std::string& text) {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((dir_ / "anidb.db").c_str(), &db), SQLITE_OK);
        char* err = nullptr;
        EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err), SQLITE_OK)
            << (err ? err : "");
        sqlite3_free(err);
        sqlite3_close(db);
    }
    std::optional<LocalState> find(int64_t fid) {
        auto r = store_->find(fid);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? *r : std::nullopt;
    }

    test::TempDir dir_;
    std::unique_ptr<MylistStore> store_;
};

TEST_F(Store, EveryAnswerIsRecordedAndReadBack) {
    EXPECT_FALSE(find(424242));
    ASSERT_TRUE(store_->record_absent(424242, kNow).ok());
    auto absent = find(424242);
    ASSERT_TRUE(absent);
    ASSERT_TRUE(std::holds_alternative<KnownAbsent>(*absent));
    EXPECT_EQ(std::get<KnownAbsent>(*absent).confirmed_at, kNow);

    udp::MylistValues sent;
    sent.state = udp::MylistState::internal;
    sent.viewed = true;  // no date: AniDB took "now"
    ASSERT_TRUE(store_->record_added({424242, 55501, 3131, 777}, 5000001, sent, kNow + 1).ok());
    auto added = find(424242);
    ASSERT_TRUE(added);
    const auto& e = std::get<KnownEntry>(*added).entry;
    EXPECT_EQ(e.lid, 5000001);
    EXPECT_EQ(e.aid, 3131);
    EXPECT_EQ(e.state, 1);
    EXPECT_EQ(e.viewdate, kNow + 1);

    udp::MylistValues unwatch;
    unwatch.viewed = false;
    unwatch.other = "a note";
    ASSERT_TRUE(store_->record_edited(udp::MylistId{5000001}, unwatch, kNow + 2).ok());
    auto edited = store_->find_by_lid(5000001);
    ASSERT_TRUE(edited.ok() && edited->has_value());
    EXPECT_EQ((*edited)->entry.viewdate, 0);
    EXPECT_EQ((*edited)->entry.other, "a note");
    EXPECT_EQ((*edited)->entry.state, 1);  // not sent: unchanged
    EXPECT_EQ((*edited)->confirmed_at, kNow + 2);

    // An edit of an entry not known here stays unknown.
    ASSERT_TRUE(store_->record_edited(udp::FileId{999}, unwatch, kNow).ok());
    EXPECT_FALSE(find(999));

    ASSERT_TRUE(store_->record_removed_lid(5000001, kNow + 3).ok());
    auto removed = find(424242);
    ASSERT_TRUE(removed && std::holds_alternative<KnownAbsent>(*removed));
    EXPECT_FALSE(store_->find_by_lid(5000001)->has_value());

    // Kept across processes (a new CacheDb on the same file).
    ASSERT_TRUE(store_->record_entry(entry(5000002, 424243, kNow - 5), kNow + 4).ok());
    reopen();
    auto again = find(424243);
    ASSERT_TRUE(again);
    EXPECT_EQ(std::get<KnownEntry>(*again).entry.other, "two\nlines");
    auto all = store_->all();
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 2u);
    ASSERT_TRUE(store_->forget(424243).ok());
    EXPECT_FALSE(find(424243));
}

TEST_F(Store, ALidNamesOneEntry) {
    ASSERT_TRUE(store_->record_entry(entry(5000001, 424242), kNow).ok());
    // AniDB now says that lid is another file's (the old entry was removed
    // and the number reused): the stale row goes.
    ASSERT_TRUE(store_->record_entry(entry(5000001, 424243), kNow + 1).ok());
    EXPECT_FALSE(find(424242));
    auto by_lid = store_->find_by_lid(5000001);
    ASSERT_TRUE(by_lid.ok() && by_lid->has_value());
    EXPECT_EQ((*by_lid)->entry.fid, 424243);
}

TEST_F(Store, DamagedRowsReadAsUnknown) {
    ASSERT_TRUE(store_->record_entry(entry(5000001, 424242), kNow).ok());
    ASSERT_TRUE(store_->record_entry(entry(5000002, 424243), kNow).ok());
    ASSERT_TRUE(store_->record_entry(entry(5000003, 424244), kNow).ok());
    sql("UPDATE mylist_local SET viewdate = 1 WHERE fid = 424242");  // checksum no longer matches
    sql("UPDATE mylist_local SET storage = x'ff00' WHERE fid = 424243");  // not UTF-8
    sql("UPDATE mylist_local SET state = 9 WHERE fid = 424244");          // out of range
    EXPECT_FALSE(find(424242));
    EXPECT_FALSE(find(424243));
    EXPECT_FALSE(find(424244));
    EXPECT_FALSE(store_->find_by_lid(5000001)->has_value());
    EXPECT_TRUE(store_->all()->empty());
    // A fresh answer replaces the damaged row.
    ASSERT_TRUE(store_->record_entry(entry(5000001, 424242), kNow).ok());
    EXPECT_TRUE(find(424242));
}

TEST_F(Store, RefusesBadIdsAndANewerSchema) {
    EXPECT_EQ(store_->find(0).code(), Errc::invalid_parameter);
    EXPECT_EQ(store_->record_absent(-1, kNow).code(), Errc::invalid_parameter);
    EXPECT_EQ(store_->record_entry(entry(0, 5), kNow).code(), Errc::invalid_parameter);
    EXPECT_EQ(store_->record_absent(5, -1).code(), Errc::invalid_parameter);
    udp::MylistValues bad;
    bad.source = "a\nb";
    EXPECT_EQ(store_->record_added({5, 0, 0, 0}, 6, bad, kNow).code(), Errc::invalid_parameter);
    store_.reset();
    sql("UPDATE mylist_local_meta SET value = 99 WHERE key = 'schema_version'");
    auto db = cache::CacheDb::open(dir_ / "anidb.db");
    ASSERT_TRUE(db.ok());
    auto s = MylistStore::open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
    EXPECT_EQ(s.code(), Errc::cache);
    EXPECT_EQ(MylistStore::open(nullptr).code(), Errc::invalid_parameter);
}

}  // namespace
}  // namespace anidb::mylist
