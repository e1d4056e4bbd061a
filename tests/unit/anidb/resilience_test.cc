// Re-login, time-outs, retries, foreign replies, server error codes and
// cool-downs, end to end against the fake server.
#include <gtest/gtest.h>

#include "anidb/cooldown.h"
#include "fixture.h"

namespace anidb::udp::testing {
namespace {

class Resilience : public UdpEndToEnd {
  protected:
    std::unique_ptr<Session> logged_in() {
        auto s = open();
        EXPECT_TRUE(s && s->login().ok());
        return s;
    }
};

TEST_F(Resilience, ReauthOn501And506) {
    for (int code : {501, 506}) {
        auto session = logged_in();
        ASSERT_TRUE(session);
        size_t auths = server_->count("AUTH");
        server_->invalidate_session_next(code);
        auto f = seen(file_by_hash(*session, kSize, kEd2k));
        ASSERT_TRUE(f.ok()) << code << ": " << f.error().message;
        EXPECT_EQ(f->fid, 424242);
        EXPECT_EQ(server_->count("AUTH"), auths + 1) << code;
    }
}

TEST_F(Resilience, PacketLossIsRetriedWithTheSameTag) {
    auto session = logged_in();
    ASSERT_TRUE(session);
    server_->drop_next(2);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    ASSERT_TRUE(f.ok()) << f.error().message;
    auto log = server_->log();
    ASSERT_GE(log.size(), 4u);
    // The last three datagrams are the same FILE request (same tag), twice dropped.
    EXPECT_EQ(log[log.size() - 1].text, log[log.size() - 3].text);
    EXPECT_TRUE(log[log.size() - 3].dropped);
    EXPECT_EQ(log[log.size() - 3].drop_reason, "fault");
}

TEST_F(Resilience, NoReplyEndsInTimeout) {
    auto session = logged_in();
    ASSERT_TRUE(session);
    server_->drop_next(100);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    EXPECT_EQ(f.code(), Errc::timeout);
    EXPECT_NE(f.error().message.find("3 attempts"), std::string::npos) << f.error().message;
    EXPECT_EQ(server_->count("FILE"), 0u);
    auto ev = events();
    EXPECT_EQ(ev.back().kind, NetworkEvent::Kind::complete);
    EXPECT_EQ(ev.back().code, 0);
    server_->drop_next(0);
}

TEST_F(Resilience, WrongTagDuplicateAndGarbageRepliesAreIgnored) {
    auto session = logged_in();
    ASSERT_TRUE(session);
    server_->wrong_tag_next(1);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(server_->count("FILE"), 2u);  // the wrongly tagged answer was dropped
    server_->duplicate_replies(true);
    server_->garbage_next(3);
    for (int i = 0; i < 3; ++i) {
        auto a = seen(anime(*session, 3131));
        ASSERT_TRUE(a.ok()) << a.error().message;
        EXPECT_EQ(a->aid, 3131);
        auto e = seen(episode(*session, 55501));
        ASSERT_TRUE(e.ok()) << e.error().message;
        EXPECT_EQ(e->eid, 55501);
    }
    server_->duplicate_replies(false);
}

TEST_F(Resilience, ServerErrorCodesMapToDistinctResults) {
    struct Case {
        int code;
        bool untagged;
        Errc expected;
    };
    const Case cases[] = {{600, false, Errc::server_error},    {600, true, Errc::server_error},
                          {603, false, Errc::server_error},    {502, false, Errc::access_denied},
                          {503, false, Errc::client_rejected}, {504, false, Errc::client_rejected},
                          {505, false, Errc::protocol},        {598, false, Errc::protocol}};
    auto session = logged_in();
    ASSERT_TRUE(session);
    for (const auto& c : cases) {
        server_->answer_next(c.code, 1, c.untagged);
        EXPECT_EQ(seen(file_by_hash(*session, kSize, kEd2k)).code(), c.expected) << c.code;
    }
    EXPECT_TRUE(seen(file_by_hash(*session, kSize, kEd2k)).ok());
}

TEST_F(Resilience, BusyIsRetriedThenReported) {
    auto session = logged_in();
    ASSERT_TRUE(session);
    server_->answer_next(602, 1);
    EXPECT_TRUE(seen(file_by_hash(*session, kSize, kEd2k)).ok());
    server_->answer_next(604, 2, true);  // untagged, attributed to our request
    EXPECT_TRUE(seen(file_by_hash(*session, kSize, kEd2k)).ok());
    server_->answer_next(602, 3);  // busy_retries = 2
    EXPECT_EQ(seen(file_by_hash(*session, kSize, kEd2k)).code(), Errc::server_busy);
}

TEST_F(Resilience, BanIsPersistedAndHonouredByTheNextSession) {
    auto session = logged_in();
    ASSERT_TRUE(session);
    server_->answer_next(555, 1);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    EXPECT_EQ(f.code(), Errc::banned);
    EXPECT_NE(f.error().message.find("injected ban"), std::string::npos) << f.error().message;
    EXPECT_NE(f.error().message.find("not sending to AniDB before"), std::string::npos);
    size_t before = server_->log().size();
    EXPECT_EQ(seen(file_by_hash(*session, kSize, kEd2k)).code(), Errc::banned);
    auto second = open();
    ASSERT_TRUE(second);
    EXPECT_EQ(seen(second->ping()).code(), Errc::banned);
    EXPECT_EQ(server_->log().size(), before);  // nothing was sent
    auto c = active_cooldown(settings().state_dir);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->code, Errc::banned);
    EXPECT_TRUE(std::filesystem::exists(settings().state_dir / "udp-cooldown"));
}

TEST_F(Resilience, OutOfServiceIsPersisted) {
    auto session = logged_in();
    ASSERT_TRUE(session);
    server_->answer_next(601, 1, true);
    EXPECT_EQ(seen(file_by_hash(*session, kSize, kEd2k)).code(), Errc::out_of_service);
    auto second = open();
    ASSERT_TRUE(second);
    auto r = seen(file_by_hash(*second, kSize, kEd2k));
    EXPECT_EQ(r.code(), Errc::out_of_service);
    EXPECT_NE(r.error().message.find("out of service"), std::string::npos);
}

TEST(Cooldown, LaterEndWinsAndExpiredIsIgnored) {
    test::TempDir dir;
    record_cooldown(dir.path(), Errc::out_of_service, std::chrono::milliseconds(-1), "past");
    EXPECT_FALSE(active_cooldown(dir.path()));
    record_cooldown(dir.path(), Errc::banned, std::chrono::hours(2), "long");
    record_cooldown(dir.path(), Errc::out_of_service, std::chrono::minutes(1), "short");
    auto c = active_cooldown(dir.path());
    ASSERT_TRUE(c);
    EXPECT_EQ(c->code, Errc::banned);
    EXPECT_EQ(c->reason, "long");
}

}  // namespace
}  // namespace anidb::udp::testing
