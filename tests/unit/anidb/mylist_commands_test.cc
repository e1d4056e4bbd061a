// MYLIST, MYLISTADD (add and edit=1) and MYLISTDEL end to end against the
// fake server: every selector, every reply (221 / 312 / 321, 210 / 310 / 311
// / 411, 211 / 411), replies about another entry refused, values and
// selectors checked before anything is sent, hostile text escaped, and a
// removal repeated after a lost reply still a success.
#include "fixture.h"

namespace anidb::udp::testing {
namespace {

constexpr const char* kEd2kEp1 = "11111111111111111111111111111111";
constexpr const char* kEd2kEp3Swr = "33333333333333333333333333333333";

class MylistCommands : public UdpEndToEnd {
  protected:
    void SetUp() override {
        UdpEndToEnd::SetUp();
        server_->set_catalog(test::FakeCatalog::mylist_example());
        session_ = open();
        ASSERT_TRUE(session_);
    }
    void TearDown() override {
        session_.reset();
        UdpEndToEnd::TearDown();
    }

    int64_t add(const FileRef& file, const MylistValues& values = hdd()) {
        auto r = seen(mylist_add(*session_, file, values));
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        if (!r.ok()) return 0;
        EXPECT_TRUE(std::holds_alternative<MylistAdded>(*r));
        return std::holds_alternative<MylistAdded>(*r) ? std::get<MylistAdded>(*r).lid : 0;
    }
    static MylistValues hdd() {
        MylistValues v;
        v.state = MylistState::internal;
        return v;
    }

    std::unique_ptr<Session> session_;
};

TEST_F(MylistCommands, AddThenAddAgainAnswersTheEntryAsItIs) {
    MylistValues v = hdd();
    v.viewed = true;
    v.viewdate = 1700000100;
    v.storage = "shelf 2";
    v.other = "first & only\nnote";
    const int64_t lid = add(FileHash{kSize, kEd2k, {}}, v);
    ASSERT_GT(lid, 0);
    EXPECT_EQ(server_->last_param("MYLISTADD", "viewdate"), "1700000100");
    auto again = seen(mylist_add(*session_, FileId{424242}, hdd()));
    ASSERT_TRUE(again.ok()) << again.error().message;
    ASSERT_TRUE(std::holds_alternative<AlreadyInMylist>(*again));
    const MylistEntry& e = std::get<AlreadyInMylist>(*again).entry;
    EXPECT_EQ(e.lid, lid);
    EXPECT_EQ(e.fid, 424242);
    EXPECT_EQ(e.aid, 3131);
    EXPECT_EQ(e.viewdate, 1700000100);
    EXPECT_EQ(e.storage, "shelf 2");
    EXPECT_EQ(e.other, "first & only\nnote");
    // AniDB does not know the file: 320.
    EXPECT_EQ(seen(mylist_add(*session_, FileId{9}, hdd())).code(), Errc::no_such_file);
}

TEST_F(MylistCommands, QueryByEverySelector) {
    const int64_t lid = add(FileHash{kSize, kEd2k, {}});
    add(FileId{424243});
    add(FileId{424244});
    add(FileHash{700000003, kEd2kEp3Swr, {}});
    MylistValues seen_it;
    seen_it.viewed = true;
    seen_it.viewdate = 1700000000;
    ASSERT_TRUE(seen(mylist_edit(*session_, FileId{424243}, seen_it)).ok());

    const auto entry = [&](const MylistQuery& q) -> std::optional<MylistEntry> {
        auto r = seen(mylist_query(*session_, q));
        EXPECT_TRUE(r.ok()) << describe(q) << ": " << (r.ok() ? "" : r.error().message);
        if (!r.ok() || !std::holds_alternative<MylistEntry>(*r)) return std::nullopt;
        return std::get<MylistEntry>(*r);
    };
    auto by_lid = entry(MylistId{lid});
    ASSERT_TRUE(by_lid);
    EXPECT_EQ(by_lid->fid, 424242);
    EXPECT_EQ(by_lid->state, 1);
    auto by_fid = entry(FileId{424243});
    ASSERT_TRUE(by_fid);
    EXPECT_EQ(by_fid->viewdate, 1700000000);
    auto by_hash = entry(FileHash{700000001, kEd2kEp1, 424243});
    ASSERT_TRUE(by_hash);
    EXPECT_EQ(by_hash->eid, 55499);
    // One group's episode: a single entry (221), by ids or by names.
    auto one = entry(AnimeEntries{AnimeId{3131}, GroupEpisode{GroupId{777}, 3}});
    ASSERT_TRUE(one);
    EXPECT_EQ(one->fid, 424242);
    auto named =
        entry(AnimeEntries{AnimeName{"blue sky voyage"}, GroupEpisode{GroupName{"SWR"}, 3}});
    ASSERT_TRUE(named);
    EXPECT_EQ(named->fid, 424245);
    EXPECT_EQ(named->gid, 778);

    // The whole anime: a summary (312).
    auto all = seen(mylist_query(*session_, AnimeEntries{AnimeId{3131}, std::nullopt}));
    ASSERT_TRUE(all.ok()) << all.error().message;
    ASSERT_TRUE(std::holds_alternative<MylistSummary>(*all));
    const MylistSummary& m = std::get<MylistSummary>(*all);
    EXPECT_EQ(m.anime_title, "Aozora Kikou");
    EXPECT_EQ(m.episodes, 12);
    ASSERT_EQ(m.on_hdd.size(), 1u);
    EXPECT_EQ(m.on_hdd[0].first, 1);
    EXPECT_EQ(m.on_hdd[0].last, 3);
    ASSERT_EQ(m.watched.size(), 1u);
    EXPECT_EQ(m.watched[0].first, 1);
    ASSERT_EQ(m.groups.size(), 2u);
    EXPECT_EQ(m.groups[0].group_short_name, "NWS");
    EXPECT_EQ(m.groups[1].group_short_name, "SWR");

    // 321: no such entry, for every form.
    for (const MylistQuery& q : {MylistQuery{MylistId{42}}, MylistQuery{FileId{424246}},
                                 MylistQuery{FileHash{700000004, std::string(32, '4'), {}}},
                                 MylistQuery{AnimeEntries{AnimeId{4242}, std::nullopt}}}) {
        auto r = seen(mylist_query(*session_, q));
        ASSERT_TRUE(r.ok()) << describe(q);
        EXPECT_TRUE(std::holds_alternative<NotInMylist>(*r)) << describe(q);
    }
    EXPECT_EQ(seen(mylist_query(*session_, AnimeEntries{AnimeName{"No Such Show"}, {}})).code(),
              Errc::no_such_file);
}

TEST_F(MylistCommands, EditByEverySelector) {
    const int64_t lid = add(FileHash{kSize, kEd2k, {}});
    add(FileId{424243});
    add(FileId{424244});
    MylistValues watched;
    watched.viewed = true;
    watched.viewdate = 1700000200;
    auto e1 = seen(mylist_edit(*session_, MylistId{lid}, watched));
    ASSERT_TRUE(e1.ok()) << e1.error().message;
    EXPECT_EQ(e1->count, 1);
    EXPECT_EQ(server_->mylist_entry(kUser, 424242)->get("viewdate"), "1700000200");

    MylistValues moved;
    moved.state = MylistState::external;
    moved.storage = "DVD box";
    ASSERT_TRUE(seen(mylist_edit(*session_, FileId{424243}, moved)).ok());
    EXPECT_EQ(server_->mylist_entry(kUser, 424243)->get("state"), "2");
    EXPECT_EQ(server_->mylist_entry(kUser, 424243)->get("storage"), "DVD box");
    EXPECT_EQ(server_->mylist_entry(kUser, 424243)->get("viewdate"), "0");  // untouched

    MylistValues unwatched;
    unwatched.viewed = false;
    ASSERT_TRUE(seen(mylist_edit(*session_, FileHash{kSize, kEd2k, 424242}, unwatched)).ok());
    EXPECT_EQ(server_->last_param("MYLISTADD", "edit"), "1");
    EXPECT_EQ(server_->mylist_entry(kUser, 424242)->get("viewdate"), "0");

    // 411 for an entry that is not there; nothing sent for an empty edit.
    EXPECT_EQ(seen(mylist_edit(*session_, MylistId{42}, watched)).code(), Errc::no_such_file);
    EXPECT_EQ(seen(mylist_edit(*session_, FileId{424246}, watched)).code(), Errc::no_such_file);
    const size_t sent = server_->count("MYLISTADD");
    EXPECT_EQ(seen(mylist_edit(*session_, MylistId{lid}, MylistValues{})).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(server_->count("MYLISTADD"), sent);
}

TEST_F(MylistCommands, RemoveByEverySelectorAndAgain) {
    const int64_t lid = add(FileHash{kSize, kEd2k, {}});
    add(FileId{424243});
    add(FileId{424244});
    add(FileId{424245});
    ASSERT_EQ(server_->mylist_size(kUser), 4u);
    const auto removed = [&](const MylistRemoveRef& e) {
        auto r = seen(mylist_remove(*session_, e));
        EXPECT_TRUE(r.ok()) << describe(e) << ": " << (r.ok() ? "" : r.error().message);
        return r.ok() ? r->count : -1;
    };
    EXPECT_EQ(removed(MylistId{lid}), 1);
    EXPECT_EQ(removed(MylistId{lid}), 0);  // already gone (411): still a success
    EXPECT_EQ(removed(FileId{424243}), 1);
    EXPECT_EQ(removed(FileHash{700000002, std::string(32, '2'), {}}), 1);
    EXPECT_EQ(removed(FileHash{700000002, std::string(32, '2'), {}}), 0);
    // The anime form narrowed to one group's episode: only that group's file.
    add(FileId{424242});
    EXPECT_EQ(removed(AnimeGroupEpisode{{3131}, {778}, 3}), 1);
    EXPECT_FALSE(server_->mylist_entry(kUser, 424245));
    EXPECT_TRUE(server_->mylist_entry(kUser, 424242));
    EXPECT_EQ(server_->last_param("MYLISTDEL", "gid"), "778");
    // A file AniDB does not know is in nobody's MyList.
    EXPECT_EQ(removed(FileHash{123, std::string(32, '9'), {}}), 0);
}

TEST_F(MylistCommands, RepliesAboutAnotherEntryAreRefused) {
    const int64_t lid = add(FileId{424242});
    server_->inject({test::Fault::other_record, 4, "MYLIST"});
    EXPECT_EQ(seen(mylist_query(*session_, MylistId{lid})).code(), Errc::protocol);
    EXPECT_EQ(seen(mylist_query(*session_, FileId{424242})).code(), Errc::protocol);
    EXPECT_EQ(seen(mylist_query(*session_, FileHash{kSize, kEd2k, 424242})).code(), Errc::protocol);
    EXPECT_EQ(
        seen(mylist_query(*session_, AnimeEntries{AnimeId{3131}, GroupEpisode{GroupId{777}, 3}}))
            .code(),
        Errc::protocol);
    server_->inject({test::Fault::other_record, 1, "MYLISTADD"});
    auto again = seen(mylist_add(*session_, FileId{424242}, hdd()));
    EXPECT_EQ(again.code(), Errc::protocol);
    EXPECT_NE(again.error().message.find("not about what was asked"), std::string::npos);
}

TEST_F(MylistCommands, NothingIsSentForBadValuesOrSelectors) {
    MylistValues bad;
    bad.source = "two\nlines";
    MylistValues bad_date;
    bad_date.viewdate = 1700000000;  // without viewed
    EXPECT_EQ(seen(mylist_add(*session_, FileId{424242}, bad)).code(), Errc::invalid_parameter);
    EXPECT_EQ(seen(mylist_edit(*session_, MylistId{5}, bad_date)).code(), Errc::invalid_parameter);
    EXPECT_EQ(seen(mylist_add(*session_, FileHash{kSize, "nothex", {}}, hdd())).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(seen(mylist_remove(*session_, MylistId{-1})).code(), Errc::invalid_parameter);
    EXPECT_EQ(seen(mylist_query(*session_, AnimeEntries{AnimeName{"\x1b]0;x\x07"}, {}})).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(server_->count("MYLISTADD") + server_->count("MYLISTDEL") + server_->count("MYLIST"),
              0u);
}

TEST_F(MylistCommands, HostileTextFromTheServerArrivesEscaped) {
    test::FakeCatalog cat = test::FakeCatalog::mylist_example();
    test::FakeRecord m;
    m.set("user", kUser).set("fid", 424242).set("lid", 6000000).set("state", 1);
    m.set("storage", "\x1b]0;pwned\x07shelf").set("other", "line\x1b[2J\none");
    cat.mylist.push_back(m);
    server_->set_catalog(cat);
    auto r = seen(mylist_query(*session_, FileId{424242}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& e = std::get<MylistEntry>(*r);
    EXPECT_EQ(e.lid, 6000000);
    EXPECT_EQ(e.storage, "\\x1b]0;pwned\\x07shelf");
    EXPECT_EQ(e.other, "line\\x1b[2J\none");
}

TEST_F(MylistCommands, RemoveRepeatedAfterALostReplyIsStillASuccess) {
    add(FileId{424242});
    server_->delay_replies(std::chrono::milliseconds(350));  // > reply_timeout (250 ms)
    auto r = seen(mylist_remove(*session_, FileId{424242}));
    server_->delay_replies(std::chrono::milliseconds(0));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_GE(server_->count("MYLISTDEL"), 2u);  // resent
    EXPECT_LE(r->count, 1);
    EXPECT_FALSE(server_->mylist_entry(kUser, 424242));
}

}  // namespace
}  // namespace anidb::udp::testing
