// Server text is escaped before it is shown or stored (issue 12 item 5).
#include "anidb/server_text.h"

#include <gtest/gtest.h>

namespace anidb::udp {
namespace {

TEST(SafeText, ControlCharactersBecomeVisibleEscapes) {
    EXPECT_EQ(safe_text("BANNED \x1b]0;pwned\x07\x1b[2J"), "BANNED \\x1b]0;pwned\\x07\\x1b[2J");
    EXPECT_EQ(safe_text("a\nb\tc\rd\x7f"), "a\\nb\\tc\\x0dd\\x7f");
    EXPECT_EQ(safe_text("csi \xc2\x9b"
                        "31m"),
              "csi \\xc2\\x9b31m");  // C1 control U+009B
    EXPECT_EQ(safe_text("bad \xff\xfe utf8"), "bad \\xff\\xfe utf8");
    EXPECT_EQ(safe_text("\xe9\x9d\x92\xe7\xa9\xba \xc2\xa0ok"),
              "\xe9\x9d\x92\xe7\xa9\xba \xc2\xa0ok");
}

TEST(SafeText, IdempotentAndBounded) {
    const std::string once = safe_text("x\x1b[31m\n\xff");
    EXPECT_EQ(safe_text(once), once);
    const std::string cut = safe_text(std::string(1000, 'a') + "\x1b", 50);
    EXPECT_LE(cut.size(), 53u);
    EXPECT_EQ(cut.substr(cut.size() - 3), "...");
    // Never cut inside a character or an escape.
    const std::string kanji = safe_text("\xe9\x9d\x92\xe9\x9d\x92\xe9\x9d\x92", 7);
    EXPECT_EQ(kanji, "\xe9\x9d\x92\xe9\x9d\x92...");
    EXPECT_EQ(safe_multiline_text("line \x1b one\nline two"), "line \\x1b one\nline two");
}

TEST(IsHex, ExactLength) {
    EXPECT_TRUE(is_hex("0f1e2d3c4b5a69788796a5b4c3d2e1f0", 32));
    EXPECT_TRUE(is_hex("ABCDEF12", 8));
    EXPECT_FALSE(is_hex("0f1e2d3c", 32));
    EXPECT_FALSE(is_hex("../../etc", 0));
    EXPECT_FALSE(is_hex("", 0));
}

}  // namespace
}  // namespace anidb::udp
