// Issue 16's C functions end to end: the fake AniDB server and a local HTTP
// server on 127.0.0.1. A repeated anidb_mylist_watched sends 0 packets; every
// result is one tracked block of its own allocation type, freed whole.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "../unit/titles/titles_test_util.h"
#include "anidb/anidb.h"
#include "support/fake_anidb/fake_server.h"
#include "support/local_http_server.h"
#include "support/temp_dir.h"

namespace anidb::test {
namespace {

constexpr const char* kUser = "tester";
constexpr const char* kEd2k = "11111111111111111111111111111111";  // mylist_example, fid 424243
constexpr uint64_t kSize = 700000001;

class CollectionApi : public ::testing::Test {
  protected:
    void SetUp() override {
        ::setenv("ANIDB_HOST_STATE_DIR", (tmp_.path() / "host").c_str(), 1);
        ASSERT_EQ(anidb_init(ANIDB_ABI_VERSION), ANIDB_SUCCESS);
        FakeServerOptions options;
        options.flood_interval = std::chrono::milliseconds(20);
        server_ = std::make_unique<FakeAnidbServer>(options);
        server_->set_catalog(FakeCatalog::mylist_example());
        server_->add_user(kUser, "pw");
        ASSERT_TRUE(server_->start().ok());
        const std::string dir = (tmp_.path() / "cache").string();
        anidb_config_t cfg{};
        cfg.cache_dir = dir.c_str();
        cfg.username = kUser;
        cfg.password = "pw";
        cfg.client_name = "libanidbtest";
        cfg.client_version = "1";
        ASSERT_EQ(anidb_client_create_with_config(&cfg, &client_), ANIDB_SUCCESS);
        const std::string server = "127.0.0.1:" + std::to_string(server_->port());
        ASSERT_EQ(anidb_client_set_option(client_, "anidb.server", server.c_str()), ANIDB_SUCCESS);
        ASSERT_EQ(anidb_client_set_option(client_, "anidb.local_port", "0"), ANIDB_SUCCESS);
        ASSERT_EQ(anidb_client_set_option(client_, "anidb.interval_scale", "0.01"), ANIDB_SUCCESS);
        ASSERT_EQ(anidb_client_set_option(client_, "anidb.timeout_ms", "500"), ANIDB_SUCCESS);
    }
    void TearDown() override {
        EXPECT_EQ(anidb_client_destroy(client_), ANIDB_SUCCESS);
        EXPECT_EQ(server_->flood_violations(), 0U);
        server_->stop();
        uint64_t count = 1, bytes = 1;
        EXPECT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
        EXPECT_EQ(count, 0U);
        EXPECT_EQ(bytes, 0U);
    }
    uint64_t live(anidb_allocation_type_t type) {
        anidb_allocation_stats_t figures[ANIDB_ALLOCATION_TYPE_COUNT];
        size_t n = 0;
        EXPECT_EQ(anidb_get_allocation_stats(figures, ANIDB_ALLOCATION_TYPE_COUNT, &n),
                  ANIDB_SUCCESS);
        return figures[type].live_count;
    }

    TempDir tmp_;
    std::unique_ptr<FakeAnidbServer> server_;
    anidb_client_handle_t client_ = nullptr;
};

TEST_F(CollectionApi, RepeatedWatchedSendsZeroPackets) {
    anidb_mylist_change_t ch{};
    ASSERT_EQ(anidb_mylist_watched(client_, kEd2k, kSize, 1, 0, &ch), ANIDB_SUCCESS);
    EXPECT_EQ(ch.what, ANIDB_MYLIST_CHANGE_ADDED);
    EXPECT_GT(ch.mylist_id, 0U);
    const size_t before = server_->log().size();
    ASSERT_EQ(anidb_mylist_watched(client_, kEd2k, kSize, 1, 0, &ch), ANIDB_SUCCESS);
    EXPECT_EQ(ch.what, ANIDB_MYLIST_CHANGE_NOTHING);
    EXPECT_EQ(ch.commands, 0U);
    EXPECT_EQ(server_->log().size(), before);

    anidb_mylist_entry_t* entry = nullptr;
    ASSERT_EQ(anidb_mylist_show(client_, kEd2k, kSize, 0, &entry), ANIDB_SUCCESS);
    EXPECT_EQ(entry->in_mylist, 1);
    EXPECT_EQ(entry->file_id, 424243U);
    EXPECT_GT(entry->viewdate, 0);
    EXPECT_EQ(entry->from_local_state, 1);
    EXPECT_STREQ(entry->source, "");
    EXPECT_EQ(live(ANIDB_ALLOCATION_MYLIST_ENTRY), 1U);
    anidb_free_mylist_entry(entry);
    EXPECT_EQ(live(ANIDB_ALLOCATION_MYLIST_ENTRY), 0U);

    anidb_mylist_options_t values = ANIDB_MYLIST_OPTIONS_INIT;
    values.state = -1;
    values.storage = "shelf";
    ASSERT_EQ(anidb_mylist_edit(client_, kEd2k, kSize, &values, &ch), ANIDB_SUCCESS);
    EXPECT_EQ(ch.what, ANIDB_MYLIST_CHANGE_EDITED);
    ASSERT_EQ(anidb_mylist_remove(client_, kEd2k, kSize, &ch), ANIDB_SUCCESS);
    EXPECT_EQ(ch.what, ANIDB_MYLIST_CHANGE_REMOVED);
    EXPECT_FALSE(server_->mylist_entry(kUser, 424243).has_value());
}

TEST_F(CollectionApi, MetadataRecordsComeFromTheCacheTheSecondTime) {
    anidb_anime_t* anime = nullptr;
    ASSERT_EQ(anidb_anime_get(client_, 4242, nullptr, &anime), ANIDB_SUCCESS);
    EXPECT_STREQ(anime->title_romaji, "Kaze no Uta");
    EXPECT_STREQ(anime->synonyms, "Wind Song\nTale of the Wind");
    EXPECT_EQ(anime->origin.from_cache, 0);
    EXPECT_EQ(live(ANIDB_ALLOCATION_ANIME), 1U);
    anidb_free_anime(anime);
    ASSERT_EQ(anidb_anime_get(client_, 0, "Kaze no Uta", &anime), ANIDB_SUCCESS);
    anidb_free_anime(anime);
    ASSERT_EQ(anidb_anime_get(client_, 0, "kaze no uta", &anime), ANIDB_SUCCESS);
    EXPECT_EQ(anime->origin.from_cache, 1);
    EXPECT_EQ(anime->origin.expires_at - anime->origin.fetched_at, 30 * 86400);
    anidb_free_anime(anime);

    anidb_episode_t* ep = nullptr;
    ASSERT_EQ(anidb_episode_get(client_, 0, 3131, nullptr, "S1", &ep), ANIDB_SUCCESS);
    EXPECT_STREQ(ep->title_english, "Deck Shorts");
    EXPECT_EQ(ep->type, 2);
    anidb_free_episode(ep);
    anidb_group_t* g = nullptr;
    ASSERT_EQ(anidb_group_get(client_, 0, "SWR", &g), ANIDB_SUCCESS);
    EXPECT_EQ(g->group_id, 778U);
    EXPECT_STREQ(g->irc_channel, "#swr");
    anidb_free_group(g);
    ASSERT_EQ(anidb_anime_get(client_, 999999, nullptr, &anime), ANIDB_ERROR_NO_SUCH_FILE);
    EXPECT_EQ(anime, nullptr);
}

TEST_F(CollectionApi, TitlesFromALocalServerAndQueue) {
    TempDir web;
    {
        std::ofstream out(web.path() / "titles.dat.gz", std::ios::binary);
        out << titles::test::gzip(titles::test::sample_dump());
    }
    LocalHttpServer http(web.path());
    const std::string url = http.url("/files/titles.dat.gz");
    ASSERT_EQ(anidb_client_set_option(client_, "titles.url", url.c_str()), ANIDB_SUCCESS);
    anidb_titles_update_t up{};
    ASSERT_EQ(anidb_titles_update(client_, 0, &up), ANIDB_SUCCESS);
    EXPECT_EQ(up.outcome, ANIDB_TITLES_UPDATED);
    EXPECT_GT(up.titles, 0U);
    ASSERT_EQ(anidb_titles_update(client_, 1, &up), ANIDB_SUCCESS);
    EXPECT_EQ(up.outcome, ANIDB_TITLES_TOO_SOON);
    EXPECT_EQ(http.requests().size(), 1U);
    anidb_title_search_result_t* found = nullptr;
    ASSERT_EQ(anidb_titles_search(client_, "pokemon", nullptr, 5, &found), ANIDB_SUCCESS);
    ASSERT_GE(found->count, 1U);
    EXPECT_EQ(found->matches[0].anime_id, 230U);
    EXPECT_STREQ(found->matches[0].main_title, "Pocket Monsters");
    EXPECT_STREQ(found->matches[0].title, "Pokémon");
    EXPECT_EQ(live(ANIDB_ALLOCATION_TITLE_SEARCH), 1U);
    anidb_free_title_search_result(found);

    anidb_queue_list_t* list = nullptr;
    ASSERT_EQ(anidb_queue_list(client_, &list), ANIDB_SUCCESS);
    EXPECT_EQ(list->count, 0U);
    anidb_free_queue_list(list);
    anidb_queue_run_t run{};
    ASSERT_EQ(anidb_queue_run(client_, 0, &run), ANIDB_SUCCESS);
    EXPECT_EQ(run.completed, 0U);
    EXPECT_EQ(run.stopped_by, ANIDB_SUCCESS);
}

}  // namespace
}  // namespace anidb::test
