// AniDB answers, MyList state and client state: round trips through a real
// SQLite file, including bytes that would break a naive text format.
#include <gtest/gtest.h>

#include "cache/cache_db.h"
#include "cache_test_util.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::open_or_fail;

const std::map<std::string, std::string> kOddFields = {
    {"romaji", "Shingeki no Kyojin"},     {"kanji", "進撃の巨人"}, {"pipes", "a|b||c|"},
    {"lines", "one\ntwo\r\nthree<br />"}, {"equals", "k=v=w"},     {"apostrophes", "1,100'2,50"},
    {"nul", std::string("a\0b", 3)},      {"", "empty key"},
};

class AnidbCache : public ::testing::Test {
  protected:
    void SetUp() override {
        db_ = open_or_fail(dir_ / "anidb.db");
        ASSERT_NE(db_, nullptr);
    }
    anidb::test::TempDir dir_;
    std::unique_ptr<CacheDb> db_;
};

TEST_F(AnidbCache, FileAnswerRoundTrip) {
    CacheDb::FileAnswer a;
    a.size = 734003200ULL * 10;  // > 4 GiB
    a.ed2k = "0123456789ABCDEF0123456789ABCDEF";
    a.fid = 123456;
    a.aid = 1;
    a.eid = 2;
    a.gid = UINT64_MAX;  // full unsigned range survives SQLite's signed INTEGER
    a.fields = kOddFields;
    a.fetched_at = 1'700'000'000;
    ASSERT_TRUE(db_->store_file_answer(a).ok());

    // Matched case-insensitively, stored lower case.
    auto found = db_->find_file_answer(a.size, "0123456789abcdef0123456789ABCDEF");
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_TRUE(found->has_value());
    const auto& f = **found;
    EXPECT_EQ(f.size, a.size);
    EXPECT_EQ(f.ed2k, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(f.fid, a.fid);
    EXPECT_EQ(f.aid, a.aid);
    EXPECT_EQ(f.eid, a.eid);
    EXPECT_EQ(f.gid, a.gid);
    EXPECT_EQ(f.fields, kOddFields);
    EXPECT_EQ(f.fetched_at, a.fetched_at);

    auto other_size = db_->find_file_answer(a.size + 1, a.ed2k);
    ASSERT_TRUE(other_size.ok());
    EXPECT_FALSE(other_size->has_value());
    EXPECT_EQ(db_->find_file_answer(1, "").code(), Errc::invalid_parameter);
}

TEST_F(AnidbCache, UnknownFileAndAnswerReplaceEachOther) {
    const std::string ed2k = "ffffffffffffffffffffffffffffffff";
    auto none = db_->find_unknown_file(10, ed2k);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());

    ASSERT_TRUE(db_->store_unknown_file(10, ed2k, 1'800'000'000).ok());
    auto retry = db_->find_unknown_file(10, ed2k);
    ASSERT_TRUE(retry.ok());
    ASSERT_TRUE(retry->has_value());
    EXPECT_EQ(**retry, 1'800'000'000);
    ASSERT_TRUE(db_->store_unknown_file(10, ed2k, 1'900'000'000).ok());  // a later back-off
    EXPECT_EQ(**db_->find_unknown_file(10, ed2k), 1'900'000'000);

    // AniDB learns the file: the answer replaces the "unknown" entry ...
    CacheDb::FileAnswer a{10, ed2k, 5, 6, 7, 8, {{"k", "v"}}, 1'850'000'000};
    ASSERT_TRUE(db_->store_file_answer(a).ok());
    EXPECT_FALSE(db_->find_unknown_file(10, ed2k)->has_value());
    EXPECT_TRUE(db_->find_file_answer(10, ed2k)->has_value());
    // ... and a later 320 replaces the answer.
    ASSERT_TRUE(db_->store_unknown_file(10, ed2k, 2'000'000'000).ok());
    EXPECT_FALSE(db_->find_file_answer(10, ed2k)->has_value());
}

TEST_F(AnidbCache, RecordsAreKeptPerKind) {
    const CacheDb::Record anime{42, kOddFields, 111};
    const CacheDb::Record episode{
        42, {{"epno", "01"}, {"english", "To You, 2000 Years Later"}}, 222};
    ASSERT_TRUE(db_->store_record(CacheDb::RecordKind::anime, anime).ok());
    ASSERT_TRUE(db_->store_record(CacheDb::RecordKind::episode, episode).ok());

    auto a = db_->find_record(CacheDb::RecordKind::anime, 42);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(a->has_value());
    EXPECT_EQ((*a)->id, 42U);
    EXPECT_EQ((*a)->fields, kOddFields);
    EXPECT_EQ((*a)->fetched_at, 111);
    auto e = db_->find_record(CacheDb::RecordKind::episode, 42);
    ASSERT_TRUE(e.ok() && e->has_value());
    EXPECT_EQ((*e)->fields, episode.fields);
    auto g = db_->find_record(CacheDb::RecordKind::group, 42);
    ASSERT_TRUE(g.ok());
    EXPECT_FALSE(g->has_value());

    // Storing again replaces (a refreshed answer).
    ASSERT_TRUE(db_->store_record(CacheDb::RecordKind::anime, {42, {{"new", "1"}}, 333}).ok());
    a = db_->find_record(CacheDb::RecordKind::anime, 42);
    ASSERT_TRUE(a.ok() && a->has_value());
    EXPECT_EQ((*a)->fields, (std::map<std::string, std::string>{{"new", "1"}}));
    EXPECT_EQ((*a)->fetched_at, 333);
}

TEST_F(AnidbCache, StatePutGetErase) {
    auto missing = db_->get_state("session.key");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());

    const std::string odd("k=v|x\n\xe3\x81\x82\0end", 14);
    ASSERT_TRUE(db_->put_state("session.key", odd).ok());
    ASSERT_TRUE(db_->put_state("session.port", "12345").ok());
    auto got = db_->get_state("session.key");
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ(**got, odd);

    ASSERT_TRUE(db_->put_state("session.key", "replaced").ok());
    EXPECT_EQ(**db_->get_state("session.key"), "replaced");
    ASSERT_TRUE(db_->erase_state("session.key").ok());
    EXPECT_FALSE(db_->get_state("session.key")->has_value());
    EXPECT_TRUE(db_->erase_state("never.set").ok());
    EXPECT_EQ(**db_->get_state("session.port"), "12345");
    EXPECT_EQ(db_->put_state("", "x").code(), Errc::invalid_parameter);
}

// An empty std::string_view has no data pointer; SQLite binds a null
// pointer as NULL, not as '' (issue 16): an empty value must stay a value.
TEST_F(AnidbCache, EmptyStringViewIsStoredAsEmptyTextNotNull) {
    ASSERT_TRUE(db_->put_state("empty.view", std::string_view{}).ok());
    auto got = db_->get_state("empty.view");
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, "");
    ASSERT_TRUE(db_->put_state("empty.string", std::string()).ok());
    got = db_->get_state("empty.string");
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ(**got, "");
}

TEST_F(AnidbCache, AnswersSurviveReopenAndCountInStats) {
    ASSERT_TRUE(db_->store_file_answer({1, "aa", 1, 2, 3, 4, kOddFields, 5}).ok());
    ASSERT_TRUE(db_->store_unknown_file(2, "bb", 6).ok());
    ASSERT_TRUE(db_->store_record(CacheDb::RecordKind::group, {3, {}, 7}).ok());
    db_.reset();
    db_ = open_or_fail(dir_ / "anidb.db");
    ASSERT_NE(db_, nullptr);
    auto s = db_->stats();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->anidb_entries, 3U);
    EXPECT_EQ(s->hash_entries, 0U);
    EXPECT_EQ((*db_->find_file_answer(1, "AA"))->fields, kOddFields);
}

}  // namespace
}  // namespace anidb::cache
