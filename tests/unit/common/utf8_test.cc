// The UTF-8 check every string entering the C ABI goes through (RFC 3629)
// and the repair of strings leaving it.
#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace anidb {
namespace {

TEST(Utf8, WellFormedTextIsValid) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii"));
    EXPECT_TRUE(is_valid_utf8("\xC3\xA9"));              // é, 2 bytes
    EXPECT_TRUE(is_valid_utf8("\xE9\xAD\x94"));          // 魔, 3 bytes
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x8E\xA5"));      // U+1F3A5, 4 bytes
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the last code point
    EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));  // NUL is a code point
}

TEST(Utf8, IllFormedSequencesAreRefused) {
    EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
    EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
    EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong, 4 bytes
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xFF"));
    EXPECT_FALSE(is_valid_utf8("ok\xE9\xAD"));  // truncated at the end
}

TEST(Utf8, RepairReplacesEachBadByteAndKeepsTheRest) {
    EXPECT_EQ(to_valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
    EXPECT_EQ(to_valid_utf8("a\xFF"
                            "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(to_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_TRUE(is_valid_utf8(to_valid_utf8("\xED\xA0\x80\xF4\x90\x80\x80 x")));
}

}  // namespace
}  // namespace anidb
