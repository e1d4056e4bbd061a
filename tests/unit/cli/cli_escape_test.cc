#include <gtest/gtest.h>

#include "text_escape.h"

namespace anidb::cli {
namespace {

TEST(CliEscape, CoreutilsEscapingMatchesMd5sumAndRoundTrips) {
    const EscapedName plain = coreutils_escape("a b.mkv");
    EXPECT_FALSE(plain.needs_prefix);
    EXPECT_EQ(plain.text, "a b.mkv");
    const EscapedName odd = coreutils_escape("new\nline\\x\r.mkv");
    EXPECT_TRUE(odd.needs_prefix);
    EXPECT_EQ(odd.text, "new\\nline\\\\x\\r.mkv");
    EXPECT_EQ(coreutils_unescape(odd.text), "new\nline\\x\r.mkv");
    EXPECT_FALSE(coreutils_unescape("bad\\q").has_value());
    EXPECT_FALSE(coreutils_unescape("trailing\\").has_value());
}

TEST(CliEscape, CsvQuotesOnlyWhenNeeded) {
    EXPECT_EQ(csv_field("plain.mkv"), "plain.mkv");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field(" lead"), "\" lead\"");
}

TEST(CliEscape, PercentEncodingIsLikeRhashAndReversible) {
    EXPECT_EQ(percent_encode("a b.mkv"), "a%20b.mkv");
    EXPECT_EQ(percent_encode("pipe|pct%.mkv"), "pipe%7cpct%25.mkv");
    EXPECT_EQ(percent_encode("bad\xffname"), "bad%ffname");
    EXPECT_EQ(percent_encode("new\nline"), "new%0aline");
    EXPECT_EQ(percent_encode("a-._~()[]!',;=@+&$#b"),
              "a-._~%28%29%5b%5d%21%27%2c%3b%3d%40%2b%26%24%23b");
    const std::string odd = "Ünïcödé [Grp] (1) \xfe|%\n.mkv";
    EXPECT_EQ(percent_decode(percent_encode(odd)), odd);
    EXPECT_FALSE(percent_decode("%4").has_value());
    EXPECT_FALSE(percent_decode("%zz").has_value());
}

TEST(CliEscape, Base64MatchesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode("\xff\xfe"), "//4=");
}

TEST(CliEscape, PrintableShowsControlAndInvalidBytes) {
    EXPECT_EQ(printable("ok ü"), "ok ü");
    EXPECT_EQ(printable("a\nb\tc\x01"), "a\\nb\\tc\\x01");
    EXPECT_EQ(printable("bad\xff"), "bad\\xff");
}

}  // namespace
}  // namespace anidb::cli
