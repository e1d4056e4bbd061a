// The dump parser and gunzip treat every byte as untrusted: each rule of
// dump_parser.h and gzip_stream.h, and the limits against hostile input.
#include <gtest/gtest.h>

#include "titles/dump_parser.h"
#include "titles/gzip_stream.h"
#include "titles_test_util.h"

namespace anidb::titles {
namespace {

using test::bytes_of;
using test::filler_lines;
using test::gzip;

TEST(TitleLine, AcceptsAniDbLines) {
    auto r = parse_title_line("9541|4|ja|進撃の巨人");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->aid, 9541u);
    EXPECT_EQ(r->type, TitleType::official);
    EXPECT_EQ(r->lang, "ja");
    EXPECT_EQ(r->title, "進撃の巨人");
    // The title is everything after the third '|'.
    auto piped = parse_title_line("1|2|zh-Hans|a|b");
    ASSERT_TRUE(piped.ok());
    EXPECT_EQ(piped->title, "a|b");
    EXPECT_EQ(piped->lang, "zh-Hans");
    EXPECT_TRUE(parse_title_line("4294967295|1|x-jat|Max aid").ok());
}

TEST(TitleLine, RejectsMalformedFields) {
    const char* bad[] = {
        "",                                     // nothing
        "1|1|x-jat",                            // three fields
        "0|1|x-jat|Zero aid",                   // aid 0
        "01|1|x-jat|Leading zero",              // leading zero
        "-1|1|x-jat|Negative",                  // sign
        "+1|1|x-jat|Plus",                      // sign
        "4294967296|1|en|Too big",              // over 32 bits
        "12345678901|1|en|Digits",              // 11 digits
        "1a|1|en|Letters",                      // not a number
        "1|0|en|Type 0",                        // type out of range
        "1|5|en|Type 5",                        // type out of range
        "1|11|en|Two digits",                   // type not one digit
        "1||en|No type",                        // empty type
        "1|1||No language",                     // empty language
        "1|1|e n|Space",                        // bad language
        "1|1|1en|Digit first",                  // language must start with a letter
        "1|1|en;drop|Semicolon",                // bad language
        "1|1|abcdefghijklmnopq|Long language",  // 17 characters
        "1|1|en|",                              // empty title
    };
    for (const char* line : bad) {
        EXPECT_EQ(parse_title_line(line).code(), Errc::protocol) << line;
    }
}

TEST(TitleLine, RejectsUnsafeTitleText) {
    EXPECT_EQ(parse_title_line("1|1|en|bad \xff utf8").code(), Errc::protocol);
    EXPECT_EQ(parse_title_line("1|1|en|overlong \xc0\xaf").code(), Errc::protocol);
    EXPECT_EQ(parse_title_line("1|1|en|surrogate \xed\xa0\x80").code(), Errc::protocol);
    EXPECT_EQ(parse_title_line(std::string("1|1|en|nul \0 byte", 17)).code(), Errc::protocol);
    EXPECT_EQ(parse_title_line("1|1|en|tab\there").code(), Errc::protocol);
    EXPECT_EQ(parse_title_line("1|1|en|escape \x1b[31m").code(), Errc::protocol);
    EXPECT_EQ(parse_title_line("1|1|en|del \x7f").code(), Errc::protocol);
    EXPECT_EQ(parse_title_line("1|1|en|c1 \xc2\x9b").code(), Errc::protocol);  // U+009B CSI
    EXPECT_EQ(parse_title_line("1|1|en|" + std::string(kMaxTitleBytes + 1, 'a')).code(),
              Errc::protocol);
    EXPECT_TRUE(parse_title_line("1|1|en|" + std::string(kMaxTitleBytes, 'a')).ok());
    EXPECT_TRUE(parse_title_line("1|1|en|Pokémon ±½ «»").ok());  // Latin-1 letters stay
}

Result<ParsedDump> parse_in_pieces(std::string_view text, size_t piece) {
    DumpParser parser(1'000'000);
    for (size_t i = 0; i < text.size(); i += piece) {
        if (Status s = parser.feed(text.substr(i, piece)); !s) return s.error();
    }
    return parser.finish();
}

TEST(DumpParser, SameResultWhateverTheSplit) {
    const std::string text =
        "\xEF\xBB\xBF# created: today\r\n1|1|x-jat|Seikai no Monshou\r\n\n"
        "9541|4|ja|進撃の巨人\n23|1|x-jat|Cowboy Bebop";  // no final newline
    for (size_t piece : {1, 2, 3, 5, 7, 64, 4096}) {
        auto dump = parse_in_pieces(text, piece);
        ASSERT_TRUE(dump.ok()) << piece << ": " << dump.error().message;
        ASSERT_EQ(dump->titles.size(), 3u) << piece;
        EXPECT_EQ(dump->titles[0].aid, 1u);
        EXPECT_EQ(dump->titles[0].title, "Seikai no Monshou");  // '\r' and BOM gone
        EXPECT_EQ(dump->titles[1].title, "進撃の巨人");
        EXPECT_EQ(dump->titles[2].title, "Cowboy Bebop");
        EXPECT_EQ(dump->rejected, 0u);
        EXPECT_EQ(dump->lines, 5u);
    }
}

TEST(DumpParser, FewBadLinesAreSkippedManyRefuseTheDump) {
    // 2 bad lines in 202: under 1 %, skipped and counted.
    auto some = parse_in_pieces(filler_lines(200) + "x|1|en|bad aid\n1|9|en|bad type\n", 100);
    ASSERT_TRUE(some.ok()) << some.error().message;
    EXPECT_EQ(some->titles.size(), 200u);
    EXPECT_EQ(some->rejected, 2u);
    EXPECT_NE(some->first_rejected.find("line 201"), std::string::npos) << some->first_rejected;

    // 3 in 203: over 1 %.
    auto many = parse_in_pieces(filler_lines(200) + "x\ny\nz\n", 100);
    EXPECT_EQ(many.code(), Errc::protocol);
    EXPECT_NE(many.error().message.find("3 of 203 lines rejected"), std::string::npos)
        << many.error().message;

    // Not a titles dump at all.
    EXPECT_EQ(parse_in_pieces("<html><body>Banned</body></html>\n", 10).code(), Errc::protocol);
    // Only comments: no title.
    auto empty = parse_in_pieces("# created: today\n# <aid>|<type>|<language>|<title>\n", 10);
    EXPECT_EQ(empty.code(), Errc::protocol);
    EXPECT_NE(empty.error().message.find("no title"), std::string::npos);
}

TEST(DumpParser, EndlessLineIsNeverBuffered) {
    DumpParser parser(1'000'000);
    const std::string chunk(size_t{64} * 1024, 'a');
    for (int i = 0; i < 64; ++i) {  // a 4 MiB "line"
        ASSERT_TRUE(parser.feed(chunk).ok());
        EXPECT_LE(parser.bytes_held(), kMaxLineBytes);
    }
    ASSERT_TRUE(parser.feed("\n" + filler_lines(200)).ok());
    auto dump = parser.finish();
    ASSERT_TRUE(dump.ok()) << dump.error().message;
    EXPECT_EQ(dump->rejected, 1u);
    EXPECT_EQ(dump->first_rejected, "line 1: line too long");
    EXPECT_EQ(dump->titles.size(), 200u);
}

TEST(DumpParser, TitleCountIsBounded) {
    DumpParser parser(10);
    EXPECT_EQ(parser.feed(filler_lines(11)).code(), Errc::protocol);
}

Result<std::string> gunzip_all(const std::string& gz, uint64_t max_output) {
    std::string out;
    Status s = gunzip(bytes_of(gz), max_output, [&](std::string_view piece) -> Status {
        out.append(piece);
        return {};
    });
    if (!s) return s.error();
    return out;
}

TEST(Gunzip, RoundTripAndConcatenatedMembers) {
    const std::string text = test::sample_dump();
    auto one = gunzip_all(gzip(text), 1 << 20);
    ASSERT_TRUE(one.ok()) << one.error().message;
    EXPECT_EQ(*one, text);
    auto two = gunzip_all(gzip("first\n") + gzip("second\n"), 1 << 20);
    ASSERT_TRUE(two.ok()) << two.error().message;
    EXPECT_EQ(*two, "first\nsecond\n");
}

TEST(Gunzip, RefusesDamagedData) {
    const std::string gz = gzip(test::sample_dump());
    // Not gzip (a plain text dump, an HTML error page).
    EXPECT_EQ(gunzip_all("1|1|x-jat|Plain text\n", 1 << 20).code(), Errc::protocol);
    EXPECT_EQ(gunzip_all("", 1 << 20).code(), Errc::protocol);
    // Cut anywhere: a partial download.
    for (size_t cut : {size_t{10}, gz.size() / 2, gz.size() - 4, gz.size() - 1}) {
        auto r = gunzip_all(gz.substr(0, cut), 1 << 20);
        EXPECT_EQ(r.code(), Errc::protocol) << "cut at " << cut;
    }
    // A flipped byte in the compressed data or the CRC-32 trailer.
    for (size_t at : {gz.size() / 2, gz.size() - 6}) {
        std::string bad = gz;
        bad[at] = static_cast<char>(bad[at] ^ 0x55);
        EXPECT_EQ(gunzip_all(bad, 1 << 20).code(), Errc::protocol) << "flip at " << at;
    }
    // Trailing garbage after the member.
    EXPECT_EQ(gunzip_all(gz + "garbage", 1 << 20).code(), Errc::protocol);
}

TEST(Gunzip, BombStopsAtTheLimit) {
    // 16 MiB of zeros in about 16 KiB (gigabytes work the same way):
    // stopped at 1 MiB, never held whole.
    const std::string bomb = gzip(std::string(16u << 20, '\0'), 9);
    ASSERT_LT(bomb.size(), 32u * 1024);
    uint64_t seen = 0;
    Status s = gunzip(bytes_of(bomb), 1 << 20, [&](std::string_view piece) -> Status {
        seen += piece.size();
        return {};
    });
    EXPECT_EQ(s.code(), Errc::protocol);
    EXPECT_NE(s.error().message.find("limit"), std::string::npos);
    EXPECT_LE(seen, 1u << 20);
}

TEST(Gunzip, SinkErrorAndStopEndTheRun) {
    const std::string gz = gzip(test::sample_dump());
    Status s = gunzip(bytes_of(gz), 1 << 20, [](std::string_view) -> Status {
        return make_error(Errc::out_of_memory, "sink full");
    });
    EXPECT_EQ(s.code(), Errc::out_of_memory);
    std::stop_source stop;
    stop.request_stop();
    Status cancelled = gunzip(
        bytes_of(gz), 1 << 20, [](std::string_view) -> Status { return {}; }, stop.get_token());
    EXPECT_EQ(cancelled.code(), Errc::cancelled);
}

}  // namespace
}  // namespace anidb::titles
