// Client's MyList, metadata, title and queue calls end to end: the fake
// AniDB server on 127.0.0.1, a real SQLite cache, and a real HTTP server on
// 127.0.0.1 serving a small gzip titles dump. Issue 16's figure: a repeated
// "mark watched" sends 0 packets.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>

#include "../titles/titles_test_util.h"
#include "client/client.h"
#include "support/fake_anidb/fake_server.h"
#include "support/local_http_server.h"
#include "support/temp_dir.h"

namespace anidb::client {
namespace {

using test::FakeAnidbServer;
using test::FakeCatalog;

constexpr const char* kUser = "tester";
constexpr const char* kPassword = "secret";
// Files of FakeCatalog::mylist_example.
constexpr uint64_t kSize = 700000001;
constexpr const char* kEd2k = "11111111111111111111111111111111";
constexpr int64_t kFid = 424243;

class ClientCollection : public ::testing::Test {
  protected:
    void SetUp() override {
        ::setenv("ANIDB_HOST_STATE_DIR", (tmp_.path() / "host").c_str(), 1);
        test::FakeServerOptions options;
        options.flood_interval = std::chrono::milliseconds(20);
        server_ = std::make_unique<FakeAnidbServer>(options);
        server_->set_catalog(FakeCatalog::mylist_example());
        server_->add_user(kUser, kPassword);
        ASSERT_TRUE(server_->start().ok());
    }
    void TearDown() override {
        EXPECT_EQ(server_->flood_violations(), 0U);
        server_->stop();
    }
    std::shared_ptr<Client> make_client(const std::string& password = kPassword) {
        ClientConfig cfg;
        cfg.cache_dir = tmp_.path() / "cache";
        cfg.username = kUser;
        cfg.password = password;
        cfg.client_name = "libanidbtest";
        cfg.server_host = "127.0.0.1";
        cfg.server_port = server_->port();
        cfg.local_port = 0;
        cfg.interval_scale = 0.01;
        cfg.timeout_ms = 500;
        auto c = Client::create(cfg);
        EXPECT_TRUE(c.ok());
        return *c;
    }
    size_t datagrams() const { return server_->log().size(); }

    test::TempDir tmp_;
    std::unique_ptr<FakeAnidbServer> server_;
};

TEST_F(ClientCollection, RepeatedWatchedSendsNoPacket) {
    auto client = make_client();
    auto first = client->mylist_watched(kSize, kEd2k, true, std::nullopt);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->what, MylistChangeKind::added);
    ASSERT_TRUE(server_->mylist_entry(kUser, kFid).has_value());
    const size_t before = datagrams();
    for (int i = 0; i < 3; ++i) {
        auto again = client->mylist_watched(kSize, kEd2k, true, std::nullopt);
        ASSERT_TRUE(again.ok()) << again.error().message;
        EXPECT_EQ(again->what, MylistChangeKind::nothing);
        EXPECT_EQ(again->commands, 0);
    }
    EXPECT_EQ(datagrams(), before);
    // Another process (client) on the same cache: still nothing to send.
    client.reset();
    const size_t after_logout = datagrams();
    auto other = make_client();
    auto third = other->mylist_watched(kSize, kEd2k, true, std::nullopt);
    ASSERT_TRUE(third.ok()) << third.error().message;
    EXPECT_EQ(third->what, MylistChangeKind::nothing);
    EXPECT_EQ(datagrams(), after_logout);
}

TEST_F(ClientCollection, ShowEditUnwatchAndRemove) {
    auto client = make_client();
    auto shown = client->mylist_show(kSize, kEd2k, false);
    ASSERT_TRUE(shown.ok()) << shown.error().message;
    EXPECT_FALSE(shown->in_mylist);
    EXPECT_EQ(shown->fid, kFid);
    ASSERT_TRUE(client->mylist_watched(kSize, kEd2k, true, int64_t{1600000000}).ok());
    shown = client->mylist_show(kSize, kEd2k, false);
    ASSERT_TRUE(shown.ok());
    EXPECT_TRUE(shown->in_mylist);
    EXPECT_TRUE(shown->from_local_state);
    EXPECT_EQ(shown->entry.viewdate, 1600000000);
    udp::MylistValues values;
    values.storage = "shelf 3";
    auto edited = client->mylist_edit(kSize, kEd2k, values);
    ASSERT_TRUE(edited.ok()) << edited.error().message;
    EXPECT_EQ(edited->what, MylistChangeKind::edited);
    EXPECT_EQ(server_->mylist_entry(kUser, kFid)->get("storage"), "shelf 3");
    auto unwatched = client->mylist_watched(kSize, kEd2k, false, std::nullopt);
    ASSERT_TRUE(unwatched.ok());
    EXPECT_EQ(unwatched->what, MylistChangeKind::edited);
    EXPECT_EQ(server_->mylist_entry(kUser, kFid)->get("viewdate"), "0");
    auto removed = client->mylist_remove(kSize, kEd2k);
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(removed->what, MylistChangeKind::removed);
    EXPECT_FALSE(server_->mylist_entry(kUser, kFid).has_value());
    const size_t before = datagrams();
    auto again = client->mylist_remove(kSize, kEd2k);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->what, MylistChangeKind::nothing);
    EXPECT_EQ(datagrams(), before);
}

// mylist_add (`anidb mylist add`, anidb_mylist_add) shares the one local
// MyList state with show, remove and the rest: what it adds is shown
// without a packet, a repeat sends nothing, a new wish edits, and a removal
// after it is sent and forgets the entry.
TEST_F(ClientCollection, MylistAddSharesTheLocalStateWithShowAndRemove) {
    auto client = make_client();
    MylistWishes wishes;
    wishes.state = 1;  // on HDD
    auto added = client->mylist_add(kSize, kEd2k, wishes);
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_EQ(added->outcome, MylistOutcome::added);
    EXPECT_GT(added->mylist_id, 0U);
    const uint64_t lid = added->mylist_id;

    auto shown = client->mylist_show(kSize, kEd2k, false);
    ASSERT_TRUE(shown.ok()) << shown.error().message;
    EXPECT_TRUE(shown->in_mylist);
    EXPECT_TRUE(shown->from_local_state);
    EXPECT_EQ(static_cast<uint64_t>(shown->entry.lid), lid);
    EXPECT_EQ(server_->count("MYLIST"), 0U) << "the add is known locally";

    auto again = client->mylist_add(kSize, kEd2k, wishes);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->outcome, MylistOutcome::already_present);
    EXPECT_TRUE(again->from_local_state);
    EXPECT_EQ(again->mylist_id, lid);
    EXPECT_EQ(server_->count("MYLISTADD"), 1U);

    wishes.storage = "shelf 4";
    wishes.viewed = true;
    wishes.viewdate = 1600000000;
    auto updated = client->mylist_add(kSize, kEd2k, wishes);
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_EQ(updated->outcome, MylistOutcome::updated);
    EXPECT_FALSE(updated->from_local_state);
    EXPECT_EQ(updated->mylist_id, lid);
    EXPECT_EQ(server_->last_param("MYLISTADD", "edit"), "1");
    EXPECT_EQ(server_->mylist_entry(kUser, kFid)->get("storage"), "shelf 4");
    EXPECT_EQ(server_->mylist_entry(kUser, kFid)->get("viewdate"), "1600000000");
    shown = client->mylist_show(kSize, kEd2k, false);
    ASSERT_TRUE(shown.ok());
    EXPECT_TRUE(shown->from_local_state);
    EXPECT_EQ(shown->entry.storage, "shelf 4");
    EXPECT_EQ(shown->entry.viewdate, 1600000000);
    EXPECT_EQ(server_->count("MYLIST"), 0U);

    auto removed = client->mylist_remove(kSize, kEd2k);
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(removed->what, MylistChangeKind::removed);
    EXPECT_EQ(server_->count("MYLISTDEL"), 1U);
    EXPECT_FALSE(server_->mylist_entry(kUser, kFid).has_value());
    shown = client->mylist_show(kSize, kEd2k, false);
    ASSERT_TRUE(shown.ok());
    EXPECT_FALSE(shown->in_mylist);
    EXPECT_TRUE(shown->from_local_state);
    EXPECT_EQ(server_->count("MYLIST"), 0U);
}

// --edit (MylistWishes::edit) only changes an entry, never adds one.
TEST_F(ClientCollection, MylistAddWithEditNeedsAnEntry) {
    auto client = make_client();
    MylistWishes wishes;
    wishes.storage = "box";
    wishes.edit = true;
    auto missing = client->mylist_add(kSize, kEd2k, wishes);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.code(), Errc::no_such_file);
    EXPECT_EQ(server_->count("MYLISTADD"), 1U);  // edit=1, answered 411
    EXPECT_FALSE(server_->mylist_entry(kUser, kFid).has_value());
}

TEST_F(ClientCollection, WorkWithoutCredentialsWaitsInTheQueueForALaterProcess) {
    {
        auto client = make_client("");
        auto r = client->mylist_watched(kSize, kEd2k, true, std::nullopt);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->what, MylistChangeKind::queued);
        EXPECT_EQ(r->reason, queue::WaitReason::no_credentials);
        // A second request for the file goes behind it, never before it.
        udp::MylistValues v;
        v.source = "bd";
        auto behind = client->mylist_edit(kSize, kEd2k, v);
        ASSERT_TRUE(behind.ok()) << behind.error().message;
        EXPECT_EQ(behind->what, MylistChangeKind::queued);
        auto listing = client->queue_list();
        ASSERT_TRUE(listing.ok());
        EXPECT_EQ(listing->jobs.size(), 2U);
    }
    EXPECT_EQ(datagrams(), 0U);
    auto later = make_client();
    auto report = later->queue_run(false);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->completed, 2U);
    auto entry = server_->mylist_entry(kUser, kFid);
    ASSERT_TRUE(entry.has_value());
    EXPECT_NE(entry->get("viewdate"), "0");
    EXPECT_EQ(entry->get("source"), "bd");
    EXPECT_TRUE(later->queue_list()->jobs.empty());
}

TEST_F(ClientCollection, WorkDuringABanWaitsForTheCoolDown) {
    auto client = make_client();
    ASSERT_TRUE(client->mylist_show(kSize, kEd2k, false).ok());  // identified, logged in
    server_->answer_next(555, 1);
    auto r = client->mylist_watched(kSize, kEd2k, true, std::nullopt);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->what, MylistChangeKind::queued);
    EXPECT_EQ(r->reason, queue::WaitReason::cooldown);
    EXPECT_GT(r->next_try_at, static_cast<int64_t>(std::time(nullptr)));
    EXPECT_FALSE(server_->mylist_entry(kUser, kFid).has_value());
    // Nothing is sent into the ban: the run ends at once.
    const size_t before = datagrams();
    auto run = client->queue_run(true);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->completed, 0U);
    EXPECT_EQ(datagrams(), before);
    EXPECT_EQ(client->queue_list()->jobs.size(), 1U);
}

// `cache clear` forgets the local MyList state with the other answers (a
// later "mark watched" asks AniDB again), keeps the queue and the titles.
TEST_F(ClientCollection, CacheClearForgetsMylistStateKeepsQueue) {
    auto client = make_client();
    ASSERT_EQ(client->mylist_watched(kSize, kEd2k, true, std::nullopt)->what,
              MylistChangeKind::added);
    // Repeated: answered locally.
    ASSERT_TRUE(client->mylist_show(kSize, kEd2k, false)->from_local_state);
    ASSERT_TRUE(client->cache_clear().ok());
    const size_t before = datagrams();
    auto shown = client->mylist_show(kSize, kEd2k, false);
    ASSERT_TRUE(shown.ok()) << shown.error().message;
    EXPECT_FALSE(shown->from_local_state);  // forgotten: AniDB was asked
    EXPECT_TRUE(shown->in_mylist);
    EXPECT_GT(datagrams(), before);
}

// AniDB does not answer: the work waits for the no-answer back-off.
TEST_F(ClientCollection, WorkWithoutAnAnswerWaitsForTheBackOff) {
    auto client = make_client();
    ASSERT_TRUE(client->set_option("anidb.give_up_ms", "1200").ok());
    ASSERT_TRUE(client->mylist_show(kSize, kEd2k, false).ok());  // identified, logged in
    server_->drop_next(10);
    auto r = client->mylist_watched(kSize, kEd2k, true, std::nullopt);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->what, MylistChangeKind::queued);
    EXPECT_EQ(r->reason, queue::WaitReason::no_answer);
    EXPECT_GT(r->next_try_at, static_cast<int64_t>(std::time(nullptr)));
    EXPECT_EQ(client->queue_list()->jobs.size(), 1U);
}

TEST_F(ClientCollection, QueueClearDropsWaitingWork) {
    auto client = make_client("");
    ASSERT_EQ(client->mylist_remove(kSize, kEd2k)->what, MylistChangeKind::queued);
    auto dropped = client->queue_clear(queue::WorkQueue::Which::all);
    ASSERT_TRUE(dropped.ok());
    EXPECT_EQ(*dropped, 1U);
    EXPECT_TRUE(client->queue_list()->jobs.empty());
}

TEST_F(ClientCollection, MetadataIsCachedByIdNameAndNumber) {
    auto client = make_client();
    auto anime = client->anime_show(udp::AnimeId{4242});
    ASSERT_TRUE(anime.ok()) << anime.error().message;
    EXPECT_EQ(anime->record.romaji_title, "Kaze no Uta");
    EXPECT_FALSE(anime->from_cache);
    // Ended: kept 30 days.
    EXPECT_EQ(anime->expires_at - anime->fetched_at, 30 * 86400);
    auto byname = client->anime_show(udp::AnimeName{"song of the wind"});
    ASSERT_TRUE(byname.ok()) << byname.error().message;
    EXPECT_EQ(byname->record.aid, 4242);
    auto again = client->anime_show(udp::AnimeName{"Song of the Wind"});
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->from_cache);
    EXPECT_TRUE(client->anime_show(udp::AnimeId{4242})->from_cache);
    EXPECT_EQ(server_->count("ANIME"), 2U);  // by id once, by name once

    auto ep = client->episode_show(udp::AnimeEpisode{udp::AnimeId{3131}, "2"});
    ASSERT_TRUE(ep.ok()) << ep.error().message;
    EXPECT_EQ(ep->record.english_title, "Headwind");
    EXPECT_TRUE(client->episode_show(udp::AnimeEpisode{udp::AnimeId{3131}, "02"})->from_cache);
    EXPECT_TRUE(client->episode_show(udp::EpisodeId{55500})->from_cache);
    EXPECT_EQ(server_->count("EPISODE"), 1U);

    auto group = client->group_show(udp::GroupId{778});
    ASSERT_TRUE(group.ok()) << group.error().message;
    EXPECT_EQ(group->record.short_name, "SWR");
    ASSERT_EQ(group->record.relations.size(), 1U);
    EXPECT_TRUE(client->group_show(udp::GroupId{778})->from_cache);

    auto missing = client->anime_show(udp::AnimeId{999999});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::no_such_file);
    const size_t before = datagrams();
    auto cached_missing = client->anime_show(udp::AnimeId{999999});
    EXPECT_EQ(cached_missing.error().code, Errc::no_such_file);
    EXPECT_EQ(datagrams(), before);
}

TEST_F(ClientCollection, TitlesFromTheConfiguredUrlOncePerDay) {
    test::TempDir web;
    {
        std::ofstream out(web.path() / "titles.dat.gz", std::ios::binary);
        out << titles::test::gzip(titles::test::sample_dump());
    }
    test::LocalHttpServer http(web.path());
    auto client = make_client();
    ASSERT_TRUE(client->set_option("titles.url", http.url("/files/titles.dat.gz")).ok());
    EXPECT_FALSE(client->set_option("titles.url", "file:///etc/passwd").ok());
    auto updated = client->titles_update(false);
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_EQ(updated->outcome, titles::RefreshResult::Outcome::updated);
    auto again = client->titles_update(true);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->outcome, titles::RefreshResult::Outcome::too_soon);
    EXPECT_EQ(http.requests().size(), 1U);
    auto found = client->titles_search("bebop");
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_FALSE(found->matches.empty());
    EXPECT_EQ(found->matches[0].aid, 23U);
    auto status = client->titles_status();
    ASSERT_TRUE(status.ok());
    EXPECT_GT(status->stored.titles, 0U);
}

}  // namespace
}  // namespace anidb::client
