#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rename_plan.h"
#include "rename_template.h"
#include "support/temp_dir.h"

namespace anidb::cli {
namespace {

namespace fs = std::filesystem;

// The tag values of `info` for a file at `path` whose CRC32 is 0a1b2c3d.
TagValues values_for(const client::AnimeInfo& info, std::string_view path) {
    LocalFile file{std::string(path), 1234, {{hash::Algorithm::crc32, "0a1b2c3d"}}};
    return tag_values(&info, file);
}

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
    const auto path = t->expand(values_for(sample_info(), "dir/[X] Show - 03v2 [abc].mkv"));
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
    EXPECT_EQ(*t->expand(values_for(info, "Show - 03v2.mkv")),
              "Seikai no Monshou - 03v3 [H264_AVC AAC,FLAC]");
    info.version = 0;  // AniDB sets no version bit: the name's "v2" is used
    EXPECT_EQ(*t->expand(values_for(info, "Show - 03v2.mkv")),
              "Seikai no Monshou - 03v2 [H264_AVC AAC,FLAC]");
}

TEST(CliRenameTemplate, EmptyRequiredTagRefusesAndOptionalAllows) {
    client::AnimeInfo info = sample_info();
    info.title_romaji.clear();
    auto fallback = RenameTemplate::parse("{anime_romaji|anime_english} {episode}");
    ASSERT_TRUE(fallback.ok());
    EXPECT_EQ(*fallback->expand(values_for(info, "x.mkv")), "Crest of the Stars 03");
    auto required = RenameTemplate::parse("{anime_kanji} {episode}");
    ASSERT_TRUE(required.ok());
    const auto refused = required->expand(values_for(info, "x.mkv"));
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("anime_kanji"), std::string::npos);
    auto optional = RenameTemplate::parse("{{{anime_kanji?}}} {episode}");
    ASSERT_TRUE(optional.ok());
    EXPECT_EQ(*optional->expand(values_for(info, "x.mkv")), "{} 03");
}

TEST(CliRenameTemplate, RejectsBadTemplates) {
    EXPECT_FALSE(RenameTemplate::parse("{nope}").ok());
    EXPECT_FALSE(RenameTemplate::parse("{anime").ok());
    EXPECT_FALSE(RenameTemplate::parse("anime}").ok());
    EXPECT_FALSE(RenameTemplate::parse("").ok());
    auto dots = RenameTemplate::parse("../{anime}");
    ASSERT_TRUE(dots.ok());
    EXPECT_FALSE(dots->expand(values_for(sample_info(), "x.mkv")).ok());
}

TEST(CliRenameTemplate, SectionsDatesAndNewTags) {
    client::AnimeInfo info = sample_info();
    info.aired = 1300000000;  // 2011-03-13 UTC
    info.episode_title_romaji = "Ima";
    info.audio_languages = "japanese,english";
    auto t = RenameTemplate::parse(
        "{anime} - {epno}{?episode_title: - {episode_title}}{?anime_kanji: ({anime_kanji})} "
        "{aired:%Y.%m.%d} {aired} [{episode_romaji}][{audio_languages}]");
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(*t->expand(values_for(info, "x.mkv")),
              "Seikai no Monshou - 03 - What_ Now_ 2011.03.13 2011-03-13 [Ima][japanese,english]");
    info.episode_title.clear();
    EXPECT_EQ(*t->expand(values_for(info, "x.mkv")),
              "Seikai no Monshou - 03 2011.03.13 2011-03-13 [Ima][japanese,english]");
    // A required tag inside a shown section still refuses the file.
    auto inner = RenameTemplate::parse("{anime}{?anime_english: {anime_kanji}}");
    ASSERT_TRUE(inner.ok());
    EXPECT_FALSE(inner->expand(values_for(info, "x.mkv")).ok());
    // Literal braces inside a section.
    auto braces = RenameTemplate::parse("{anime}{?episode: {{{episode}}}}");
    ASSERT_TRUE(braces.ok()) << braces.error().message;
    EXPECT_EQ(*braces->expand(values_for(info, "x.mkv")), "Seikai no Monshou {03}");
    for (const char* bad : {"{?anime: x", "{aired:}", "{crc32:%Y}", "{?nope:x}", "{?anime x}"}) {
        EXPECT_FALSE(RenameTemplate::parse(bad).ok()) << bad;
    }
}

TEST(CliRenameTemplate, LocalTemplatesNeedNoAnidb) {
    auto local = RenameTemplate::parse("{original} [{crc32}] {size} {ext}");
    ASSERT_TRUE(local.ok());
    EXPECT_FALSE(local->needs_anidb());
    EXPECT_EQ(local->hashes_needed(), std::vector<hash::Algorithm>{hash::Algorithm::crc32});
    LocalFile file{"dir/Show 01.mkv", 4096, {{hash::Algorithm::crc32, "0a1b2c3d"}}};
    EXPECT_EQ(*local->expand(tag_values(nullptr, file)), "Show 01 [0A1B2C3D] 4096 mkv");
    auto anidb = RenameTemplate::parse("{?anime_english:{original}} {md5} {sha1?}");
    ASSERT_TRUE(anidb.ok());
    EXPECT_TRUE(anidb->needs_anidb());  // a section's condition counts
    EXPECT_EQ(anidb->hashes_needed(),
              (std::vector<hash::Algorithm>{hash::Algorithm::md5, hash::Algorithm::sha1}));
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
    const auto moves = plan_moves(dir / "Show 03.mkv", "New/It's 03", dir / "out",
                                  find_related_files(dir / "Show 03.mkv"));
    ASSERT_EQ(moves.size(), 3u);
    EXPECT_EQ(moves[0].to, dir / "out/New/It's 03.mkv");
    EXPECT_EQ(moves[1].to, dir / "out/New/It's 03.en.ass");
    EXPECT_EQ(moves[2].to, dir / "out/New/It's 03.mka");

    UndoLog log;
    ASSERT_TRUE(log.open(dir / "undo.sh").ok());
    std::vector<fs::path> created;
    for (const auto& m : moves) {
        const size_t before = created.size();
        ASSERT_TRUE(transfer_file(m, Transfer::move, created).ok());
        for (size_t i = before; i < created.size(); ++i) log.record_created_folder(created[i]);
        log.record(m, Transfer::move);
    }
    // The folders were created outermost first.
    EXPECT_EQ(created, (std::vector<fs::path>{dir / "out", dir / "out/New"}));
    EXPECT_TRUE(fs::exists(dir / "out/New/It's 03.en.ass"));
    EXPECT_FALSE(fs::exists(dir / "Show 03.mkv"));
    // A second move onto an existing name is refused.
    dir.write_bytes("other.mkv", "o");
    std::vector<fs::path> none;
    EXPECT_EQ(transfer_file({dir / "other.mkv", dir / "out/New/It's 03.mkv"}, Transfer::move, none)
                  .code(),
              Errc::busy);

    const std::string cmd = "sh '" + (dir / "undo.sh").string() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_TRUE(fs::exists(dir / "Show 03.mkv"));
    EXPECT_TRUE(fs::exists(dir / "Show 03.en.ass"));
    EXPECT_TRUE(fs::exists(dir / "Show 03.mka"));
    EXPECT_FALSE(fs::exists(dir / "out"));  // created by the rename, removed by the undo
    EXPECT_EQ(shell_quote("a'b"), "'a'\\''b'");
}

TEST(CliRenamePlan, UndoRunsLastChangeFirstAcrossRuns) {
    test::TempDir dir;
    dir.write_bytes("a.mkv", "A");
    // Run 1: a -> b. Run 2 (appending to the same log): b -> c.
    for (const auto& [from, to] : {std::pair{"a.mkv", "b.mkv"}, std::pair{"b.mkv", "c.mkv"}}) {
        UndoLog log;
        ASSERT_TRUE(log.open(dir / "undo.sh").ok());
        std::vector<fs::path> created;
        const FileMove m{dir / from, dir / to};
        ASSERT_TRUE(transfer_file(m, Transfer::move, created).ok());
        log.record(m, Transfer::move);
    }
    ASSERT_TRUE(fs::exists(dir / "c.mkv"));
    // Forward order would try b -> a first (b does not exist yet) and leave
    // the file at b.mkv; the log undoes c -> b, then b -> a.
    const std::string cmd = "sh '" + (dir / "undo.sh").string() + "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_TRUE(fs::exists(dir / "a.mkv"));
    EXPECT_FALSE(fs::exists(dir / "b.mkv"));
    EXPECT_FALSE(fs::exists(dir / "c.mkv"));
}

TEST(CliRenamePlan, LinksAndCopiesKeepTheOriginalAndUndoRemovesThem) {
    test::TempDir dir;
    dir.write_bytes("a.mkv", "data");
    UndoLog log;
    ASSERT_TRUE(log.open(dir / "undo.sh").ok());
    std::vector<fs::path> created;
    for (const auto& [how, name] :
         {std::pair{Transfer::hard_link, "hard.mkv"}, std::pair{Transfer::soft_link, "soft.mkv"},
          std::pair{Transfer::copy, "copy.mkv"}}) {
        const FileMove m{dir / "a.mkv", dir / "links" / name};
        const size_t before = created.size();
        ASSERT_TRUE(transfer_file(m, how, created).ok());
        for (size_t i = before; i < created.size(); ++i) log.record_created_folder(created[i]);
        log.record(m, how);
        EXPECT_EQ(transfer_file(m, how, created).code(), Errc::busy);  // never overwritten
    }
    struct stat a {
    }, hard{};
    ASSERT_EQ(::stat((dir / "a.mkv").c_str(), &a), 0);
    ASSERT_EQ(::stat((dir / "links/hard.mkv").c_str(), &hard), 0);
    EXPECT_EQ(a.st_ino, hard.st_ino);
    EXPECT_TRUE(fs::is_symlink(dir / "links/soft.mkv"));
    EXPECT_EQ(fs::read_symlink(dir / "links/soft.mkv"), dir / "a.mkv");
    EXPECT_TRUE(fs::exists(dir / "links/copy.mkv"));
    const std::string cmd = "sh '" + (dir / "undo.sh").string() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_TRUE(fs::exists(dir / "a.mkv"));
    EXPECT_FALSE(fs::exists(dir / "links"));
}

TEST(CliRenamePlan, RemovesEmptyFoldersUpToTheStopAndBelongsTo) {
    test::TempDir dir;
    fs::create_directories(dir / "top/a/b");
    fs::create_directories(dir / "top/keep");
    const auto removed = remove_empty_folders(dir / "top/a/b", dir / "top", {});
    EXPECT_EQ(removed, (std::vector<fs::path>{dir / "top/a/b", dir / "top/a"}));
    EXPECT_TRUE(fs::exists(dir / "top"));
    EXPECT_TRUE(remove_empty_folders(dir / "top/keep", dir.path(), {dir / "top/keep"}).empty());
    dir.write_bytes("top/keep/x", "x");
    EXPECT_TRUE(remove_empty_folders(dir / "top/keep", dir.path(), {}).empty());  // not empty
    EXPECT_TRUE(belongs_to("d/Show 01.en.ass", "d/Show 01.mkv"));
    EXPECT_TRUE(belongs_to("d/Show 01.ed2k", "d/Show 01.mkv"));
    EXPECT_FALSE(belongs_to("e/Show 01.ass", "d/Show 01.mkv"));
    EXPECT_FALSE(belongs_to("d/Show 010.ass", "d/Show 01.mkv"));
}

}  // namespace
}  // namespace anidb::cli
