// The text codec: escaping, request encoding, reply parsing.
#include "anidb/codec.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

namespace anidb::udp {
namespace {

TEST(EscapeValue, AmpersandAndNewlines) {
    EXPECT_EQ(escape_value("sp&rrow"), "sp&amp;rrow");
    EXPECT_EQ(escape_value("a\nb\r\nc\rd"), "a<br />b<br />c<br />d");
    EXPECT_EQ(escape_value("&lt;"), "&amp;lt;");
    EXPECT_EQ(escape_value("plain = text"), "plain = text");
}

TEST(EscapeValue, RoundTripsThroughServerUnescaping) {
    for (std::string v : {"x&user=admin", "a&amp;b", "&lt;&gt;", "line1\nline2", "=&=&&", ""}) {
        EXPECT_EQ(unescape_value(escape_value(v)), v) << v;
    }
}

TEST(CommandEncoding, MatchesWorkedExample) {
    Command c("AUTH");
    c.add("user", "mika_r").add("pass", "sp&rrow").add("protover", int64_t{3});
    c.add("client", "animeidtool").add("clientver", int64_t{1}).add("enc", "UTF8");
    c.add("comp", int64_t{1});
    EXPECT_EQ(c.encode("t1"),
              "AUTH user=mika_r&pass=sp&amp;rrow&protover=3&client=animeidtool&clientver=1&"
              "enc=UTF8&comp=1&tag=t1");
    EXPECT_EQ(c.encode_redacted("t1").find("sp&"), std::string::npos);
    EXPECT_NE(c.encode_redacted("t1").find("pass=***"), std::string::npos);
}

TEST(CommandEncoding, NoParametersNoTag) {
    EXPECT_EQ(Command("PING").encode(""), "PING");
    EXPECT_EQ(Command("PING").encode("t9"), "PING tag=t9");
    EXPECT_FALSE(Command("PING").needs_session());
    EXPECT_FALSE(Command("AUTH").needs_session());
    EXPECT_TRUE(Command("FILE").needs_session());
}

TEST(CommandEncoding, InjectionAttemptsStayInsideTheirValue) {
    const std::string attempts[] = {"x&user=admin", "x&amp;user=admin", "pw\ns=KEY", "x&tag=evil",
                                    "&&&",          "a=b&c=d"};
    for (const auto& pw : attempts) {
        Command c("AUTH");
        c.add("user", "mika").add("pass", pw).add("protover", int64_t{3});
        auto parsed = parse_command(c.encode("t1"));
        ASSERT_TRUE(parsed.ok()) << pw;
        ASSERT_EQ(parsed->params.size(), 4u) << pw;
        EXPECT_EQ(*parsed->get("user"), "mika");
        EXPECT_EQ(*parsed->get("pass"), pw);
        EXPECT_EQ(*parsed->get("tag"), "t1");
    }
}

TEST(Tags, StartWithALetterAndCannotBePredicted) {
    TagSequence tags, other;
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string t = tags.next();
        ASSERT_EQ(t.size(), 10u) << t;
        EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(t[0]))) << t;
        for (char c : t) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << t;
        EXPECT_TRUE(seen.insert(t).second) << "repeated tag " << t;
        EXPECT_NE(t, "t" + std::to_string(i + 1));  // not the old t1, t2, ...
    }
    // Another session (another process) does not follow the same sequence.
    EXPECT_EQ(seen.count(other.next()), 0u);
}

TEST(ParseReply, TaggedLoginWithNat) {
    auto r = parse_reply("t1 200 Xk3Pq 10.0.0.1:9123 LOGIN ACCEPTED\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->tag, "t1");
    EXPECT_EQ(r->code, 200);
    ASSERT_EQ(r->head.size(), 2u);
    EXPECT_EQ(r->head[0], "Xk3Pq");
    EXPECT_EQ(r->head[1], "10.0.0.1:9123");
    EXPECT_EQ(r->text, "LOGIN ACCEPTED");
    EXPECT_TRUE(r->lines.empty());
}

TEST(ParseReply, UntaggedNewVersionAndSalt) {
    auto r = parse_reply("201 abcd LOGIN ACCEPTED - NEW VERSION AVAILABLE");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->tag, "");
    EXPECT_EQ(r->code, 201);
    ASSERT_EQ(r->head.size(), 1u);
    EXPECT_EQ(r->head[0], "abcd");
    auto s = parse_reply("t3 209 s4lt ENCRYPTION ENABLED\n");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->head.at(0), "s4lt");
}

TEST(ParseReply, EveryCodeTheProjectUsesParses) {
    const int codes[] = {200, 201, 203, 208, 209, 210, 219, 220, 221, 230, 240, 250, 300, 309,
                         310, 311, 312, 320, 321, 322, 330, 340, 350, 394, 403, 411, 500, 501,
                         502, 503, 504, 505, 506, 509, 519, 555, 598, 600, 601, 602, 604, 998};
    for (int code : codes) {
        auto r = parse_reply("t7 " + std::to_string(code) + " SOME TEXT\n");
        ASSERT_TRUE(r.ok()) << code;
        EXPECT_EQ(r->code, code);
        EXPECT_EQ(r->tag, "t7");
    }
}

TEST(ParseReply, DataLinesExtraAndMissingFields) {
    auto r = parse_reply("t2 240 EPISODE\n1|2|24|800|12|01|Title|Romaji|Kanji|1000|1|EXTRA|MORE");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->lines.size(), 1u);
    EXPECT_EQ(r->fields(0).size(), 13u);
    EXPECT_TRUE(r->fields(5).empty());
    auto empty = parse_reply("t2 240 EPISODE\n1||\n");
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->fields(0), (std::vector<std::string>{"1", "", ""}));
}

TEST(ParseReply, ErrorDetailAndBanReason) {
    auto r = parse_reply("504 CLIENT BANNED - too old\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->detail(), "too old");
    auto b = parse_reply("t4 555 BANNED\nflooding\n");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->detail(), "flooding");
    auto e = parse_reply("600 INTERNAL SERVER ERROR\nERROR: db down\n");
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->detail(), "db down");
}

TEST(ParseReply, RejectsGarbage) {
    EXPECT_EQ(parse_reply("").code(), Errc::protocol);
    EXPECT_EQ(parse_reply("hello world").code(), Errc::protocol);
    EXPECT_EQ(parse_reply("t1 20 X").code(), Errc::protocol);
    EXPECT_EQ(parse_reply(std::string("\xff\xfe\x01", 3)).code(), Errc::protocol);
}

TEST(Fields, ServerEscapingIsUndoneOnlyWhereSafe) {
    EXPECT_EQ(unescape_field("a<br />b"), "a\nb");
    EXPECT_EQ(unescape_field("The Captain`s Map"), "The Captain`s Map");
    EXPECT_EQ(display_field("The Captain`s Map"), "The Captain's Map");
    EXPECT_EQ(display_field("A/B"), "A/B");  // never restore '|'
    EXPECT_EQ(escape_field("it's a|b\nc"), "it`s a/b<br />c");
    EXPECT_EQ(split_list("japanese'english"), (std::vector<std::string>{"japanese", "english"}));
    EXPECT_TRUE(split_list("").empty());
    EXPECT_EQ(field_int(""), 0);
    EXPECT_EQ(field_int("12x", -1), -1);
    EXPECT_EQ(field_int("734003200"), 734003200);
}

}  // namespace
}  // namespace anidb::udp
