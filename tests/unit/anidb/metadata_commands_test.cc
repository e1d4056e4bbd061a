// ANIME, EPISODE and GROUP by every selector end to end against the fake
// server: names matched the way AniDB matches them, 330 / 340 / 350, replies
// about another anime, episode or group refused, hostile text escaped.
#include "fixture.h"

namespace anidb::udp::testing {
namespace {

class Metadata : public UdpEndToEnd {
  protected:
    void SetUp() override {
        UdpEndToEnd::SetUp();
        server_->set_catalog(test::FakeCatalog::mylist_example());
        session_ = open();
        ASSERT_TRUE(session_);
    }
    void TearDown() override {
        session_.reset();
        UdpEndToEnd::TearDown();
    }
    std::unique_ptr<Session> session_;
};

TEST_F(Metadata, AnimeByIdAndByAnyOfItsTitles) {
    auto by_id = seen(anime(*session_, AnimeId{3131}));
    ASSERT_TRUE(by_id.ok()) << by_id.error().message;
    EXPECT_EQ(by_id->romaji_title, "Aozora Kikou");
    EXPECT_EQ(by_id->kanji_title, "青空紀行");
    const std::pair<const char*, int64_t> names[] = {
        {"Aozora Kikou", 3131}, {"blue sky VOYAGE", 3131},  {"AK", 3131},
        {"青空紀行", 3131},     {"Tale of the Wind", 4242}, {"le chant du vent", 4242}};
    for (const auto& [name, aid] : names) {
        auto a = seen(anime(*session_, AnimeName{name}));
        ASSERT_TRUE(a.ok()) << name << ": " << a.error().message;
        EXPECT_EQ(a->aid, aid) << name;
    }
    EXPECT_EQ(server_->last_param("ANIME", "aname"), "le chant du vent");
    auto movie = seen(anime(*session_, AnimeName{"Kaze no Uta"}));
    ASSERT_TRUE(movie.ok());
    EXPECT_EQ(movie->synonyms, (std::vector<std::string>{"Wind Song", "Tale of the Wind"}));
    EXPECT_EQ(seen(anime(*session_, AnimeName{"Nothing Like It"})).code(), Errc::no_such_file);
    EXPECT_EQ(seen(anime(*session_, AnimeId{99})).code(), Errc::no_such_file);
}

TEST_F(Metadata, EpisodeByIdByAnimeAndNumber) {
    auto by_id = seen(episode(*session_, EpisodeId{55501}));
    ASSERT_TRUE(by_id.ok()) << by_id.error().message;
    EXPECT_EQ(by_id->english_title, "The Captain's Map");
    auto by_number = seen(episode(*session_, AnimeEpisode{AnimeId{3131}, "1"}));
    ASSERT_TRUE(by_number.ok()) << by_number.error().message;
    EXPECT_EQ(by_number->eid, 55499);
    auto special = seen(episode(*session_, AnimeEpisode{AnimeName{"Aozora Kikou"}, "s01"}));
    ASSERT_TRUE(special.ok()) << special.error().message;
    EXPECT_EQ(special->eid, 55510);
    EXPECT_EQ(special->type, 2);
    EXPECT_EQ(server_->last_param("EPISODE", "epno"), "S1");
    EXPECT_EQ(seen(episode(*session_, AnimeEpisode{AnimeId{3131}, "99"})).code(),
              Errc::no_such_file);
    EXPECT_EQ(seen(episode(*session_, AnimeEpisode{AnimeId{3131}, "1x"})).code(),
              Errc::invalid_parameter);
}

TEST_F(Metadata, GroupByIdAndByName) {
    auto g = seen(group(*session_, GroupId{778}));
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->name, "Southwind Raws");
    ASSERT_EQ(g->relations.size(), 1u);
    EXPECT_EQ(g->relations[0].gid, 777);
    EXPECT_EQ(g->relations[0].type, 6);
    auto by_short = seen(group(*session_, GroupName{"nws"}));
    ASSERT_TRUE(by_short.ok()) << by_short.error().message;
    EXPECT_EQ(by_short->gid, 777);
    EXPECT_EQ(seen(group(*session_, GroupName{"Nobody"})).code(), Errc::no_such_file);
}

TEST_F(Metadata, RepliesAboutAnotherRecordAreRefused) {
    server_->inject({test::Fault::other_record, 2, "ANIME"});
    EXPECT_EQ(seen(anime(*session_, AnimeId{3131})).code(), Errc::protocol);
    EXPECT_EQ(seen(anime(*session_, AnimeName{"Blue Sky Voyage"})).code(), Errc::protocol);
    server_->inject({test::Fault::other_record, 3, "EPISODE"});
    EXPECT_EQ(seen(episode(*session_, EpisodeId{55501})).code(), Errc::protocol);
    EXPECT_EQ(seen(episode(*session_, AnimeEpisode{AnimeId{3131}, "3"})).code(), Errc::protocol);
    EXPECT_EQ(seen(episode(*session_, AnimeEpisode{AnimeName{"AK"}, "3"})).code(), Errc::protocol);
    server_->inject({test::Fault::other_record, 2, "GROUP"});
    EXPECT_EQ(seen(group(*session_, GroupId{777})).code(), Errc::protocol);
    auto named = seen(group(*session_, GroupName{"NWS"}));
    EXPECT_EQ(named.code(), Errc::protocol);
    EXPECT_NE(named.error().message.find("not about what was asked"), std::string::npos);
    // Numbers replaced by text: refused, never half-read.
    server_->inject({test::Fault::huge_fields, 1, "ANIME"});
    EXPECT_EQ(seen(anime(*session_, AnimeId{3131})).code(), Errc::protocol);
}

TEST_F(Metadata, HostileTextArrivesEscapedAndCut) {
    test::FakeCatalog cat = test::FakeCatalog::mylist_example();
    cat.anime[3131].set("english_name", "\x1b]0;pwned\x07" + std::string(3000, 'E'));
    cat.episodes[55501].set("english",
                            "ep\x1b[2J\xc2\x9b"
                            "1m");
    cat.groups[777].set("url", "http://x/\x07");
    server_->set_catalog(cat);
    auto a = seen(anime(*session_, AnimeId{3131}));
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->english_title.find('\x1b'), std::string::npos);
    EXPECT_LE(a->english_title.size(), 1030u);
    EXPECT_TRUE(a->english_title.starts_with("\\x1b]0;pwned\\x07EEE"));
    auto e = seen(episode(*session_, EpisodeId{55501}));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->english_title, "ep\\x1b[2J\\xc2\\x9b1m");
    auto g = seen(group(*session_, GroupId{777}));
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->url, "http://x/\\x07");
}

}  // namespace
}  // namespace anidb::udp::testing
