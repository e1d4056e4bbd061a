#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rename_plan.h"
#include "rename_template.h"
#include "support/temp_dir.h"

namespace anidb::cli {
namespace {

namespace fs = std::filesystem;

client::AnimeInfo sample_info() {
    client::AnimeInfo info;
    info.file_id = 100;
    info.anime_id = 200;
    info.title_romaji = "Seikai no Monshou";
    info.title_english = "Crest of the Stars";
    info.episode_number = "03";
    info.episode_title = "What: Now?";
    info.group_name = "A/B Subs";
    info.crc32 = "0a1b2c3d";
    return info;
}

TEST(CliRenameTemplate, ExpandsTagsFallbacksAndReplacesIllegalCharacters) {
    auto t = RenameTemplate::parse(
        "{anime}/{anime} - {episode}{version?} - {episode_title} [{group}][{crc32}]");
    ASSERT_TRUE(t.ok()) << t.error().message;
    const auto path = t->expand(tag_values(sample_info(), "dir/[X] Show - 03v2 [abc].mkv"));
    ASSERT_TRUE(path.ok()) << path.error().message;
    EXPECT_EQ(*path,
              "Seikai no Monshou/Seikai no Monshou - 03v2 - What_ Now_ [A_B Subs][0A1B2C3D]");
}

TEST(CliRenameTemplate, VersionFromAnidbWinsAndCodecTags) {
    auto t = RenameTemplate::parse("{anime} - {episode}{version?} [{vcodec} {acodec}]");
    ASSERT_TRUE(t.ok()) << t.error().message;
    client::AnimeInfo info = sample_info();
    info.version = 3;
    info.video_codec = "H264/AVC";
    info.audio_codecs = "AAC,FLAC";
    EXPECT_EQ(*t->expand(tag_values(info, "Show - 03v2.mkv")),
              "Seikai no Monshou - 03v3 [H264_AVC AAC,FLAC]");
    info.version = 0;  // AniDB sets no version bit: the name's "v2" is used
    EXPECT_EQ(*t->expand(tag_values(info, "Show - 03v2.mkv")),
              "Seikai no Monshou - 03v2 [H264_AVC AAC,FLAC]");
}

TEST(CliRenameTemplate, EmptyRequiredTagRefusesAndOptionalAllows) {
    client::AnimeInfo info = sample_info();
    info.title_romaji.clear();
    auto fallback = RenameTemplate::parse("{anime_romaji|anime_english} {episode}");
    ASSERT_TRUE(fallback.ok());
    EXPECT_EQ(*fallback->expand(tag_values(info, "x.mkv")), "Crest of the Stars 03");
    auto required = RenameTemplate::parse("{anime_kanji} {episode}");
    ASSERT_TRUE(required.ok());
    const auto refused = required->expand(tag_values(info, "x.mkv"));
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("anime_kanji"), std::string::npos);
    auto optional = RenameTemplate::parse("{{{anime_kanji?}}} {episode}");
    ASSERT_TRUE(optional.ok());
    EXPECT_EQ(*optional->expand(tag_values(info, "x.mkv")), "{} 03");
}

TEST(CliRenameTemplate, RejectsBadTemplates) {
    EXPECT_FALSE(RenameTemplate::parse("{nope}").ok());
    EXPECT_FALSE(RenameTemplate::parse("{anime").ok());
    EXPECT_FALSE(RenameTemplate::parse("anime}").ok());
    EXPECT_FALSE(RenameTemplate::parse("").ok());
    auto dots = RenameTemplate::parse("../{anime}");
    ASSERT_TRUE(dots.ok());
    EXPECT_FALSE(dots->expand(tag_values(sample_info(), "x.mkv")).ok());
}

TEST(CliRenameTemplate, VersionFromName) {
    EXPECT_EQ(version_from_name("[G] Show - 03v2 [ABCD]"), "v2");
    EXPECT_EQ(version_from_name("Show [v3]"), "v3");
    EXPECT_EQ(version_from_name("Show - 03 [dvd]"), "");
    EXPECT_EQ(version_from_name("Evangelion"), "");
}

TEST(CliRenamePlan, MovesRelatedFilesAndWritesAnUndoScript) {
    test::TempDir dir;
    dir.write_bytes("Show 03.mkv", "v");
    dir.write_bytes("Show 03.en.ass", "s");
    dir.write_bytes("Show 03.mka", "a");
    dir.write_bytes("Show 03.jpg", "j");   // not related: unknown extension
    dir.write_bytes("Show 030.ass", "x");  // not related: other base name
    const auto moves = plan_moves(dir / "Show 03.mkv", "New/It's 03", dir / "out", true);
    ASSERT_EQ(moves.size(), 3u);
    EXPECT_EQ(moves[0].to, dir / "out/New/It's 03.mkv");
    EXPECT_EQ(moves[1].to, dir / "out/New/It's 03.en.ass");
    EXPECT_EQ(moves[2].to, dir / "out/New/It's 03.mka");

    UndoLog log;
    ASSERT_TRUE(log.open(dir / "undo.sh").ok());
    for (const auto& m : moves) {
        ASSERT_TRUE(move_file(m).ok());
        log.record(m);
    }
    EXPECT_TRUE(fs::exists(dir / "out/New/It's 03.en.ass"));
    EXPECT_FALSE(fs::exists(dir / "Show 03.mkv"));
    // A second move onto an existing name is refused.
    dir.write_bytes("other.mkv", "o");
    EXPECT_EQ(move_file({dir / "other.mkv", dir / "out/New/It's 03.mkv"}).code(), Errc::busy);

    const std::string cmd = "sh '" + (dir / "undo.sh").string() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_TRUE(fs::exists(dir / "Show 03.mkv"));
    EXPECT_TRUE(fs::exists(dir / "Show 03.en.ass"));
    EXPECT_TRUE(fs::exists(dir / "Show 03.mka"));
    EXPECT_EQ(shell_quote("a'b"), "'a'\\''b'");
}

}  // namespace
}  // namespace anidb::cli
