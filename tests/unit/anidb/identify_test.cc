// FILE / ANIME / EPISODE / GROUP end to end against the fake server.
#include <unistd.h>

#include "fixture.h"

namespace anidb::udp::testing {
namespace {

class Identify : public UdpEndToEnd {};

TEST_F(Identify, FoundFileDecodesEveryField) {
    auto session = open();
    ASSERT_TRUE(session);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->fid, 424242);
    EXPECT_EQ(f->aid, 3131);
    EXPECT_EQ(f->eid, 55501);
    EXPECT_EQ(f->gid, 777);
    EXPECT_EQ(f->lid, 0);
    EXPECT_EQ(f->state, 9);
    EXPECT_EQ(f->size, kSize);
    EXPECT_EQ(f->ed2k, kEd2k);
    EXPECT_EQ(f->crc32, "9a8b7c6d");
    EXPECT_EQ(f->md5, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(f->audio_codecs, (std::vector<std::string>{"AAC", "AC3"}));
    EXPECT_EQ(f->video_codec, "H264/AVC");
    EXPECT_EQ(f->dub_languages, (std::vector<std::string>{"japanese", "english"}));
    EXPECT_EQ(f->length_seconds, 1440);
    EXPECT_EQ(f->anime_total_episodes, 12);
    EXPECT_EQ(f->year, "2019");
    EXPECT_EQ(f->anime_type, "TV Series");
    EXPECT_EQ(f->romaji_title, "Aozora Kikou");
    EXPECT_EQ(f->kanji_title, "青空紀行");
    EXPECT_EQ(f->english_title, "Blue Sky Voyage");
    EXPECT_EQ(f->epno, "03");
    EXPECT_EQ(f->episode_english_title, "The Captain's Map");
    EXPECT_EQ(f->episode_kanji_title, "船長の地図");
    EXPECT_EQ(f->group_name, "Northwind Subs");
    EXPECT_EQ(f->group_short_name, "NWS");
    // What went over the wire.
    EXPECT_EQ(server_->last_param("FILE", "fmask"), "79F8EBE800");
    EXPECT_EQ(server_->last_param("FILE", "amask"), "B0E0F0C0");
    EXPECT_EQ(server_->last_param("AUTH", "protover"), "3");
    EXPECT_EQ(server_->last_param("AUTH", "enc"), "UTF8");
    EXPECT_EQ(server_->last_param("AUTH", "comp"), "1");
    EXPECT_EQ(server_->last_param("AUTH", "nat"), "1");
    EXPECT_EQ(server_->last_param("AUTH", "pass"), kPassword);  // escaped, arrived intact
    session.reset();
    EXPECT_EQ(server_->count("LOGOUT"), 1u);  // no session store: LOGOUT on destroy
    std::vector<NetworkEvent> ev;
    bool waited = false;
    for (const auto& e : events()) {
        if (e.kind != NetworkEvent::Kind::waiting) {
            ev.push_back(e);
        } else {
            // FILE and LOGOUT wait for their rate-limit slot and say when they leave.
            waited = true;
            EXPECT_EQ(e.waiting, NetworkEvent::Waiting::rate_limit);
            EXPECT_TRUE(e.send_at.has_value());
        }
    }
    EXPECT_TRUE(waited);
    ASSERT_GE(ev.size(), 6u);  // AUTH, FILE, LOGOUT: start + complete each
    EXPECT_EQ(ev[0].kind, NetworkEvent::Kind::start);
    EXPECT_EQ(ev[0].command, "AUTH");
    EXPECT_EQ(ev[0].endpoint, "127.0.0.1:" + std::to_string(server_->port()));
    EXPECT_EQ(ev[3].command, "FILE");
    EXPECT_EQ(ev[3].code, 220);
}

TEST_F(Identify, UnknownFileIsNoSuchFile) {
    auto session = open();
    ASSERT_TRUE(session);
    auto f = seen(file_by_hash(*session, 12345, "ffffffffffffffffffffffffffffffff"));
    EXPECT_EQ(f.code(), Errc::no_such_file);
}

TEST_F(Identify, MultipleFilesFetchesTheLowestFid) {
    auto cat = test::FakeCatalog::worked_example();
    test::FakeRecord twin = cat.files.front();
    twin.set("fid", 500000).set("quality", "low");
    cat.files.push_back(twin);
    server_->set_catalog(cat);
    auto session = open();
    ASSERT_TRUE(session);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->fid, 424242);
    EXPECT_EQ(f->all_fids, (std::vector<int64_t>{424242, 500000}));
    EXPECT_EQ(server_->last_param("FILE", "fid"), "424242");
}

TEST_F(Identify, CompressedRepliesZlibAndRawDeflate) {
    server_->set_compress_threshold(40);
    auto session = open();
    ASSERT_TRUE(session);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->group_name, "Northwind Subs");
    server_->set_raw_deflate(true);
    auto again = seen(file_by_id(*session, 424242));
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->english_title, "Blue Sky Voyage");
    EXPECT_GE(server_->compressed_replies(), 2u);
}

TEST_F(Identify, AnimeEpisodeGroup) {
    auto session = open();
    ASSERT_TRUE(session);
    auto a = seen(anime(*session, 3131));
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->aid, 3131);
    EXPECT_EQ(a->romaji_title, "Aozora Kikou");
    EXPECT_EQ(a->short_names, (std::vector<std::string>{"AK", "Aozora"}));
    EXPECT_EQ(a->episodes, 12);
    EXPECT_EQ(server_->last_param("ANIME", "amask")->size(), 14u);
    auto e = seen(episode(*session, 55501));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->epno, "03");
    EXPECT_EQ(e->english_title, "The Captain's Map");
    auto g = seen(group(*session, 777));
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->short_name, "NWS");
    EXPECT_EQ(seen(anime(*session, 1)).code(), Errc::no_such_file);
    EXPECT_EQ(seen(episode(*session, 1)).code(), Errc::no_such_file);
    EXPECT_EQ(seen(group(*session, 1)).code(), Errc::no_such_file);
}

TEST_F(Identify, EncryptedSession) {
    server_->set_compress_threshold(40);  // encrypted and compressed
    Settings s = settings();
    s.api_key = kApiKey;
    s.encrypt = true;
    auto session = open(s);
    ASSERT_TRUE(session);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->romaji_title, "Aozora Kikou");
    EXPECT_EQ(server_->count("ENCRYPT"), 1u);
    EXPECT_GE(server_->compressed_replies(), 1u);
    EXPECT_EQ(server_->last_param("ENCRYPT", "user"), kUser);
    session.reset();
    EXPECT_EQ(server_->count("LOGOUT"), 1u);  // sent encrypted, understood
}

TEST_F(Identify, NoCredentialsSendsNothing) {
    Settings s = settings();
    s.password.clear();
    auto session = open(s);
    ASSERT_TRUE(session);
    EXPECT_EQ(seen(file_by_hash(*session, kSize, kEd2k)).code(), Errc::no_credentials);
    EXPECT_TRUE(server_->log().empty());
}

TEST_F(Identify, WrongPasswordIsLoginFailed) {
    Settings s = settings();
    s.password = "wrong";
    auto session = open(s);
    ASSERT_TRUE(session);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    EXPECT_EQ(f.code(), Errc::login_failed);
    EXPECT_EQ(server_->count("AUTH"), 1u);  // no automatic retry
}

TEST_F(Identify, PasswordInjectionCannotAddParameters) {
    server_->add_user("victim", "x&user=admin&s=abc");
    Settings s = settings();
    s.username = "victim";
    s.password = "x&user=admin&s=abc";
    auto session = open(s);
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    EXPECT_EQ(server_->last_param("AUTH", "user"), "victim");
    EXPECT_EQ(server_->last_param("AUTH", "pass"), "x&user=admin&s=abc");
    EXPECT_EQ(server_->last_param("AUTH", "s"), std::nullopt);
}

TEST_F(Identify, PingNeedsNoLogin) {
    Settings s = settings();
    s.username.clear();
    auto session = open(s);
    ASSERT_TRUE(session);
    auto port = session->ping();
    ASSERT_TRUE(port.ok());
    EXPECT_EQ(*port, session->local_port());
}

TEST(SessionSettings, ScaleIgnoredAndPortZeroRefusedForRemoteServers) {
    Settings s;
    s.server_host = "192.0.2.1";  // TEST-NET-1: never routed, nothing is sent here
    s.interval_scale = 0.01;
    s.local_port = 0;
    EXPECT_EQ(Session::open(s).code(), Errc::invalid_parameter);
    s.local_port = 1000;
    EXPECT_EQ(Session::open(s).code(), Errc::invalid_parameter);
    s.local_port = static_cast<uint16_t>(40000 + ::getpid() % 20000);
    auto session = Session::open(s);  // binds and connects; sends nothing
    ASSERT_TRUE(session.ok()) << session.error().message;
    EXPECT_EQ((*session)->effective_scale(), 1.0);
}

}  // namespace
}  // namespace anidb::udp::testing
