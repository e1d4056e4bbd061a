// MYLISTADD answered late (a retransmission), and session reuse across
// Session objects through a SessionStore. The MyList commands themselves:
// mylist_commands_test.cc.
#include "anidb/session_store.h"
#include "fixture.h"

namespace anidb::udp::testing {
namespace {

class Mylist : public UdpEndToEnd {};

TEST_F(Mylist, LateReplyToARetransmissionIsStillSuccess) {
    server_->delay_replies(std::chrono::milliseconds(0));
    auto session = open();
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    server_->delay_replies(std::chrono::milliseconds(350));  // > reply_timeout (250 ms)
    MylistValues values;
    values.state = MylistState::internal;
    auto r = seen(mylist_add(*session, FileId{424242}, values));
    ASSERT_TRUE(r.ok()) << r.error().message;
    // The first copy was added: the retransmission is answered 310.
    const int64_t lid = std::holds_alternative<MylistAdded>(*r)
                            ? std::get<MylistAdded>(*r).lid
                            : std::get<AlreadyInMylist>(*r).entry.lid;
    EXPECT_EQ(lid, 5000001);
    EXPECT_GE(server_->count("MYLISTADD"), 2u);  // it was resent
    server_->delay_replies(std::chrono::milliseconds(0));
}

TEST_F(Mylist, SessionReusedByTheNextSessionOnTheSamePort) {
    MemorySessionStore store;
    Settings s = settings();
    s.session_store = &store;
    uint16_t port = 0;
    {
        auto first = open(s);
        ASSERT_TRUE(first);
        ASSERT_TRUE(seen(file_by_hash(*first, kSize, kEd2k)).ok());
        EXPECT_FALSE(first->reused_session());
        port = first->local_port();
    }
    EXPECT_EQ(server_->count("LOGOUT"), 0u);  // kept for reuse
    s.local_port = port;
    {
        auto second = open(s);
        ASSERT_TRUE(second);
        ASSERT_TRUE(seen(file_by_hash(*second, kSize, kEd2k)).ok());
        EXPECT_TRUE(second->reused_session());
        EXPECT_EQ(server_->count("AUTH"), 1u);
        // The server forgot the session: silently log in again.
        server_->invalidate_session_next(506);
        ASSERT_TRUE(seen(anime(*second, 3131)).ok());
        EXPECT_EQ(server_->count("AUTH"), 2u);
        EXPECT_TRUE(second->logout().ok());
    }
    EXPECT_EQ(server_->count("LOGOUT"), 1u);
    EXPECT_FALSE(store.get(std::string("anidb.udp.session:") + kUser +
                           "@127.0.0.1:" + std::to_string(server_->port())));
    // Another local port never reuses a stored key.
    s.local_port = 0;
    auto third = open(s);
    ASSERT_TRUE(third);
    ASSERT_TRUE(third->login().ok());
    EXPECT_FALSE(third->reused_session());
    EXPECT_TRUE(third->logout().ok());
}

}  // namespace
}  // namespace anidb::udp::testing
