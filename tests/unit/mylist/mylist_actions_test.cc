// The MyList actions end to end: the fake AniDB server on 127.0.0.1, the
// local state in a real SQLite file. The figure issue 16 asks for: a
// repeated "mark watched" sends nothing (no session is even asked for).
#include <ctime>

#include "../anidb/fixture.h"
#include "cache/cache_db.h"
#include "mylist/mylist_actions.h"

namespace anidb::mylist {
namespace {

using udp::testing::kUser;

constexpr FileIds kFile{424242, 55501, 3131, 777};

class MylistActions : public udp::testing::UdpEndToEnd {
  protected:
    void SetUp() override {
        UdpEndToEnd::SetUp();
        now_ = static_cast<int64_t>(std::time(nullptr));
        auto db = cache::CacheDb::open(dir_.path() / "anidb.db");
        ASSERT_TRUE(db.ok()) << db.error().message;
        auto s = MylistStore::open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(*s);
    }
    void TearDown() override {
        session_.reset();
        UdpEndToEnd::TearDown();
    }
    // The session, opened when first asked for; counts the asks.
    SessionSource source() {
        return [this]() -> Result<udp::Session*> {
            ++asked_;
            if (!session_) session_ = open();
            if (!session_) return make_error(Errc::network, "no session");
            return session_.get();
        };
    }
    void preload(int64_t viewdate) {
        test::FakeCatalog cat = test::FakeCatalog::mylist_example();
        test::FakeRecord m;
        m.set("user", kUser).set("fid", kFile.fid).set("lid", 6000000).set("state", 1);
        m.set("viewdate", viewdate).set("date", now_ - 1000);
        cat.mylist.push_back(m);
        server_->set_catalog(cat);
    }
    size_t datagrams() { return server_->log().size(); }

    int64_t now_ = 0;
    int asked_ = 0;
    std::unique_ptr<udp::Session> session_;
    std::unique_ptr<MylistStore> store_;
};

TEST_F(MylistActions, RepeatedWatchedSendsNothing) {
    auto first = mark_watched(source(), *store_, kFile, {true, std::nullopt, now_}, now_);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->what, MylistChange::What::added);
    EXPECT_EQ(first->commands, 1);
    EXPECT_EQ(server_->mylist_entry(kUser, kFile.fid)->get("viewdate"), std::to_string(now_));
    EXPECT_EQ(server_->mylist_entry(kUser, kFile.fid)->get("state"), "1");

    const size_t before = datagrams();
    const int asks = asked_;
    for (int i = 0; i < 3; ++i) {
        auto again =
            mark_watched(source(), *store_, kFile, {true, std::nullopt, now_ + int64_t{60} * i},
                         now_ + int64_t{60} * i);
        ASSERT_TRUE(again.ok()) << again.error().message;
        EXPECT_EQ(again->what, MylistChange::What::nothing);
        EXPECT_EQ(again->commands, 0);
        EXPECT_EQ(again->lid, first->lid);
    }
    EXPECT_EQ(datagrams(), before);  // 0 packets
    EXPECT_EQ(asked_, asks);         // not even a session
}

TEST_F(MylistActions, WatchedOnAFileAlreadyInMylist) {
    preload(0);
    auto r = mark_watched(source(), *store_, kFile, {true, now_ - 30, now_}, now_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->what, MylistChange::What::edited);
    EXPECT_EQ(r->commands, 2);  // MYLISTADD (310 with the entry), then the edit by lid
    EXPECT_EQ(server_->last_param("MYLISTADD", "lid"), "6000000");
    EXPECT_EQ(server_->mylist_entry(kUser, kFile.fid)->get("viewdate"), std::to_string(now_ - 30));
    auto again = mark_watched(source(), *store_, kFile, {true, std::nullopt, now_}, now_);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->commands, 0);
}

TEST_F(MylistActions, WatchedOnAFileWatchedElsewhere) {
    preload(now_ - 5000);
    auto r = mark_watched(source(), *store_, kFile, {true, std::nullopt, now_}, now_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->what, MylistChange::What::nothing);
    EXPECT_EQ(r->commands, 1);  // the 310 said it is watched already
    EXPECT_EQ(server_->mylist_entry(kUser, kFile.fid)->get("viewdate"),
              std::to_string(now_ - 5000));
}

TEST_F(MylistActions, UnwatchedAsksFirstAndNeverAdds) {
    auto none = mark_watched(source(), *store_, kFile, {false, std::nullopt, now_}, now_);
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_EQ(none->what, MylistChange::What::nothing);
    EXPECT_EQ(none->commands, 1);  // MYLIST: 321
    EXPECT_EQ(server_->mylist_size(kUser), 0u);
    ASSERT_TRUE(store_->forget(kFile.fid).ok());
    preload(now_ - 5000);
    auto r = mark_watched(source(), *store_, kFile, {false, std::nullopt, now_}, now_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->what, MylistChange::What::edited);
    EXPECT_EQ(r->commands, 2);
    EXPECT_EQ(server_->mylist_entry(kUser, kFile.fid)->get("viewdate"), "0");
}

TEST_F(MylistActions, EntryRemovedOnTheWebsiteIsAddedAgain) {
    udp::MylistEntry stale;
    stale.lid = 6000000;
    stale.fid = kFile.fid;
    ASSERT_TRUE(store_->record_entry(stale, now_ - 10).ok());  // fresh, but wrong
    auto r = mark_watched(source(), *store_, kFile, {true, std::nullopt, now_}, now_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->what, MylistChange::What::added);
    EXPECT_EQ(r->commands, 2);  // edit by lid (411), then the add
    EXPECT_TRUE(server_->mylist_entry(kUser, kFile.fid));
}

TEST_F(MylistActions, AddShowRemove) {
    udp::MylistValues v;
    v.state = udp::MylistState::internal;
    v.storage = "NAS";
    auto added = add_to_mylist(source(), *store_, kFile, v, now_);
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_EQ(added->what, MylistChange::What::added);
    auto same = add_to_mylist(source(), *store_, kFile, v, now_);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->commands, 0);
    v.storage = "shelf";
    auto changed = add_to_mylist(source(), *store_, kFile, v, now_);
    ASSERT_TRUE(changed.ok());
    EXPECT_EQ(changed->what, MylistChange::What::edited);
    EXPECT_EQ(changed->commands, 1);
    EXPECT_EQ(server_->mylist_entry(kUser, kFile.fid)->get("storage"), "shelf");

    const size_t before = datagrams();
    auto shown = show_mylist(source(), *store_, kFile, now_);
    ASSERT_TRUE(shown.ok());
    EXPECT_TRUE(shown->from_local_state);
    EXPECT_EQ(std::get<KnownEntry>(shown->state).entry.storage, "shelf");
    EXPECT_EQ(datagrams(), before);
    auto fresh = show_mylist(source(), *store_, kFile, now_, /*refresh=*/true);
    ASSERT_TRUE(fresh.ok()) << fresh.error().message;
    EXPECT_FALSE(fresh->from_local_state);

    udp::MylistValues note;
    note.other = "seen at a friend's";
    auto edited = edit_in_mylist(source(), *store_, kFile, note, now_);
    ASSERT_TRUE(edited.ok()) << edited.error().message;
    EXPECT_EQ(server_->mylist_entry(kUser, kFile.fid)->get("other"), "seen at a friend's");

    auto removed = remove_from_mylist(source(), *store_, kFile, now_);
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(removed->what, MylistChange::What::removed);
    EXPECT_EQ(server_->last_param("MYLISTDEL", "lid"), std::to_string(added->lid));
    auto again = remove_from_mylist(source(), *store_, kFile, now_);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->commands, 0);
    EXPECT_EQ(edit_in_mylist(source(), *store_, kFile, note, now_).code(), Errc::no_such_file);
}

}  // namespace
}  // namespace anidb::mylist
