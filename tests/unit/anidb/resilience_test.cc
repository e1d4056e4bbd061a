// Re-login, time-outs, retries, foreign replies, server error codes and
// cool-downs, end to end against the fake server.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "anidb/cooldown.h"
#include "anidb/host_state.h"
#include "fixture.h"

namespace anidb::udp::testing {
namespace {

class Resilience : public UdpEndToEnd {
  protected:
    // Ends the no-answer back-off of the test's host-wide state (the rate
    // state stays, so the flood rule still holds).
    void forgive_no_answer() {
        StopWait wait({});
        auto lock = HostLock::acquire(host_dir(), wait, std::nullopt, {});
        ASSERT_TRUE(lock.ok()) << lock.error().message;
        record_answer((*lock)->record());
        ASSERT_TRUE((*lock)->save().ok());
    }

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
    auto record = peek_host_record(host_dir());
    ASSERT_TRUE(record);
    auto c = active_cooldown(*record);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->code, Errc::banned);
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

// Issue 12 item 10: with a scale so small that the 30-minute cool-down is 0 ms,
// a 555 used to dereference an empty optional (the cool-down had already
// ended when it was read back).
TEST_F(Resilience, BanWithATinyIntervalScaleIsStillReported) {
    server_->set_flood_interval(std::chrono::milliseconds(0));  // the client's is ~0 too
    Settings s = settings();
    s.interval_scale = 1e-8;
    auto session = open(s);
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    server_->answer_next(555, 1);
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    EXPECT_EQ(f.code(), Errc::banned);
    EXPECT_NE(f.error().message.find("injected ban"), std::string::npos) << f.error().message;
}

// Issue 12 item 7: the first exchange that gets no answer gives up within
// give_up_after; the next calls, in this session and in another one, fail at
// once with the same cause instead of waiting again.
TEST_F(Resilience, NoAnswerFailsTheRestAtOnceHostWide) {
    Settings s = settings();
    s.interval_scale = 0.5;  // a back-off of 15 s: the rest of the test runs inside it
    s.reply_timeout = std::chrono::milliseconds(150);
    s.give_up_after = std::chrono::milliseconds(400);
    auto session = open(s);
    ASSERT_TRUE(session);
    server_->drop_next(1000);
    auto first = seen(file_by_hash(*session, kSize, kEd2k));
    EXPECT_EQ(first.code(), Errc::timeout) << first.error().message;
    const size_t sent = server_->log().size();
    EXPECT_GE(sent, 1u);
    auto again = seen(file_by_hash(*session, kSize, kEd2k));
    EXPECT_EQ(again.code(), Errc::timeout);
    EXPECT_NE(again.error().message.find("AniDB did not answer"), std::string::npos)
        << again.error().message;
    EXPECT_NE(again.error().message.find("no reply to AUTH"), std::string::npos)
        << again.error().message;
    auto other = open(s);
    ASSERT_TRUE(other);
    EXPECT_EQ(seen(other->ping()).code(), Errc::timeout);
    EXPECT_EQ(server_->log().size(), sent);  // nothing more left this machine
    server_->drop_next(0);
}

// Issue 12 item 4: a FILE reply about another file is a protocol error.
TEST_F(Resilience, ReplyAboutAnotherFileIsRefused) {
    auto session = logged_in();
    ASSERT_TRUE(session);
    server_->inject({test::Fault::other_file, 1, "FILE"});
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    EXPECT_EQ(f.code(), Errc::protocol);
    EXPECT_NE(f.error().message.find("not about what was asked"), std::string::npos)
        << f.error().message;
    EXPECT_TRUE(seen(file_by_hash(*session, kSize, kEd2k)).ok());
}

// Server text with terminal escapes never reaches a message or the
// host-wide state unescaped.
TEST_F(Resilience, ServerTextIsEscapedInMessagesAndStoredState) {
    Settings s = settings();
    for (int code : {600, 505, 555}) {  // 555 last: it bans this (test) host
        auto session = open(s);
        ASSERT_TRUE(session);
        ASSERT_TRUE(session->login().ok());
        server_->inject({test::Fault::code, 1, "FILE", code});
        auto f = seen(file_by_hash(*session, kSize, kEd2k));
        ASSERT_FALSE(f.ok()) << code;
        for (char c : f.error().message) {
            EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                << code << ": control character in " << f.error().message;
        }
        EXPECT_NE(f.error().message.find("\\x1b"), std::string::npos) << f.error().message;
        std::ifstream in(s.host_state_dir / "state");
        std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(stored.find('\x1b'), std::string::npos) << stored;
        EXPECT_EQ(stored.find('\x07'), std::string::npos) << stored;
    }
}

// Garbage, truncated, wrongly tagged, bomb and oversized replies: no crash,
// a clean error (or the right answer), never a wrong one.
TEST_F(Resilience, MalformedRepliesEndCleanly) {
    Settings s = settings();
    s.reply_timeout = std::chrono::milliseconds(100);
    s.max_retries = 1;
    struct Case {
        test::Fault fault;
        Errc expected;
    };
    const Case cases[] = {{test::Fault::garbage, Errc::timeout},
                          {test::Fault::truncated, Errc::protocol},
                          {test::Fault::wrong_tag, Errc::timeout},
                          {test::Fault::zlib_bomb, Errc::timeout},
                          {test::Fault::huge_fields, Errc::ok}};
    for (const auto& c : cases) {
        forgive_no_answer();  // the previous case's back-off would fail this one at once
        auto session = open(s);
        ASSERT_TRUE(session);
        ASSERT_TRUE(session->login().ok());
        server_->inject({c.fault, 1000, "FILE"});
        auto f = seen(file_by_hash(*session, kSize, kEd2k));
        EXPECT_EQ(f.code(), c.expected)
            << static_cast<int>(c.fault) << ": " << (f.ok() ? "" : f.error().message);
        if (f.ok()) {
            EXPECT_EQ(f->fid, 424242);
            EXPECT_EQ(f->ed2k, kEd2k);
            EXPECT_LE(f->romaji_title.size(), 1100u);  // fields are capped
            EXPECT_EQ(f->romaji_title.find('\x1b'), std::string::npos);
        }
        server_->clear_faults();
    }
}

// A stop request ends the wait for a reply at once (Ctrl-C, a cancelled
// operation, a client being destroyed).
TEST_F(Resilience, StopEndsTheWaitForAReply) {
    Settings s = settings();
    s.reply_timeout = std::chrono::milliseconds(30000);
    auto session = open(s);
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    server_->delay_replies(std::chrono::milliseconds(20000));
    std::stop_source stop;
    std::thread stopper([&] {
        while (server_->count("FILE") == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        stop.request_stop();
    });
    auto f = seen(file_by_hash(*session, kSize, kEd2k, stop.get_token()));
    stopper.join();
    EXPECT_EQ(f.code(), Errc::cancelled);
    server_->delay_replies(std::chrono::milliseconds(0));
}

}  // namespace
}  // namespace anidb::udp::testing
