// MYLISTADD end to end: add, add again (310), edit (311), 411, and session
// reuse across Session objects through a SessionStore.
#include "anidb/session_store.h"
#include "fixture.h"

namespace anidb::udp::testing {
namespace {

class Mylist : public UdpEndToEnd {};

TEST_F(Mylist, AddTwiceThenEdit) {
    auto session = open();
    ASSERT_TRUE(session);
    MylistAddRequest req;
    req.size = kSize;
    req.ed2k = kEd2k;
    req.state = 1;
    req.viewed = false;
    req.other = "first & only\nnote";
    auto first = seen(mylist_add(*session, req));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->outcome, MylistOutcome::added);
    EXPECT_EQ(first->lid, 5000001);
    EXPECT_EQ(server_->last_param("MYLISTADD", "other"), "first & only\nnote");

    auto second = seen(mylist_add(*session, req));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->outcome, MylistOutcome::already_present);
    EXPECT_EQ(second->lid, 5000001);
    ASSERT_TRUE(second->entry);
    EXPECT_EQ(second->entry->fid, 424242);
    EXPECT_EQ(second->entry->state, 1);
    EXPECT_EQ(second->entry->other, "first & only\nnote");

    // FILE now reports the MyList id.
    auto f = seen(file_by_hash(*session, kSize, kEd2k));
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->lid, 5000001);

    MylistAddRequest edit;
    edit.lid = first->lid;
    edit.edit = true;
    edit.viewed = true;
    edit.viewdate = 1700000000;
    auto edited = seen(mylist_add(*session, edit));
    ASSERT_TRUE(edited.ok()) << edited.error().message;
    EXPECT_EQ(edited->outcome, MylistOutcome::edited);
    EXPECT_EQ(server_->last_param("MYLISTADD", "edit"), "1");

    MylistAddRequest by_fid;
    by_fid.fid = 424242;
    by_fid.edit = true;
    by_fid.state = 2;
    auto edited2 = seen(mylist_add(*session, by_fid));
    ASSERT_TRUE(edited2.ok());
    EXPECT_EQ(edited2->outcome, MylistOutcome::edited);

    MylistAddRequest missing;
    missing.lid = 42;
    missing.edit = true;
    // An edit that sets nothing is refused before anything is sent.
    const size_t sent = server_->count("MYLISTADD");
    EXPECT_EQ(seen(mylist_add(*session, missing)).code(), Errc::invalid_parameter);
    EXPECT_EQ(server_->count("MYLISTADD"), sent);
    missing.state = 1;
    EXPECT_EQ(seen(mylist_add(*session, missing)).code(), Errc::no_such_file);
    MylistAddRequest unknown;
    unknown.fid = 9;
    EXPECT_EQ(seen(mylist_add(*session, unknown)).code(), Errc::no_such_file);
    EXPECT_EQ(seen(mylist_add(*session, MylistAddRequest{})).code(), Errc::invalid_parameter);
}

TEST_F(Mylist, LateReplyToARetransmissionIsStillSuccess) {
    server_->delay_replies(std::chrono::milliseconds(0));
    auto session = open();
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    server_->delay_replies(std::chrono::milliseconds(350));  // > reply_timeout (250 ms)
    MylistAddRequest req;
    req.fid = 424242;
    req.state = 1;
    auto r = seen(mylist_add(*session, req));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->outcome == MylistOutcome::added || r->outcome == MylistOutcome::already_present);
    EXPECT_EQ(r->lid, 5000001);
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
