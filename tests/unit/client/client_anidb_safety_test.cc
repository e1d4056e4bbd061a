// Issue 12 through the client: AniDB works without a usable cache folder, a
// reply about another file is refused and never cached, the database is
// private whatever the umask, destroying a client from another thread ends
// its network wait, and rate-limit waits surface as NETWORK_WAIT events.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "anidb/anidb.h"
#include "client/client.h"
#include "support/fake_anidb/fake_server.h"
#include "support/temp_dir.h"

namespace anidb::test {
namespace {

constexpr const char* kUser = "tester";
constexpr const char* kPassword = "secret";
constexpr const char* kEd2kA = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
constexpr const char* kEd2kB = "aaaabbbbccccddddeeeeffff00001111";

class ClientSafety : public ::testing::Test {
  protected:
    void SetUp() override {
        ::setenv("ANIDB_HOST_STATE_DIR", (tmp / "host").c_str(), 1);
        ASSERT_EQ(anidb_init(ANIDB_ABI_VERSION), ANIDB_SUCCESS);
        std::ostringstream cat;
        cat << "file fid=1001 aid=3131 eid=55501 gid=777 size=1000 ed2k=" << kEd2kA << "\n"
            << "file fid=2002 aid=3131 eid=55501 gid=777 size=2000 ed2k=" << kEd2kB << "\n"
            << "anime aid=3131 romaji_name=\"Aozora Kikou\"\n"
            << "episode eid=55501 aid=3131 epno=03 english=\"The Captain's Map\"\n"
            << "group gid=777 name=\"Northwind Subs\" short_name=NWS\n";
        auto catalog = FakeCatalog::parse(cat.str());
        ASSERT_TRUE(catalog.ok()) << catalog.error().message;
        FakeServerOptions options;
        options.flood_interval = std::chrono::milliseconds(20);
        server_ = std::make_unique<FakeAnidbServer>(options);
        server_->set_catalog(std::move(catalog).value());
        server_->add_user(kUser, kPassword);
        ASSERT_TRUE(server_->start().ok());
    }

    void TearDown() override {
        EXPECT_EQ(server_->flood_violations(), 0U);
        server_->stop();
    }

    client::ClientConfig config(const std::filesystem::path& cache_dir) {
        client::ClientConfig cfg;
        cfg.cache_dir = cache_dir;
        cfg.username = kUser;
        cfg.password = kPassword;
        cfg.client_name = "libanidbtest";
        cfg.server_host = "127.0.0.1";
        cfg.server_port = server_->port();
        cfg.local_port = 0;
        cfg.interval_scale = 0.01;
        cfg.timeout_ms = 500;
        return cfg;
    }

    TempDir tmp;
    std::unique_ptr<FakeAnidbServer> server_;
};

mode_t mode_of(const std::filesystem::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
}

// Item 8: the rate limit and cool-downs no longer live in the cache folder.
TEST_F(ClientSafety, UnusableCacheFolderStillReachesAniDB) {
    const auto not_a_dir = tmp.write_bytes("cache-is-a-file", "x");
    auto c = client::Client::create(config(not_a_dir / "sub"));
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE((*c)->cache_problem().empty());
    auto info = (*c)->identify(1000, kEd2kA);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->file_id, 1001U);
    EXPECT_FALSE(info->from_cache);
}

// Item 4: an answer about file B to a question about file A is refused, and
// nothing is cached under B (or A).
TEST_F(ClientSafety, ReplyAboutAnotherFileIsRefusedAndNeverCached) {
    auto c = client::Client::create(config(tmp / "cache"));
    ASSERT_TRUE(c.ok());
    server_->inject({Fault::other_file, 1, "FILE"});
    auto poisoned = (*c)->identify(1000, kEd2kA);
    EXPECT_EQ(poisoned.code(), Errc::protocol);
    const size_t asked = server_->count("FILE");
    auto b = (*c)->identify(2000, kEd2kB);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_FALSE(b->from_cache) << "the poisoned answer was cached under the other file";
    EXPECT_EQ(b->file_id, 2002U);
    EXPECT_EQ(server_->count("FILE"), asked + 1);
    auto a = (*c)->identify(1000, kEd2kA);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_FALSE(a->from_cache);
    EXPECT_EQ(a->file_id, 1001U);
    EXPECT_EQ(a->ed2k, kEd2kA);
    // MyList: the same poisoned answer neither adds anything nor reads as bad input.
    server_->inject({Fault::other_file, 1, "FILE"});
    client::MylistWishes wishes;
    wishes.state = 1;
    auto c2 = client::Client::create(config(tmp / "cache2"));
    ASSERT_TRUE(c2.ok());
    auto added = (*c2)->mylist_add(1000, kEd2kA, wishes);
    EXPECT_EQ(added.code(), Errc::protocol);
    EXPECT_EQ(server_->count("MYLISTADD"), 0U);
}

// Item 9: the database (session key) is private whatever the umask, also in
// an existing folder others may read.
TEST_F(ClientSafety, DatabaseIsPrivateWhateverTheUmask) {
    const auto shared = tmp / "shared";
    std::filesystem::create_directory(shared);
    ::chmod(shared.c_str(), 0755);
    const mode_t old = ::umask(0);
    {
        auto c = client::Client::create(config(shared));
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE((*c)->identify(1000, kEd2kA).ok());  // stores an answer and the session
        auto fresh = client::Client::create(config(tmp / "new" / "nested"));
        ASSERT_TRUE(fresh.ok());
    }
    ::umask(old);
    EXPECT_EQ(mode_of(shared / "anidb.db"), 0600U);
    if (std::filesystem::exists(shared / "anidb.db-wal")) {
        EXPECT_EQ(mode_of(shared / "anidb.db-wal"), 0600U);
    }
    EXPECT_EQ(mode_of(shared), 0755U);  // a folder the user chose is left alone
    EXPECT_EQ(mode_of(tmp / "new"), 0700U);
    EXPECT_EQ(mode_of(tmp / "new" / "nested"), 0700U);
    EXPECT_EQ(mode_of(tmp / "new" / "nested" / "anidb.db"), 0600U);
    EXPECT_EQ(mode_of(tmp / "host"), 0700U);
    EXPECT_EQ(mode_of(tmp / "host" / "state"), 0600U);
}

// Destroying a client ends a network wait of a call on another thread.
TEST_F(ClientSafety, DestroyFromAnotherThreadEndsTheWaitForAniDB) {
    anidb_config_t cfg{};
    const std::string dir = (tmp / "cache").string();
    cfg.cache_dir = dir.c_str();
    cfg.username = kUser;
    cfg.password = kPassword;
    cfg.client_name = "libanidbtest";
    anidb_client_handle_t h = nullptr;
    ASSERT_EQ(anidb_client_create_with_config(&cfg, &h), ANIDB_SUCCESS);
    const std::string server = "127.0.0.1:" + std::to_string(server_->port());
    ASSERT_EQ(anidb_client_set_option(h, "anidb.server", server.c_str()), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(h, "anidb.local_port", "0"), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(h, "anidb.interval_scale", "0.01"), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(h, "anidb.timeout_ms", "60000"), ANIDB_SUCCESS);
    server_->hold_replies(true);  // AniDB "hangs"
    anidb_result_t rc = ANIDB_SUCCESS;
    std::thread caller([&] {
        anidb_anime_info_t* info = nullptr;
        rc = anidb_identify_file(h, kEd2kA, 1000, &info);
        anidb_free_anime_info(info);
    });
    while (server_->log().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(anidb_client_destroy(h), ANIDB_SUCCESS);
    caller.join();
    EXPECT_EQ(rc, ANIDB_ERROR_CANCELLED);
    server_->hold_replies(false);
    uint64_t count = 1, bytes = 1;
    EXPECT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
    EXPECT_EQ(count, 0U);
}

// A packet waiting for its rate-limit slot is an event saying when it leaves.
TEST_F(ClientSafety, RateLimitWaitIsANetworkWaitEvent) {
    anidb_config_t cfg{};
    const std::string dir = (tmp / "cache").string();
    cfg.cache_dir = dir.c_str();
    cfg.username = kUser;
    cfg.password = kPassword;
    cfg.client_name = "libanidbtest";
    anidb_client_handle_t h = nullptr;
    ASSERT_EQ(anidb_client_create_with_config(&cfg, &h), ANIDB_SUCCESS);
    const std::string server = "127.0.0.1:" + std::to_string(server_->port());
    ASSERT_EQ(anidb_client_set_option(h, "anidb.server", server.c_str()), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(h, "anidb.local_port", "0"), ANIDB_SUCCESS);
    // 550 ms between packets: the FILE right after the AUTH surely waits.
    ASSERT_EQ(anidb_client_set_option(h, "anidb.interval_scale", "0.25"), ANIDB_SUCCESS);
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_file(h, kEd2kA, 1000, &info), ANIDB_SUCCESS);  // AUTH, FILE
    anidb_free_anime_info(info);
    anidb_event_t events[256];
    size_t n = 0;
    ASSERT_EQ(anidb_event_poll(h, events, 256, &n), ANIDB_SUCCESS);
    bool waited = false;
    for (size_t i = 0; i < n; ++i) {
        if (events[i].type != ANIDB_EVENT_NETWORK_WAIT) continue;
        waited = true;
        EXPECT_GT(events[i].data.wait.send_at, 0U);
        EXPECT_NE(std::string(events[i].data.wait.endpoint).find("127.0.0.1:"), std::string::npos);
        ASSERT_NE(events[i].context, nullptr);
        EXPECT_NE(std::string(events[i].context).find("rate limit"), std::string::npos);
    }
    EXPECT_TRUE(waited);
    EXPECT_EQ(anidb_client_destroy(h), ANIDB_SUCCESS);
}

}  // namespace
}  // namespace anidb::test
