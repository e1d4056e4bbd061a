// Identification and MyList through the C ABI against the fake AniDB server
// on 127.0.0.1 (issue 6 end to end): answers cached and reused, unknown files
// not asked again, the red/blue ED2K retry, idempotent MyList adds, network
// events, credentials kept out of events and the database, and no flood
// violation in the server's log.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "anidb/anidb.h"
#include "cache/cache_db.h"
#include "client/client.h"
#include "hash/hash_file.h"
#include "io/sequential_file.h"
#include "support/fake_anidb/fake_server.h"
#include "support/temp_dir.h"

namespace anidb::test {
namespace {

constexpr const char* kUser = "tester";
constexpr const char* kPassword = "p&ss=w0rd\nsecret";

class ClientAnidb : public ::testing::Test {
  protected:
    void SetUp() override {
        // A host-wide AniDB state of this test's own: parallel tests never
        // share one rate limit or cool-down.
        ::setenv("ANIDB_HOST_STATE_DIR", (tmp / "host").c_str(), 1);
        ASSERT_EQ(anidb_init(ANIDB_ABI_VERSION), ANIDB_SUCCESS);
        known_ = tmp.write_random("Known Episode 03.mkv", 300000, 7).string();
        char ed2k[33];
        ASSERT_EQ(anidb_calculate_hash(known_.c_str(), ANIDB_HASH_ED2K, ed2k, sizeof ed2k),
                  ANIDB_SUCCESS);
        known_ed2k_ = ed2k;
        // 9728000 zero bytes: AniDB knows it by the "blue" ED2K only.
        blue_ = (tmp / "exact chunk.mkv").string();
        const int fd = ::open(blue_.c_str(), O_CREAT | O_WRONLY, 0644);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::ftruncate(fd, 9728000), 0);
        ::close(fd);

        std::ostringstream& cat = catalog_;
        cat << "file fid=424242 aid=3131 eid=55501 gid=777 size=300000 ed2k=" << known_ed2k_
            << " crc32=9a8b7c6d state=9 quality=high source=DVD resolution=848x480 file_type=mkv"
               " video_codec=H264/AVC audio_codecs=AAC'FLAC\n"
            // Its anime, episode and group records are unknown to the server's
            // FILE answer (no such records) but known to ANIME/EPISODE/GROUP:
            // see TitlesMissingFromFileAreFilledFromRecords.
            << "file fid=6006 aid=4000 eid=66000 gid=888 size=1234567 "
               "ed2k=aaaabbbbccccddddeeeeffff00001111\n"
            << "file fid=5005 aid=3131 eid=55502 gid=777 size=9728000 "
               "ed2k=d7def262a127cd79096a108e7a9fc138\n"
            << "anime aid=3131 romaji_name=\"Aozora Kikou\" english_name=\"Blue Sky Voyage\" "
               "episodes=12 year=2019 type=\"TV Series\"\n"
            << "episode eid=55501 aid=3131 epno=03 english=\"The Captain's Map\" length=24\n"
            << "episode eid=55502 aid=3131 epno=04 english=\"Harbour\" length=24\n"
            << "group gid=777 name=\"Northwind Subs\" short_name=NWS\n";
        auto catalog = FakeCatalog::parse(cat.str());
        ASSERT_TRUE(catalog.ok()) << catalog.error().message;
        FakeServerOptions options;
        options.flood_interval = std::chrono::milliseconds(20);
        server_ = std::make_unique<FakeAnidbServer>(options);
        server_->set_catalog(std::move(catalog).value());
        server_->add_user(kUser, kPassword);
        ASSERT_TRUE(server_->start().ok());
        client = make_client(kPassword);
    }

    void TearDown() override {
        if (client != nullptr) {
            EXPECT_EQ(anidb_client_destroy(client), ANIDB_SUCCESS);
        }
        EXPECT_EQ(server_->flood_violations(), 0U) << "the client broke the flood rule";
        server_->stop();
        uint64_t count = 1, bytes = 1;
        EXPECT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
        EXPECT_EQ(count, 0U);
    }

    anidb_client_handle_t make_client(const char* password) {
        const std::string dir = (tmp / "cache").string();
        anidb_config_t cfg{};
        cfg.cache_dir = dir.c_str();
        cfg.username = kUser;
        cfg.password = password;
        cfg.client_name = "libanidbtest";
        cfg.client_version = "1";
        anidb_client_handle_t h = nullptr;
        EXPECT_EQ(anidb_client_create_with_config(&cfg, &h), ANIDB_SUCCESS);
        const std::string server = "127.0.0.1:" + std::to_string(server_->port());
        EXPECT_EQ(anidb_client_set_option(h, "anidb.server", server.c_str()), ANIDB_SUCCESS);
        EXPECT_EQ(anidb_client_set_option(h, "anidb.local_port", "0"), ANIDB_SUCCESS);
        EXPECT_EQ(anidb_client_set_option(h, "anidb.interval_scale", "0.01"), ANIDB_SUCCESS);
        EXPECT_EQ(anidb_client_set_option(h, "anidb.timeout_ms", "500"), ANIDB_SUCCESS);
        return h;
    }

    std::vector<anidb_event_t> poll_all() {
        std::vector<anidb_event_t> events(512);
        size_t n = 0;
        EXPECT_EQ(anidb_event_poll(client, events.data(), events.size(), &n), ANIDB_SUCCESS);
        events.resize(n);
        return events;
    }

    TempDir tmp;
    std::unique_ptr<FakeAnidbServer> server_;
    anidb_client_handle_t client = nullptr;
    std::string known_, known_ed2k_, blue_;
    std::ostringstream catalog_;  // the fake server's catalog as SetUp gave it
};

TEST_F(ClientAnidb, IdentifiesOnceThenAnswersFromTheCache) {
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_file(client, known_ed2k_.c_str(), 300000, &info), ANIDB_SUCCESS);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->file_id, 424242U);
    EXPECT_EQ(info->anime_id, 3131U);
    EXPECT_EQ(info->episode_id, 55501U);
    EXPECT_EQ(info->group_id, 777U);
    EXPECT_STREQ(info->title, "Aozora Kikou");
    EXPECT_STREQ(info->title_english, "Blue Sky Voyage");
    EXPECT_STREQ(info->episode_number_text, "03");
    EXPECT_EQ(info->episode_number, 3U);
    EXPECT_STREQ(info->episode_title, "The Captain's Map");
    EXPECT_STREQ(info->group_name, "Northwind Subs");
    EXPECT_STREQ(info->resolution, "848x480");
    EXPECT_STREQ(info->crc32, "9a8b7c6d");
    EXPECT_EQ(info->source, 0);
    anidb_free_anime_info(info);

    bool started = false, completed = false;
    for (const auto& e : poll_all()) {
        if (e.type == ANIDB_EVENT_NETWORK_START) started = true;
        if (e.type == ANIDB_EVENT_NETWORK_COMPLETE && e.data.network.status_code == 220) {
            completed = true;
            EXPECT_NE(std::string(e.data.network.endpoint).find("127.0.0.1:"), std::string::npos);
        }
    }
    EXPECT_TRUE(started && completed);

    const size_t asked = server_->count("FILE");
    ASSERT_EQ(anidb_identify_file(client, known_ed2k_.c_str(), 300000, &info), ANIDB_SUCCESS);
    EXPECT_EQ(info->source, 1);
    EXPECT_EQ(info->file_id, 424242U);
    anidb_free_anime_info(info);
    EXPECT_EQ(server_->count("FILE"), asked) << "a cached answer must not ask AniDB again";
}

TEST_F(ClientAnidb, CacheAnswersRefreshAsksAgainAndOffStoresNothing) {
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_file(client, known_ed2k_.c_str(), 300000, &info), ANIDB_SUCCESS);
    anidb_free_anime_info(info);
    const size_t asked = server_->count("FILE");
    // "refresh": AniDB is asked although the cache has a fresh answer.
    ASSERT_EQ(anidb_client_set_option(client, "cache.answers", "refresh"), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_identify_file(client, known_ed2k_.c_str(), 300000, &info), ANIDB_SUCCESS);
    EXPECT_EQ(info->source, 0);
    anidb_free_anime_info(info);
    EXPECT_EQ(server_->count("FILE"), asked + 1);
    // "off": asked again, and an unknown file leaves no back-off behind.
    ASSERT_EQ(anidb_client_set_option(client, "cache.answers", "off"), ANIDB_SUCCESS);
    const char* unknown = "00112233445566778899aabbccddeeff";
    EXPECT_EQ(anidb_identify_file(client, unknown, 1234, &info), ANIDB_ERROR_NO_SUCH_FILE);
    ASSERT_EQ(anidb_client_set_option(client, "cache.answers", "use"), ANIDB_SUCCESS);
    const size_t before_unknown = server_->count("FILE");
    EXPECT_EQ(anidb_identify_file(client, unknown, 1234, &info), ANIDB_ERROR_NO_SUCH_FILE);
    EXPECT_EQ(server_->count("FILE"), before_unknown + 1) << "\"off\" must not have stored it";
    // "use" again: the refreshed answer is in the cache.
    ASSERT_EQ(anidb_identify_file(client, known_ed2k_.c_str(), 300000, &info), ANIDB_SUCCESS);
    EXPECT_EQ(info->source, 1);
    anidb_free_anime_info(info);
    EXPECT_EQ(anidb_client_set_option(client, "cache.answers", "sometimes"),
              ANIDB_ERROR_INVALID_PARAMETER);
}

TEST_F(ClientAnidb, UnknownFileIsNotAskedAgainBeforeTheBackOff) {
    anidb_anime_info_t* info = nullptr;
    const char* unknown = "00112233445566778899aabbccddeeff";
    EXPECT_EQ(anidb_identify_file(client, unknown, 1234, &info), ANIDB_ERROR_NO_SUCH_FILE);
    EXPECT_EQ(info, nullptr);
    const size_t asked = server_->count("FILE");
    EXPECT_EQ(anidb_identify_file(client, unknown, 1234, &info), ANIDB_ERROR_NO_SUCH_FILE);
    EXPECT_EQ(server_->count("FILE"), asked);
    char msg[256];
    anidb_client_get_last_error(client, msg, sizeof msg);
    EXPECT_NE(std::string(msg).find("again"), std::string::npos) << msg;
}

TEST_F(ClientAnidb, ExactChunkMultipleIsRetriedWithTheOtherEd2kVariant) {
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_path(client, blue_.c_str(), &info), ANIDB_SUCCESS);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->file_id, 5005U);
    EXPECT_STREQ(info->ed2k, "d7def262a127cd79096a108e7a9fc138");
    anidb_free_anime_info(info);
    EXPECT_EQ(server_->count("FILE"), 2U);  // red first, then blue
}

// The blue variant comes from the same read as the red one: identifying the
// file reads it exactly once.
TEST_F(ClientAnidb, OtherEd2kVariantNeedsNoSecondRead) {
    const uint64_t before = io::bytes_read_total();
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_path(client, blue_.c_str(), &info), ANIDB_SUCCESS);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->file_id, 5005U);
    anidb_free_anime_info(info);
    EXPECT_EQ(io::bytes_read_total() - before, 9728000U);
}

// A file of two exact ED2K chunks that AniDB knows only by its blue ED2K,
// hashed once into the cache: a later identification, by a fresh client
// over the same cache, takes both variants from the cache row and reads no
// byte of the file (cache.answers "refresh": AniDB is asked both variants).
TEST_F(ClientAnidb, CachedChunkMultipleIsIdentifiedByItsBlueEd2kWithoutReading) {
    const std::string two = (tmp / "two chunks.mkv").string();
    const int fd = ::open(two.c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, 2 * 9728000), 0);
    ::close(fd);
    hash::FileHashOptions blue_only;
    blue_only.algorithms = {hash::Algorithm::ed2k};
    blue_only.ed2k_variant = hash::Ed2kVariant::blue;
    auto blue = hash::hash_file(two, blue_only);
    ASSERT_TRUE(blue.ok());
    catalog_ << "file fid=5006 aid=3131 eid=55502 gid=777 size=19456000 ed2k="
             << blue->digests.at(0).value << "\n";
    auto catalog = FakeCatalog::parse(catalog_.str());
    ASSERT_TRUE(catalog.ok()) << catalog.error().message;
    server_->set_catalog(std::move(catalog).value());

    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_path(client, two.c_str(), &info), ANIDB_SUCCESS);  // hashed, stored
    anidb_free_anime_info(info);
    ASSERT_EQ(anidb_client_destroy(client), ANIDB_SUCCESS);
    client = make_client(kPassword);
    ASSERT_EQ(anidb_client_set_option(client, "cache.answers", "refresh"), ANIDB_SUCCESS);
    const size_t asked = server_->count("FILE");
    const uint64_t before = io::bytes_read_total();
    info = nullptr;
    ASSERT_EQ(anidb_identify_path(client, two.c_str(), &info), ANIDB_SUCCESS);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->file_id, 5006U);
    EXPECT_EQ(info->anime_id, 3131U);
    EXPECT_STREQ(info->ed2k, blue->digests.at(0).value.c_str());
    anidb_free_anime_info(info);
    EXPECT_EQ(io::bytes_read_total() - before, 0U) << "both variants are in the cache row";
    EXPECT_EQ(server_->count("FILE"), asked + 2);  // red, then blue
}

// "Mark watched" for a file on disk that AniDB knows only by its blue ED2K:
// the file is found by that variant (from the same read), twice: hashed,
// then answered from the cache.
TEST_F(ClientAnidb, MarkWatchedPathFindsAFileKnownByItsBlueEd2k) {
    for (int round = 0; round < 2; ++round) {
        anidb_mylist_change_t change{};
        const uint64_t before = io::bytes_read_total();
        ASSERT_EQ(anidb_mylist_watched_path(client, blue_.c_str(), 1, 0, &change), ANIDB_SUCCESS)
            << round;
        EXPECT_EQ(change.what, round == 0 ? ANIDB_MYLIST_CHANGE_ADDED : ANIDB_MYLIST_CHANGE_NOTHING)
            << round;
        EXPECT_EQ(io::bytes_read_total() - before, round == 0 ? 9728000U : 0U);
    }
    EXPECT_EQ(server_->count("MYLISTADD"), 1U);
}

TEST_F(ClientAnidb, MylistAddIsIdempotentAndEditsOnNewWishes) {
    anidb_mylist_options_t opts = ANIDB_MYLIST_OPTIONS_INIT;
    anidb_mylist_result_t r{};
    ASSERT_EQ(anidb_mylist_add(client, known_ed2k_.c_str(), 300000, &opts, &r), ANIDB_SUCCESS);
    EXPECT_EQ(r.outcome, ANIDB_MYLIST_ADDED);
    EXPECT_GT(r.mylist_id, 0U);
    const uint64_t lid = r.mylist_id;
    EXPECT_EQ(server_->count("MYLISTADD"), 1U);

    ASSERT_EQ(anidb_mylist_add(client, known_ed2k_.c_str(), 300000, &opts, &r), ANIDB_SUCCESS);
    EXPECT_EQ(r.outcome, ANIDB_MYLIST_ALREADY_PRESENT);
    EXPECT_EQ(r.source, 1);
    EXPECT_EQ(r.mylist_id, lid);
    EXPECT_EQ(server_->count("MYLISTADD"), 1U) << "known locally: nothing is sent";

    opts.viewed = 1;
    opts.storage = "shelf & box";
    ASSERT_EQ(anidb_mylist_add(client, known_ed2k_.c_str(), 300000, &opts, &r), ANIDB_SUCCESS);
    EXPECT_EQ(r.outcome, ANIDB_MYLIST_UPDATED);
    EXPECT_EQ(server_->last_param("MYLISTADD", "edit"), "1");
    EXPECT_EQ(server_->last_param("MYLISTADD", "storage"), "shelf & box");
}

TEST_F(ClientAnidb, AlreadyInMylistOnTheServerIsNotAnError) {
    anidb_mylist_options_t opts = ANIDB_MYLIST_OPTIONS_INIT;
    anidb_mylist_result_t r{};
    ASSERT_EQ(anidb_mylist_add(client, known_ed2k_.c_str(), 300000, &opts, &r), ANIDB_SUCCESS);
    // A second client with a fresh cache does not know the local state.
    ASSERT_EQ(anidb_client_destroy(client), ANIDB_SUCCESS);
    std::filesystem::remove_all(tmp / "cache");
    client = make_client(kPassword);
    ASSERT_EQ(anidb_mylist_add(client, known_ed2k_.c_str(), 300000, &opts, &r), ANIDB_SUCCESS);
    EXPECT_EQ(r.outcome, ANIDB_MYLIST_ALREADY_PRESENT);
    EXPECT_EQ(r.source, 0);
}

// A UDP port that is free right now (a session belongs to one local port).
uint16_t free_udp_port() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

TEST_F(ClientAnidb, SessionKeptForReuseIsEndedByALaterLogout) {
    const uint16_t port = free_udp_port();
    ASSERT_EQ(anidb_client_set_option(client, "anidb.local_port", std::to_string(port).c_str()),
              ANIDB_SUCCESS);
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_file(client, known_ed2k_.c_str(), 300000, &info), ANIDB_SUCCESS);
    anidb_free_anime_info(info);
    ASSERT_EQ(anidb_client_destroy(client), ANIDB_SUCCESS);  // kept for the next process
    client = nullptr;
    EXPECT_EQ(server_->count("LOGOUT"), 0U);
    EXPECT_EQ(server_->active_sessions(), 1U);
    // A later client (the CLI's `session logout`) ends it without logging in.
    anidb::client::ClientConfig cfg;
    cfg.cache_dir = tmp / "cache";
    cfg.username = kUser;
    cfg.password = kPassword;
    cfg.client_name = "libanidbtest";
    cfg.server_host = "127.0.0.1";
    cfg.server_port = server_->port();
    cfg.local_port = port;
    cfg.interval_scale = 0.01;
    auto later = anidb::client::Client::create(cfg);
    ASSERT_TRUE(later.ok());
    EXPECT_TRUE(later.value()->logout().ok());
    EXPECT_EQ(server_->count("AUTH"), 1U);
    EXPECT_EQ(server_->count("LOGOUT"), 1U);
    EXPECT_EQ(server_->active_sessions(), 0U);
}

TEST_F(ClientAnidb, CodecsAndVersionReachTheCppApi) {
    anidb::client::ClientConfig cfg;
    cfg.cache_dir = tmp / "cache";
    cfg.username = kUser;
    cfg.password = kPassword;
    cfg.client_name = "libanidbtest";
    cfg.server_host = "127.0.0.1";
    cfg.server_port = server_->port();
    cfg.local_port = 0;
    cfg.interval_scale = 0.01;
    auto c = anidb::client::Client::create(cfg);
    ASSERT_TRUE(c.ok());
    for (bool cached : {false, true}) {
        auto info = c.value()->identify(300000, known_ed2k_);
        ASSERT_TRUE(info.ok()) << info.error().message;
        EXPECT_EQ(info->from_cache, cached);
        EXPECT_EQ(info->video_codec, "H264/AVC");
        EXPECT_EQ(info->audio_codecs, "AAC,FLAC");
        EXPECT_EQ(info->version, 3U);  // state 9: CRC ok, v3
    }
}

TEST_F(ClientAnidb, TitlesMissingFromFileAreFilledFromRecords) {
    {  // ANIME and EPISODE answers cached earlier
        auto db = anidb::cache::CacheDb::open(tmp / "cache" / "anidb.db");
        ASSERT_TRUE(db.ok());
        const int64_t now = std::time(nullptr);
        using Kind = anidb::cache::CacheDb::RecordKind;
        ASSERT_TRUE(
            db.value()
                ->store_record(Kind::anime,
                               {4000, {{"romaji", "Kaze no Tani"}, {"english", "Valley"}}, now})
                .ok());
        ASSERT_TRUE(db.value()
                        ->store_record(Kind::episode,
                                       {66000, {{"english", "The Wind"}, {"epno", "01"}}, now})
                        .ok());
    }
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_file(client, "aaaabbbbccccddddeeeeffff00001111", 1234567, &info),
              ANIDB_SUCCESS);
    EXPECT_STREQ(info->title, "Kaze no Tani");
    EXPECT_STREQ(info->title_english, "Valley");
    EXPECT_STREQ(info->episode_title, "The Wind");
    EXPECT_STREQ(info->group_name, "");  // AniDB has no group 888: asked once, left empty
    anidb_free_anime_info(info);
    EXPECT_EQ(server_->count("ANIME"), 0U) << "cached records are not asked for again";
    EXPECT_EQ(server_->count("EPISODE"), 0U);
    EXPECT_EQ(server_->count("GROUP"), 1U);
    ASSERT_EQ(anidb_identify_file(client, "aaaabbbbccccddddeeeeffff00001111", 1234567, &info),
              ANIDB_SUCCESS);
    EXPECT_EQ(info->source, 1);
    EXPECT_STREQ(info->title, "Kaze no Tani");
    anidb_free_anime_info(info);
    EXPECT_EQ(server_->count("GROUP"), 1U) << "a cached answer sends nothing";
}

TEST_F(ClientAnidb, WrongPasswordIsLoginFailed) {
    anidb_client_handle_t bad = make_client("wrong");
    anidb_anime_info_t* info = nullptr;
    EXPECT_EQ(anidb_identify_file(bad, known_ed2k_.c_str(), 300000, &info),
              ANIDB_ERROR_LOGIN_FAILED);
    char msg[256];
    anidb_client_get_last_error(bad, msg, sizeof msg);
    EXPECT_EQ(std::string(msg).find("wrong"), std::string::npos) << "no password in messages";
    EXPECT_EQ(anidb_client_destroy(bad), ANIDB_SUCCESS);
}

TEST_F(ClientAnidb, CredentialsStayOutOfEventsAndTheDatabase) {
    anidb_anime_info_t* info = nullptr;
    ASSERT_EQ(anidb_identify_file(client, known_ed2k_.c_str(), 300000, &info), ANIDB_SUCCESS);
    anidb_free_anime_info(info);
    for (const auto& e : poll_all()) {
        if (e.context != nullptr) {
            EXPECT_EQ(std::string(e.context).find("p&ss"), std::string::npos);
        }
    }
    ASSERT_EQ(anidb_client_destroy(client), ANIDB_SUCCESS);
    client = nullptr;
    for (const char* name : {"anidb.db", "anidb.db-wal"}) {
        std::ifstream f(tmp / "cache" / name, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(f)),
                                std::istreambuf_iterator<char>());
        EXPECT_EQ(bytes.find("p&ss=w0rd"), std::string::npos) << name;
        EXPECT_EQ(bytes.find("secret"), std::string::npos) << name;
    }
}

}  // namespace
}  // namespace anidb::test
