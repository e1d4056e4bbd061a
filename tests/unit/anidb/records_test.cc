// The decoders of the MyList, EPISODE, GROUP and ANIME lines read every
// field as untrusted input; the selectors and MyList values refuse what must
// not be sent; the metadata TTLs.
#include <gtest/gtest.h>

#include "anidb/metadata_ttl.h"
#include "anidb/mylist_commands.h"
#include "anidb/mylist_records.h"
#include "anidb/records.h"
#include "anidb/selectors.h"

namespace anidb::udp {
namespace {

TEST(MylistRecords, EntryLineIsReadStrictly) {
    auto e = decode_mylist_entry(
        "5000001|424242|55501|3131|777|1700000000|1|1700000500|shelf|DVD|two<br />lines|0|extra");
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->lid, 5000001);
    EXPECT_EQ(e->fid, 424242);
    EXPECT_EQ(e->viewdate, 1700000500);
    EXPECT_TRUE(e->watched());
    EXPECT_EQ(e->other, "two\nlines");
    EXPECT_EQ(e->storage, "shelf");

    // Empty numbers are "unknown" (0), anything else must be a number in range.
    auto empty = decode_mylist_entry("5|6|||||||||||");
    ASSERT_TRUE(empty.ok()) << empty.error().message;
    EXPECT_EQ(empty->state, 0);
    EXPECT_FALSE(empty->watched());
    for (const char* bad : {"5000001|424242|55501|3131|777|1700000000|1|0|||",  // 11 fields
                            "5000001|4242x|55501|3131|777|1700000000|1|0||||0",
                            "5000001|424242|-1|3131|777|1700000000|1|0||||0",
                            "0|424242|55501|3131|777|1700000000|1|0||||0",
                            "5000001|0|55501|3131|777|1700000000|1|0||||0",
                            "5000001|424242|55501|3131|777|1700000000|9|0||||0",
                            "5000001|424242|55501|3131|99999999999|1700000000|1|0||||0"}) {
        EXPECT_EQ(decode_mylist_entry(bad).code(), Errc::protocol) << bad;
    }
    // Terminal escapes in text fields arrive escaped, the note keeps its lines.
    auto hostile = decode_mylist_entry(
        "5|6|7|8|9|10|1|0|\x1b[2J|\xc2\x9b"
        "31m|a\x07<br />b|0");
    ASSERT_TRUE(hostile.ok());
    EXPECT_EQ(hostile->storage, "\\x1b[2J");
    EXPECT_EQ(hostile->source, "\\xc2\\x9b31m");
    EXPECT_EQ(hostile->other, "a\\x07\nb");
}

TEST(MylistRecords, SummaryLineAndEpisodeRanges) {
    auto m = decode_mylist_summary("Aozora Kikou|12||1-3,S1||5|1, 3|NWS|1-3,S1|SWR|3|");
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->anime_title, "Aozora Kikou");
    EXPECT_EQ(m->episodes, 12);
    ASSERT_EQ(m->on_hdd.size(), 2u);
    EXPECT_EQ(m->on_hdd[0].type, 0);
    EXPECT_EQ(m->on_hdd[0].first, 1);
    EXPECT_EQ(m->on_hdd[0].last, 3);
    EXPECT_EQ(m->on_hdd[1].type, 'S');
    EXPECT_TRUE(m->unknown.empty());
    ASSERT_EQ(m->deleted.size(), 1u);
    EXPECT_EQ(m->watched.size(), 2u);
    ASSERT_EQ(m->groups.size(), 2u);
    EXPECT_EQ(m->groups[1].group_short_name, "SWR");
    EXPECT_EQ(m->groups[1].episodes.size(), 1u);

    auto r = parse_episode_ranges("S1-3,T2-T4");
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].type, 'S');
    EXPECT_EQ((*r)[0].last, 3);
    EXPECT_EQ((*r)[1].type, 'T');
    for (const char* bad : {"1-x", "3-1", "S1-T3", "1-S3", "1,,2", "one", "1-2-3", "-1"})
        EXPECT_FALSE(parse_episode_ranges(bad)) << bad;
    EXPECT_EQ(decode_mylist_summary("A|12|x|||||").code(), Errc::protocol);
    EXPECT_EQ(decode_mylist_summary("A|12||||").code(), Errc::protocol);  // 6 fields
    EXPECT_EQ(decode_mylist_summary("A|12||||||NWS").code(), Errc::protocol);
}

TEST(Records, EpisodeAndGroupLinesAreReadStrictly) {
    auto e = decode_episode_line("55510|3131|5|0|0|S01|Deck Shorts|||1305000000|2");
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->type, 2);
    for (const char* bad : {"55510|3131|5|0|0|S1|Deck Shorts|||1305000000",  // 10 fields
                            "x|3131|5|0|0|S1|||||2", "55510|3131|5|0|0|S1|||||7",
                            "55510|3131|5|0|0|X1|||||2", "0|3131|5|0|0|S1|||||2"}) {
        EXPECT_EQ(decode_episode_line(bad).code(), Errc::protocol) << bad;
    }
    auto g = decode_group_line(
        "778|600|3|2|2|Southwind Raws|SWR|#swr||http://swr.example||0|0|0|0|0|777,6'779,1");
    ASSERT_TRUE(g.ok()) << g.error().message;
    ASSERT_EQ(g->relations.size(), 2u);
    EXPECT_EQ(g->relations[0].gid, 777);
    EXPECT_EQ(g->relations[0].type, 6);
    EXPECT_EQ(g->irc_channel, "#swr");
    for (const char* bad :
         {"778|600|3|2|2|S|SWR|||||0|0|0|0|0",  // 16 fields
          "778|600|3|2|2|S|SWR|||||0|0|0|0|0|777", "778|600|3|2|2|S|SWR|||||0|0|0|0|0|777,x",
          "778|6o0|3|2|2|S|SWR|||||0|0|0|0|0|"}) {
        EXPECT_EQ(decode_group_line(bad).code(), Errc::protocol) << bad;
    }
}

TEST(Records, AnimeNumbersAreChecked) {
    const std::string& mask = anime_request_amask();
    // 21 fields in amask order (records.cc kAnimeFields).
    const std::string good =
        "3131|0|2019|TV Series|Aozora Kikou||||AK'Aozora||12|12|0|0|0|||812|40|0|0";
    auto a = decode_anime_line(good, mask);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->short_names.size(), 2u);
    std::string bad = good;
    bad.replace(bad.find("|12|12|"), 7, "|1two|12|");
    EXPECT_EQ(decode_anime_line(bad, mask).code(), Errc::protocol);
    std::string flag = good;
    flag.replace(flag.rfind("|0|0"), 4, "|7|0");
    EXPECT_EQ(decode_anime_line(flag, mask).code(), Errc::protocol);
}

TEST(Selectors, RefuseWhatMustNotBeSent) {
    Command c("MYLIST");
    EXPECT_EQ(add_selector(c, MylistQuery{MylistId{0}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(add_selector(c, MylistQuery{FileHash{0, std::string(32, 'a'), {}}}).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(add_selector(c, MylistQuery{FileHash{5, "xyz", {}}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(add_selector(c, AnimeRef{AnimeName{""}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(add_selector(c, AnimeRef{AnimeName{"bad\x1b[2J"}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(add_selector(c, AnimeRef{AnimeName{"two\nlines"}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(add_selector(c, AnimeRef{AnimeName{"\xff\xfe"}}).code(), Errc::invalid_utf8);
    EXPECT_EQ(add_selector(c, EpisodeRef{AnimeEpisode{AnimeId{1}, "x3"}}).code(),
              Errc::invalid_parameter);
    EXPECT_EQ(
        add_selector(c, MylistQuery{AnimeEntries{AnimeId{1}, GroupEpisode{GroupId{2}, 0}}}).code(),
        Errc::invalid_parameter);
    EXPECT_EQ(add_selector(c, MylistRemoveRef{AnimeGroupEpisode{{1}, {0}, 1}}).code(),
              Errc::invalid_parameter);
    EXPECT_TRUE(c.params().empty());  // nothing appended by a refused selector

    ASSERT_TRUE(add_selector(c, MylistQuery{FileHash{5, std::string(32, 'A'), {}}}).ok());
    EXPECT_EQ(c.encode(""), "MYLIST size=5&ed2k=" + std::string(32, 'a'));
    Command a("ANIME");
    ASSERT_TRUE(add_selector(a, AnimeRef{AnimeName{"Tom & Jerry"}}).ok());
    EXPECT_EQ(a.encode(""), "ANIME aname=Tom &amp; Jerry");
    Command e("EPISODE");
    ASSERT_TRUE(add_selector(e, EpisodeRef{AnimeEpisode{AnimeId{7}, "s01"}}).ok());
    EXPECT_EQ(e.encode(""), "EPISODE aid=7&epno=S1");

    EXPECT_EQ(normalize_epno("03"), "3");
    EXPECT_EQ(normalize_epno("s1"), "S1");
    EXPECT_EQ(normalize_epno("T010"), "T10");
    EXPECT_FALSE(normalize_epno("0"));
    EXPECT_FALSE(normalize_epno("S"));
    EXPECT_FALSE(normalize_epno("1a"));
    EXPECT_EQ(comparable_name("The Captain`s MAP"), comparable_name("the captain's map"));
    EXPECT_EQ(describe(MylistRemoveRef{MylistId{5}}), "MyList entry 5");
    EXPECT_EQ(describe(AnimeRef{AnimeName{"x\x1b"}}), "anime \"x\\x1b\"");
}

TEST(MylistValuesCheck, RefusesWhatAniDBWouldMisread) {
    EXPECT_TRUE(check_values({}).ok());
    MylistValues v;
    v.state = MylistState::remote;
    v.viewed = true;
    v.viewdate = 1700000000;
    v.source = "DVD & Blu-ray";
    v.other = "line one\nline two\r\nthree";
    EXPECT_TRUE(check_values(v).ok());
    MylistValues bad_state;
    bad_state.state = static_cast<MylistState>(9);
    EXPECT_EQ(check_values(bad_state).code(), Errc::invalid_parameter);
    MylistValues date_alone;
    date_alone.viewdate = 1700000000;
    EXPECT_EQ(check_values(date_alone).code(), Errc::invalid_parameter);
    MylistValues date_negative;
    date_negative.viewed = true;
    date_negative.viewdate = -5;
    EXPECT_EQ(check_values(date_negative).code(), Errc::invalid_parameter);
    MylistValues source_lines;
    source_lines.source = "a\nb";
    EXPECT_EQ(check_values(source_lines).code(), Errc::invalid_parameter);
    MylistValues note_escape;
    note_escape.other = "x\x1b[2J";
    EXPECT_EQ(check_values(note_escape).code(), Errc::invalid_parameter);
    MylistValues note_c1;
    note_c1.other = "x\xc2\x9b";
    EXPECT_EQ(check_values(note_c1).code(), Errc::invalid_parameter);
    MylistValues not_utf8;
    not_utf8.storage = "\xc3";
    EXPECT_EQ(check_values(not_utf8).code(), Errc::invalid_utf8);
    MylistValues long_note;
    long_note.other = std::string(kMaxMylistNote + 1, 'n');
    EXPECT_EQ(check_values(long_note).code(), Errc::invalid_parameter);
}

TEST(MetadataTtl, SettledRecordsAreKeptLonger) {
    const int64_t now = 1800000000;
    AnimeInfo airing;
    airing.end_date = 0;
    EXPECT_EQ(anime_ttl(airing, now), kChangingRecordTtl);
    AnimeInfo ended_flag;
    ended_flag.dateflags = kAnimeEndedFlag;
    EXPECT_EQ(anime_ttl(ended_flag, now), kSettledRecordTtl);
    AnimeInfo ended_long_ago;
    ended_long_ago.end_date = now - int64_t{30} * 86400;
    EXPECT_EQ(anime_ttl(ended_long_ago, now), kSettledRecordTtl);
    AnimeInfo ending_soon;
    ending_soon.end_date = now + 86400;
    EXPECT_EQ(anime_ttl(ending_soon, now), kChangingRecordTtl);
    EpisodeInfo fresh;
    fresh.aired = now - 86400;
    EXPECT_EQ(episode_ttl(fresh, now), kChangingRecordTtl);
    EpisodeInfo unaired;
    EXPECT_EQ(episode_ttl(unaired, now), kChangingRecordTtl);
    EpisodeInfo old;
    old.aired = now - int64_t{60} * 86400;
    EXPECT_EQ(episode_ttl(old, now), kSettledRecordTtl);
    EXPECT_EQ(group_ttl(GroupInfo{}), kSettledRecordTtl);
    EXPECT_GE(kChangingRecordTtl, std::chrono::days(7));  // never more often than weekly
}

}  // namespace
}  // namespace anidb::udp
