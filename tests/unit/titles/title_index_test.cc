// TitleIndex against a real SQLite file: import, ranked search, language
// filter, atomic replacement, damage detection, and living beside the cache.
#include <gtest/gtest.h>

#include <set>

#include "cache/cache_db.h"
#include "support/temp_dir.h"
#include "titles/title_store.h"
#include "titles_test_util.h"

namespace anidb::titles {
namespace {

using namespace test;

class TitleIndexTest : public ::testing::Test {
  protected:
    void SetUp() override {
        index_ = open_index(file_);
        ASSERT_NE(index_, nullptr);
        const std::string gz = gzip(sample_dump());
        auto counts = index_->import_dump(bytes_of(gz), kNow);
        ASSERT_TRUE(counts.ok()) << counts.error().message;
    }
    SearchResult search(std::string_view text, std::string_view lang = {}, size_t limit = 20) {
        auto r = index_->search(text, lang, limit);
        EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
        return r.ok() ? *r : SearchResult{};
    }
    anidb::test::TempDir dir_;
    std::filesystem::path file_ = dir_ / "anidb.db";
    std::unique_ptr<TitleIndex> index_;
};

TEST_F(TitleIndexTest, ImportCountsTitlesAndAnime) {
    auto status = index_->status(kNow);
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->stored.titles, 21u + 200u);
    EXPECT_EQ(status->stored.anime, 8u + 200u);
    EXPECT_EQ(status->stored.rejected_lines, 0u);
    EXPECT_EQ(status->imported_at, kNow);
    EXPECT_EQ(status->confirmed_at, kNow);
    EXPECT_EQ(status->last_request_at, 0);  // a local import sends nothing
    EXPECT_EQ(status->source_url, "");
    EXPECT_TRUE(index_->verify().ok());
}

TEST_F(TitleIndexTest, ExactBeatsPrefixAndMainTitleIsReported) {
    const auto r = search("cowboy bebop");
    ASSERT_GE(r.matches.size(), 2u);
    EXPECT_EQ(r.matches[0].aid, 23u);
    EXPECT_EQ(r.matches[0].kind, MatchKind::exact);
    EXPECT_EQ(r.matches[0].title, "Cowboy Bebop");
    EXPECT_EQ(r.matches[0].type, TitleType::primary);
    EXPECT_EQ(r.matches[1].aid, 4563u);
    EXPECT_EQ(r.matches[1].kind, MatchKind::prefix);
    EXPECT_EQ(r.matches[1].main_title, "Cowboy Bebop: Tengoku no Tobira");
    EXPECT_GT(r.matches[0].score, r.matches[1].score);
    EXPECT_EQ(r.corrupt_rows, 0u);
}

TEST_F(TitleIndexTest, CaseAndAccentsDoNotMatter) {
    for (const char* q : {"pokemon", "POKÉMON", "Pokémon", "pokémon!"}) {
        const auto r = search(q);
        ASSERT_FALSE(r.matches.empty()) << q;
        EXPECT_EQ(r.matches[0].aid, 230u) << q;
        EXPECT_EQ(r.matches[0].title, "Pokémon");
        EXPECT_EQ(r.matches[0].main_title, "Pocket Monsters");
        EXPECT_EQ(r.matches[0].type, TitleType::official);
        EXPECT_EQ(r.matches[0].lang, "en");
    }
    EXPECT_EQ(aids_of(search("kyokai no kanata")), std::vector<uint64_t>{9656});
    EXPECT_EQ(aids_of(search("steins gate")), std::vector<uint64_t>{7729});
    EXPECT_EQ(aids_of(search("Steins;Gate")), std::vector<uint64_t>{7729});
}

TEST_F(TitleIndexTest, EveryTitleTypeAndLanguageIsSearched) {
    EXPECT_EQ(search("snk").matches.at(0).type, TitleType::short_);
    EXPECT_EQ(search("snk").matches.at(0).aid, 9541u);
    EXPECT_EQ(search("crest of stars").matches.at(0).type, TitleType::synonym);
    EXPECT_EQ(search("attack on titan").matches.at(0).aid, 9541u);
    const auto ja = search("進撃の巨人");
    ASSERT_FALSE(ja.matches.empty());
    EXPECT_EQ(ja.matches[0].aid, 9541u);
    EXPECT_EQ(ja.matches[0].kind, MatchKind::exact);
    EXPECT_EQ(ja.matches[0].main_title, "Shingeki no Kyojin");
}

TEST_F(TitleIndexTest, CjkPartsAndPrefixes) {
    EXPECT_EQ(search("巨人").matches.at(0).aid, 9541u);
    EXPECT_EQ(search("巨人").matches.at(0).kind, MatchKind::phrase);
    EXPECT_EQ(search("進撃").matches.at(0).kind, MatchKind::prefix);
    EXPECT_EQ(search("ビバップ").matches.at(0).aid, 23u);
    EXPECT_EQ(search("紋章").matches.at(0).aid, 1u);
}

TEST_F(TitleIndexTest, WordsPrefixesAndSubstrings) {
    const auto words = search("bebop movie");
    ASSERT_FALSE(words.matches.empty());
    EXPECT_EQ(words.matches[0].aid, 4563u);
    EXPECT_EQ(words.matches[0].kind, MatchKind::words);
    EXPECT_EQ(search("tita").matches.at(0).kind, MatchKind::phrase);
    EXPECT_EQ(search("kyo shin").matches.at(0).kind, MatchKind::word_prefixes);
    const auto inside = search("itan");
    ASSERT_FALSE(inside.matches.empty());
    EXPECT_EQ(inside.matches[0].aid, 9541u);
    EXPECT_EQ(inside.matches[0].kind, MatchKind::substring);
    EXPECT_TRUE(search("zzzz qqqq").matches.empty());
}

TEST_F(TitleIndexTest, OneMatchPerAnimeRankedAndLimited) {
    const auto r = search("filler series", {}, 1000);
    EXPECT_EQ(r.matches.size(), 200u);
    const auto all = aids_of(r);
    const std::set<uint64_t> aids(all.begin(), all.end());
    EXPECT_EQ(aids.size(), r.matches.size());
    for (size_t i = 1; i < r.matches.size(); ++i) {
        EXPECT_GE(r.matches[i - 1].score, r.matches[i].score);
    }
    EXPECT_EQ(search("filler series", {}, 5).matches.size(), 5u);
    // Shorter (closer) titles first: "Filler Series 0" .. "9" before "10".
    EXPECT_EQ(search("filler series", {}, 1).matches.at(0).title.size(),
              std::string("Filler Series 0").size());
}

TEST_F(TitleIndexTest, LanguageFilter) {
    const auto de = search("cowboy bebop", "de");
    ASSERT_EQ(de.matches.size(), 1u);
    EXPECT_EQ(de.matches[0].aid, 4563u);
    EXPECT_EQ(de.matches[0].title, "Cowboy Bebop: Der Film");
    EXPECT_EQ(de.matches[0].lang, "de");
    EXPECT_EQ(de.matches[0].main_title, "Cowboy Bebop: Tengoku no Tobira");
    EXPECT_EQ(search("cowboy bebop", "DE").matches.size(), 1u);  // ASCII case ignored
    EXPECT_TRUE(search("cowboy bebop", "ko").matches.empty());
    EXPECT_EQ(search("serie", "fr").matches.at(0).aid, 5391u);  // "série", accent-free query
}

TEST_F(TitleIndexTest, BadArgumentsAreRefused) {
    EXPECT_EQ(index_->search("").code(), Errc::invalid_parameter);
    EXPECT_EQ(index_->search("!!! ???").code(), Errc::invalid_parameter);
    EXPECT_EQ(index_->search("bad \xff utf8").code(), Errc::invalid_utf8);
    EXPECT_EQ(index_->search(std::string(kMaxQueryBytes + 1, 'a')).code(), Errc::invalid_parameter);
    EXPECT_EQ(index_->search("cowboy", "e n").code(), Errc::invalid_parameter);
    EXPECT_EQ(index_->search("cowboy", "en'; DROP TABLE anime_titles; --").code(),
              Errc::invalid_parameter);
    EXPECT_EQ(index_->search("cowboy", {}, 0).code(), Errc::invalid_parameter);
    EXPECT_EQ(index_->search("cowboy", {}, kMaxSearchLimit + 1).code(), Errc::invalid_parameter);
    // Query text is data, never FTS5 syntax or SQL.
    for (const char* q : {"\"cowboy", "cowboy*", "NEAR(cowboy bebop)", "cowboy OR bebop",
                          "a AND NOT b", "'; DROP TABLE anime_titles; --", "%_\\", "^cowboy"}) {
        auto r = index_->search(q);
        EXPECT_TRUE(r.ok() || r.code() == Errc::invalid_parameter) << q;
    }
    EXPECT_EQ(search("cowboy OR bebop").matches.size(), 0u);  // "or" is just a word here
    EXPECT_EQ(index_->import_dump(bytes_of(gzip(sample_dump())), 0).code(),
              Errc::invalid_parameter);
}

TEST_F(TitleIndexTest, FailedImportKeepsStoredTitles) {
    const std::string good_before = search("cowboy bebop").matches.at(0).title;
    // Damaged, truncated, not gzip, over the limits.
    const std::string gz = gzip("77|1|x-jat|Replacement\n" + filler_lines(300, 200000));
    EXPECT_EQ(index_->import_dump(bytes_of(gz.substr(0, gz.size() / 2)), kNow + 1).code(),
              Errc::protocol);
    EXPECT_EQ(index_->import_dump(bytes_of(std::string("<html>Banned</html>")), kNow + 1).code(),
              Errc::protocol);
    EXPECT_EQ(index_->import_dump(bytes_of(gz), kNow + 1, {}, DumpLimits{1024, 1'000'000}).code(),
              Errc::protocol);
    EXPECT_EQ(index_->import_dump(bytes_of(gz), kNow + 1, {}, DumpLimits{1u << 20, 10}).code(),
              Errc::protocol);
    // A stop request before the replacement commits.
    std::stop_source stop;
    stop.request_stop();
    EXPECT_EQ(index_->import_dump(bytes_of(gz), kNow + 1, stop.get_token()).code(),
              Errc::cancelled);

    EXPECT_EQ(search("cowboy bebop").matches.at(0).title, good_before);
    EXPECT_TRUE(search("replacement").matches.empty());
    EXPECT_EQ(index_->status(kNow)->imported_at, kNow);
    EXPECT_TRUE(index_->verify().ok());

    // And a good one replaces everything.
    ASSERT_TRUE(index_->import_dump(bytes_of(gz), kNow + 2).ok());
    EXPECT_TRUE(search("cowboy bebop").matches.empty());
    EXPECT_EQ(search("replacement").matches.at(0).aid, 77u);
    EXPECT_EQ(index_->status(kNow)->stored.titles, 301u);
}

TEST_F(TitleIndexTest, DiskFullDuringReplaceKeepsStoredTitles) {
    // A database capped a little above its size: the bigger dump's rows fill
    // it halfway through the replacement transaction (SQLITE_FULL).
    cache::OpenOptions capped;
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file_.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA page_count", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    capped.max_page_count = static_cast<uint32_t>(sqlite3_column_int64(stmt, 0) + 20);
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    auto db = cache::CacheDb::open(file_, capped);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto index = TitleIndex::open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
    ASSERT_TRUE(index.ok());
    const std::string big = gzip(filler_lines(20000, 300000));
    auto full = (*index)->import_dump(bytes_of(big), kNow + 1);
    EXPECT_EQ(full.code(), Errc::cache) << (full.ok() ? "stored" : full.error().message);
    EXPECT_EQ((*index)->search("cowboy bebop")->matches.at(0).aid, 23u);
    EXPECT_EQ((*index)->status(kNow)->stored.titles, 221u);
    EXPECT_TRUE((*index)->verify().ok());
}

TEST_F(TitleIndexTest, StopDuringReplaceRollsBack) {
    // Straight to the store: a stop request seen after the old rows were
    // deleted inside the transaction.
    auto db = cache::CacheDb::open(file_);
    ASSERT_TRUE(db.ok());
    std::vector<IndexedTitle> rows(5000);
    for (size_t i = 0; i < rows.size(); ++i) {
        rows[i].record = TitleRecord{i + 1, TitleType::primary, "en", "T" + std::to_string(i)};
        rows[i].folded = "t" + std::to_string(i);
    }
    std::stop_source stop;
    stop.request_stop();
    const Status s = (*db)->with_connection([&](cache::sql::Connection& conn) {
        return replace_titles(conn, rows, DumpMeta{}, stop.get_token());
    });
    EXPECT_EQ(s.code(), Errc::cancelled);
    EXPECT_EQ(search("cowboy bebop").matches.at(0).aid, 23u);
    EXPECT_TRUE(index_->verify().ok());
}

TEST_F(TitleIndexTest, RequestClaimRereadsTheMetaInsideItsTransaction) {
    // Two connections, as two processes: the second sees the first's claim
    // and is refused; the predicate decides on what is stored now.
    auto a = cache::CacheDb::open(file_);
    auto b = cache::CacheDb::open(file_);
    ASSERT_TRUE(a.ok() && b.ok());
    const auto never_asked = [](const DumpMeta& m) { return m.last_request_at == 0; };
    const auto claim = [&](cache::CacheDb& db, int64_t now) {
        return db.with_connection(
            [&](cache::sql::Connection& conn) { return claim_request(conn, now, never_asked); });
    };
    auto first = claim(**a, kNow);
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(*first);
    auto second = claim(**b, kNow + 1);
    ASSERT_TRUE(second.ok());
    EXPECT_FALSE(*second);
    EXPECT_EQ(index_->status(kNow)->last_request_at, kNow);
}

TEST_F(TitleIndexTest, DuplicateLinesAreStoredOnce) {
    const std::string dump = "5|1|x-jat|Twice\n5|1|x-jat|Twice\n5|4|en|Twice\n" + filler_lines(200);
    auto counts = index_->import_dump(bytes_of(gzip(dump)), kNow + 1);
    ASSERT_TRUE(counts.ok()) << counts.error().message;
    EXPECT_EQ(counts->titles, 202u);  // main and official differ in type: both kept
}

TEST_F(TitleIndexTest, DamagedRowsAreSkippedAndVerifyFindsThem) {
    index_.reset();
    // Bit rot SQLite cannot see: a title that is no longer valid UTF-8, and
    // one with a changed letter (valid, so only the checksum tells).
    exec_sql(file_, "UPDATE anime_titles SET title = CAST(X'FF41' AS TEXT) WHERE aid = 23");
    index_ = open_index(file_);
    ASSERT_NE(index_, nullptr);
    const auto r = search("cowboy bebop");
    EXPECT_GE(r.corrupt_rows, 1u);
    for (const auto& m : r.matches) EXPECT_NE(m.aid, 23u);  // the bad row is left out
    const Status damaged = index_->verify();
    EXPECT_EQ(damaged.code(), Errc::cache);
    EXPECT_NE(damaged.error().message.find("damaged"), std::string::npos);

    ASSERT_TRUE(index_->import_dump(bytes_of(gzip(sample_dump())), kNow).ok());
    EXPECT_TRUE(index_->verify().ok());
    index_.reset();
    exec_sql(file_, "UPDATE anime_titles SET title = 'Cowboy Bebap' WHERE aid = 23 AND type = 1");
    index_ = open_index(file_);
    EXPECT_NE(index_->verify().error().message.find("checksum"), std::string::npos);
    index_.reset();
    exec_sql(file_, "DELETE FROM anime_titles WHERE aid = 1");
    index_ = open_index(file_);
    EXPECT_EQ(index_->verify().code(), Errc::cache);
}

TEST_F(TitleIndexTest, LivesBesideTheCacheAndSurvivesCacheClear) {
    auto cache = cache::CacheDb::open(file_);
    ASSERT_TRUE(cache.ok()) << cache.error().message;
    ASSERT_TRUE((*cache)->put_state("k", "v").ok());
    ASSERT_TRUE((*cache)->clear().ok());
    EXPECT_EQ(search("cowboy bebop").matches.at(0).aid, 23u);
    // A second index over a shared CacheDb sees the same titles.
    auto shared = TitleIndex::open(std::shared_ptr<cache::CacheDb>(std::move(*cache)));
    ASSERT_TRUE(shared.ok()) << shared.error().message;
    EXPECT_EQ((*shared)->search("snk")->matches.at(0).aid, 9541u);
    EXPECT_EQ(TitleIndex::open(std::shared_ptr<cache::CacheDb>()).code(), Errc::invalid_parameter);
}

TEST_F(TitleIndexTest, OlderTitleSchemaIsRebuiltKeepingTheRequestTime) {
    index_.reset();
    exec_sql(file_,
             "INSERT OR REPLACE INTO anime_titles_meta (key, value) VALUES "
             "('last_request_at', 1699990000), ('schema_version', 0)");
    index_ = open_index(file_);
    ASSERT_NE(index_, nullptr);
    auto status = index_->status(kNow);
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->stored.titles, 0u);            // dropped with the old layout
    EXPECT_EQ(status->last_request_at, 1699990000);  // the 24 h rule survives upgrades
    EXPECT_TRUE(search("cowboy bebop").matches.empty());
    EXPECT_TRUE(index_->verify().ok());
}

TEST_F(TitleIndexTest, MissingTitleTableIsMadeAgainKeepingTheRequestTime) {
    // The meta table claims the current layout but the titles are gone (a
    // tool dropped them): the set is made again, not used half-made.
    index_.reset();
    exec_sql(file_,
             "DROP TABLE anime_titles_words; DROP TABLE anime_titles_trigrams; "
             "DROP TABLE anime_titles; INSERT OR REPLACE INTO anime_titles_meta (key, value) "
             "VALUES ('last_request_at', 1699990000)");
    index_ = open_index(file_);
    ASSERT_NE(index_, nullptr);
    auto status = index_->status(kNow);
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(status->stored.titles, 0u);
    EXPECT_EQ(status->last_request_at, 1699990000);
    EXPECT_TRUE(search("cowboy bebop").matches.empty());
    EXPECT_TRUE(index_->verify().ok());
}

TEST_F(TitleIndexTest, NewerTitleSchemaIsRefused) {
    index_.reset();
    exec_sql(file_, "UPDATE anime_titles_meta SET value = 99 WHERE key = 'schema_version'");
    auto refused = TitleIndex::open(file_);
    EXPECT_EQ(refused.code(), Errc::cache);
    EXPECT_NE(refused.error().message.find("newer"), std::string::npos);
}

TEST(TitleIndexEmpty, SearchWithoutTitlesIsEmpty) {
    anidb::test::TempDir dir;
    auto index = open_index(dir / "sub" / "anidb.db");  // folders made as CacheDb does
    ASSERT_NE(index, nullptr);
    auto r = index->search("cowboy bebop");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->matches.empty());
    EXPECT_EQ(index->status(kNow)->stored.titles, 0u);
    EXPECT_TRUE(index->verify().ok());
    EXPECT_EQ(TitleIndex::open(dir.path()).code(), Errc::cache);  // a directory
}

}  // namespace
}  // namespace anidb::titles
