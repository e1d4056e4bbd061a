#include "cache/fields_codec.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

TEST(FieldsCodec, EmptyMapIsEmptyText) {
    EXPECT_EQ(encode_fields({}), "");
    auto back = decode_fields("");
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(back->empty());
}

TEST(FieldsCodec, DocumentedExample) {
    EXPECT_EQ(encode_fields({{"aid", "1"}, {"title", "a|b"}}), "3:aid,1:1,5:title,3:a|b,");
}

TEST(FieldsCodec, OddBytesRoundTrip) {
    const std::map<std::string, std::string> fields = {
        {"pipe|key", "a|b|c"},
        {"line\nbreak", "x\ny\r\n"},
        {"eq=", "=1=2"},
        {"colon:comma,", "3:abc,"},
        {"日本語", "進撃の巨人 ☃"},
        {std::string("nul\0key", 7), std::string("\0\xff\xfe", 3)},
        {"", ""},
        {"empty value", ""},
    };
    auto back = decode_fields(encode_fields(fields));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, fields);
}

TEST(FieldsCodec, RandomBytesRoundTrip) {
    for (uint64_t seed = 1; seed <= 50; ++seed) {
        const auto k = test::random_bytes(seed % 17, seed);
        const auto v = test::random_bytes(seed * 7 % 300, seed + 1000);
        const std::map<std::string, std::string> fields = {
            {std::string(k.begin(), k.end()), std::string(v.begin(), v.end())}, {"z", "tail"}};
        auto back = decode_fields(encode_fields(fields));
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(*back, fields);
    }
}

TEST(FieldsCodec, MalformedTextIsAnError) {
    for (const char* bad : {"3:aid", "3:aid,", "3:aid,1:1", "x:aid,1:1,", "3:aid;1:1,",
                            "99:aid,1:1,", "-1:a,1:1,", "1:a,1:1,1:a,1:2,", ":a,1:1,"}) {
        auto r = decode_fields(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.code(), Errc::cache);
    }
}

}  // namespace
}  // namespace anidb::cache
