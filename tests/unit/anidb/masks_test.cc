// Mask tables (docs/anidb-protocol.md, "FILE masks", "ANIME") and record decoding, pinned
// to the examples given there.
#include "anidb/masks.h"

#include <gtest/gtest.h>

#include "anidb/mylist_records.h"
#include "anidb/records.h"

namespace anidb::udp {
namespace {

TEST(Masks, TableSizes) {
    EXPECT_EQ(file_fmask_table().size(), 40u);
    EXPECT_EQ(file_amask_table().size(), 32u);
    EXPECT_EQ(anime_amask_table().size(), 56u);
}

TEST(Masks, FactSheetExampleSelection) {
    auto f = mask_fields(file_fmask_table(), "79C8C30000");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(*f, (std::vector<std::string_view>{"aid", "eid", "gid", "lid", "state", "size",
                                                 "ed2k", "crc32", "quality", "source", "resolution",
                                                 "file_type"}));
    auto a = mask_fields(file_amask_table(), "00A0C080");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*a, (std::vector<std::string_view>{"romaji_name", "english_name", "epno", "ep_name",
                                                 "group_name"}));
    // The spec's 4-byte example mask decodes with the same table.
    EXPECT_TRUE(mask_fields(file_fmask_table(), "7FF8FEF8").ok());
}

TEST(Masks, SpecificBitPositions) {
    auto one = [](MaskTable t, std::string_view hex) {
        auto r = mask_fields(t, hex);
        return r.ok() && r->size() == 1 ? std::string(r->front()) : std::string("?");
    };
    EXPECT_EQ(one(file_fmask_table(), "0080000000"), "size");
    EXPECT_EQ(one(file_fmask_table(), "0002000000"), "color_depth");
    EXPECT_EQ(one(file_fmask_table(), "0000010000"), "file_type");
    EXPECT_EQ(one(file_fmask_table(), "0000000100"), "anidb_filename");
    EXPECT_EQ(one(file_fmask_table(), "0000000002"), "mylist_other");
    EXPECT_EQ(one(file_amask_table(), "00000001"), "date_aid_record_updated");
    EXPECT_EQ(one(file_amask_table(), "00000040"), "group_short_name");
    EXPECT_EQ(one(anime_amask_table(), "80000000000000"), "aid");
    EXPECT_EQ(one(anime_amask_table(), "00000000000080"), "specials_count");
    EXPECT_EQ(one(anime_amask_table(), "00000001000000"), "is_18_restricted");
    EXPECT_EQ(one(anime_amask_table(), "00000000010000"), "date_record_updated");
}

TEST(Masks, UnusedReservedRetiredBitsAreRejected) {
    for (auto hex : {"8000000000", "0004000000", "0001000000", "0000000400", "0000000001"})
        EXPECT_EQ(mask_fields(file_fmask_table(), hex).code(), Errc::protocol) << hex;
    for (auto hex : {"01000000", "00020000", "00000200", "00000020"})
        EXPECT_EQ(mask_fields(file_amask_table(), hex).code(), Errc::protocol) << hex;
    for (auto hex : {"02000000000000", "00000000800000", "00000000000004", "00000000004000"})
        EXPECT_EQ(mask_fields(anime_amask_table(), hex).code(), Errc::protocol) << hex;
    EXPECT_EQ(mask_fields(file_fmask_table(), "79C8C3000000").code(), Errc::protocol);
    EXPECT_EQ(mask_fields(file_fmask_table(), "7G").code(), Errc::protocol);
}

TEST(Masks, RequestMasksAreFullLength) {
    EXPECT_EQ(file_request_fmask(), "79F8EBE800");
    EXPECT_EQ(file_request_amask(), "B0E0F0C0");
    EXPECT_EQ(anime_request_amask().size(), 14u);
    auto back = mask_fields(anime_amask_table(), anime_request_amask());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->size(), anime_request_amask_fields().size());
}

TEST(Records, FactSheetWorkedExampleLine) {
    const char* line =
        "424242|3131|55501|777|0|9|734003200|0f1e2d3c4b5a69788796a5b4c3d2e1f0|9a8b7c6d|high|DVD|"
        "848x480|mkv|Aozora Kikou|Blue Sky Voyage|03|The Captain`s Map|Northwind Subs";
    auto f = decode_file_line(line, "79C8C30000", "00A0C080");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->fid, 424242);
    EXPECT_EQ(f->aid, 3131);
    EXPECT_EQ(f->eid, 55501);
    EXPECT_EQ(f->gid, 777);
    EXPECT_EQ(f->lid, 0);
    EXPECT_EQ(f->state, 9);
    EXPECT_EQ(f->size, 734003200u);
    EXPECT_EQ(f->ed2k, "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    EXPECT_EQ(f->crc32, "9a8b7c6d");
    EXPECT_EQ(f->quality, "high");
    EXPECT_EQ(f->source, "DVD");
    EXPECT_EQ(f->resolution, "848x480");
    EXPECT_EQ(f->file_type, "mkv");
    EXPECT_EQ(f->romaji_title, "Aozora Kikou");
    EXPECT_EQ(f->english_title, "Blue Sky Voyage");
    EXPECT_EQ(f->epno, "03");
    EXPECT_EQ(f->episode_english_title, "The Captain's Map");
    EXPECT_EQ(f->group_name, "Northwind Subs");
    EXPECT_EQ(f->md5, "");
}

// Extra trailing fields are a newer server's and are ignored; fewer fields
// than the masks select is a cut reply, never half an answer to cache.
TEST(Records, MissingFieldsAreACutReplyExtraFieldsAreIgnored) {
    EXPECT_EQ(decode_file_line("5|10", "79C8C30000", "00A0C080").code(), Errc::protocol);
    auto empty = decode_file_line("5|10||||||||||||||||", "79C8C30000", "00A0C080");
    ASSERT_TRUE(empty.ok()) << empty.error().message;
    EXPECT_EQ(empty->aid, 10);
    EXPECT_EQ(empty->eid, 0);
    auto extra = decode_file_line("5|10|11|12|13|1|2|e|c|q|s|r|t|A|B|01|E|G|X|Y|Z", "79C8C30000",
                                  "00A0C080");
    ASSERT_TRUE(extra.ok());
    EXPECT_EQ(extra->group_name, "G");
    EXPECT_EQ(decode_file_line("|1", "79C8C30000", "00A0C080").code(), Errc::protocol);
}

TEST(Records, ListsAndOtherLines) {
    auto f = decode_file_line("1|japanese'english|english'german", "000000C000", "00000000");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->dub_languages, (std::vector<std::string>{"japanese", "english"}));
    EXPECT_EQ(f->sub_languages, (std::vector<std::string>{"english", "german"}));
    auto e =
        decode_episode_line("55501|3131|24|850|10|03|The Captain`s Map|Kaizoku|K|1300000000|1");
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->eid, 55501);
    EXPECT_EQ(e->english_title, "The Captain's Map");
    EXPECT_EQ(e->type, 1);
    auto g = decode_group_line("777|800|5|3|40|Northwind Subs|NWS|#nws|irc.x|http://x||0|0|0|0|0|");
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->short_name, "NWS");
    EXPECT_EQ(g->file_count, 40);
    auto m = decode_mylist_entry("5000001|424242|55501|3131|777|1700000000|1|0||||0");
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->lid, 5000001);
    EXPECT_EQ(m->state, 1);
    EXPECT_EQ(m->date_added, 1700000000);
}

}  // namespace
}  // namespace anidb::udp
