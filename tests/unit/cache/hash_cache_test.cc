// Hash entries: hits, misses, invalidation, moves and merging of algorithms,
// against real files and a real SQLite database in a temporary directory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "cache/cache_db.h"
#include "cache_test_util.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::open_or_fail;
using test::set_mtime_ns;

const std::map<int, std::string> kEd2kCrc = {{1, "0123456789abcdef0123456789abcdef"},
                                             {2, "deadbeef"}};
const std::map<int, std::string> kOther = {{1, "fedcba9876543210fedcba9876543210"},
                                           {2, "0badf00d"}};

class HashCache : public ::testing::Test {
  protected:
    void SetUp() override {
        db_ = open_or_fail(dir_ / "db" / "anidb.db");
        ASSERT_NE(db_, nullptr);
        file_ = dir_.write_random("movie.mkv", 4096);
    }
    FileIdentity identity(const std::filesystem::path& p) {
        auto id = identify_file(p);
        EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
        return id.ok() ? *id : FileIdentity{};
    }
    std::optional<CacheDb::HashHit> find(const std::filesystem::path& p) {
        auto hit = db_->find_hashes(identity(p));
        EXPECT_TRUE(hit.ok()) << (hit.ok() ? "" : hit.error().message);
        return hit.ok() ? *hit : std::nullopt;
    }
    uint64_t hash_entries() {
        auto s = db_->stats();
        EXPECT_TRUE(s.ok());
        return s.ok() ? s->hash_entries : 0;
    }

    anidb::test::TempDir dir_;
    std::unique_ptr<CacheDb> db_;
    std::filesystem::path file_;
};

TEST(FileIdentity, StatsARealFile) {
    anidb::test::TempDir dir;
    const auto p = dir.write_random("a.bin", 1234);
    const auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    auto id = identify_file("./sub/../a.bin");
    std::filesystem::current_path(cwd);
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(id->path, p.string());
    EXPECT_EQ(id->size, 1234U);
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(id->inode, st.st_ino);
    EXPECT_EQ(id->device, st.st_dev);
    EXPECT_EQ(id->mtime_ns, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec);
}

// Absolute paths are keyed in normal form whichever way they are spelled;
// an already normal one is taken as it is (the fast path of a library scan).
TEST(FileIdentity, AbsolutePathsAreNormalised) {
    anidb::test::TempDir dir;
    const auto p = dir.write_random("b.bin", 10);
    std::filesystem::create_directory(dir / "x");
    const std::string base = dir.path().string();
    for (const std::string& spelled : {p.string(), base + "/./b.bin", base + "//b.bin",
                                       base + "/x/../b.bin", base + "/x/./../b.bin"}) {
        auto id = identify_file(spelled);
        ASSERT_TRUE(id.ok()) << spelled << ": " << id.error().message;
        EXPECT_EQ(id->path, p.string()) << spelled;
    }
    EXPECT_EQ(identify_file(base + "/b.bin/").code(), Errc::file_not_found);  // not a directory
}

// DirectoryStatter gives what identify_native gives, file by file, while it
// keeps the last directory open.
TEST(FileIdentity, DirectoryStatterMatchesIdentifyNative) {
    anidb::test::TempDir dir;
    std::filesystem::create_directory(dir / "a");
    std::filesystem::create_directory(dir / "b");
    const auto a1 = dir.write_random("a/1.bin", 100, 1);
    const auto a2 = dir.write_random("a/2.bin", 200, 2);
    const auto b1 = dir.write_random("b/1.bin", 300, 3);
    std::filesystem::create_symlink(a1, dir / "b" / "link.bin");
    const std::string base = dir.path().string();
    DirectoryStatter statter;
    for (const std::string& p :
         {a1.string(), a2.string(), b1.string(), base + "/b/link.bin", a1.string(),
          base + "/a/../b/1.bin", base + "/a/missing.bin", base + "/a", base + "/gone/x.bin"}) {
        const auto expected = identify_native(p);
        const auto got = statter.identify(p);
        ASSERT_EQ(got.ok(), expected.ok()) << p;
        if (expected.ok()) {
            EXPECT_EQ(*got, *expected) << p;
        } else {
            EXPECT_EQ(got.code(), expected.code()) << p;
        }
    }
    EXPECT_EQ(statter.identify(base + "/a/missing.bin").code(), Errc::file_not_found);
    EXPECT_EQ(statter.identify(base + "/a").code(), Errc::invalid_parameter);
    // The open directory is removed: its files are gone, not stale.
    std::filesystem::remove_all(dir / "b");
    EXPECT_EQ(statter.identify(b1.string()).code(), Errc::file_not_found);
}

TEST(FileIdentity, Errors) {
    anidb::test::TempDir dir;
    EXPECT_EQ(identify_file(dir / "missing").code(), Errc::file_not_found);
    EXPECT_EQ(identify_file("").code(), Errc::invalid_parameter);
    EXPECT_EQ(identify_file(dir.path()).code(), Errc::invalid_parameter);
    const auto locked = dir / "locked";
    std::filesystem::create_directory(locked);
    dir.write_bytes("locked/f", "x");
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
    EXPECT_EQ(identify_file(locked / "f").code(), Errc::permission_denied);
}

TEST(FileIdentity, DefaultDatabasePathFollowsXdg) {
    const char* old_xdg = std::getenv("XDG_DATA_HOME");
    const std::string saved = old_xdg ? old_xdg : "";
    setenv("XDG_DATA_HOME", "/xdg/data", 1);
    EXPECT_EQ(default_database_path(), std::filesystem::path("/xdg/data/anidb/anidb.db"));
    setenv("XDG_DATA_HOME", "relative/ignored", 1);
    const char* home = std::getenv("HOME");
    if (home != nullptr && home[0] == '/') {
        EXPECT_EQ(default_database_path(),
                  std::filesystem::path(home) / ".local/share/anidb/anidb.db");
    }
    if (old_xdg)
        setenv("XDG_DATA_HOME", saved.c_str(), 1);
    else
        unsetenv("XDG_DATA_HOME");
}

TEST_F(HashCache, MissThenHit) {
    EXPECT_FALSE(find(file_).has_value());
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    auto hit = find(file_);
    ASSERT_TRUE(hit.has_value());
    EXPECT_FALSE(hit->moved);
    EXPECT_EQ(hit->cached_path, file_.string());
    EXPECT_EQ(hit->digests, kEd2kCrc);
}

TEST_F(HashCache, SizeChangeInvalidates) {
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    const auto before = identity(file_);
    dir_.write_random("movie.mkv", 5000, 2);
    set_mtime_ns(file_, before.mtime_ns);  // only the size differs
    EXPECT_FALSE(find(file_).has_value());
    // The stale entry is replaced by the next store, not kept beside it.
    ASSERT_TRUE(db_->store_hashes(identity(file_), kOther).ok());
    EXPECT_EQ(find(file_)->digests, kOther);
    EXPECT_EQ(hash_entries(), 1U);
}

TEST_F(HashCache, MtimeChangeInvalidates) {
    const auto before = identity(file_);
    ASSERT_TRUE(db_->store_hashes(before, kEd2kCrc).ok());
    set_mtime_ns(file_, before.mtime_ns + 1);  // one nanosecond later
    EXPECT_FALSE(find(file_).has_value());
}

TEST_F(HashCache, InodeChangeInvalidates) {
    const auto before = identity(file_);
    ASSERT_TRUE(db_->store_hashes(before, kEd2kCrc).ok());
    // A new file of the same size and mtime replaces the old one (new inode:
    // both exist while the new one is written).
    const auto replacement = dir_.write_random("replacement.tmp", 4096, 3);
    set_mtime_ns(replacement, before.mtime_ns);
    std::filesystem::rename(replacement, file_);
    const auto after = identity(file_);
    ASSERT_NE(after.inode, before.inode);
    ASSERT_EQ(after.size, before.size);
    ASSERT_EQ(after.mtime_ns, before.mtime_ns);
    EXPECT_FALSE(find(file_).has_value());
}

TEST_F(HashCache, StoreReplacesStaleEntry) {
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    set_mtime_ns(file_, identity(file_).mtime_ns + 1000);
    const std::map<int, std::string> md5{{3, "900150983cd24fb0d6963f7d28e17f72"}};
    ASSERT_TRUE(db_->store_hashes(identity(file_), md5).ok());
    auto hit = find(file_);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->digests, md5);  // old ones dropped
    EXPECT_EQ(hash_entries(), 1U);
}

TEST_F(HashCache, RenameIsRecognisedAndReKeyed) {
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    std::filesystem::create_directory(dir_ / "moved");
    const auto moved_to = dir_ / "moved" / "renamed.mkv";
    std::filesystem::rename(file_, moved_to);
    auto hit = find(moved_to);
    ASSERT_TRUE(hit.has_value());
    EXPECT_TRUE(hit->moved);
    EXPECT_EQ(hit->cached_path, file_.string());
    EXPECT_EQ(hit->digests, kEd2kCrc);
    // Re-keyed: the next lookup is an ordinary hit and no entry was added.
    auto again = find(moved_to);
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(again->moved);
    EXPECT_EQ(again->cached_path, moved_to.string());
    EXPECT_EQ(hash_entries(), 1U);
}

TEST_F(HashCache, HardLinkKeepsBothPaths) {
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    const auto link = dir_ / "link.mkv";
    std::filesystem::create_hard_link(file_, link);
    auto hit = find(link);
    ASSERT_TRUE(hit.has_value());
    EXPECT_TRUE(hit->moved);
    EXPECT_EQ(hit->digests, kEd2kCrc);
    EXPECT_EQ(hash_entries(), 2U);  // copied, not moved: the old path still holds the file
    auto original = find(file_);
    ASSERT_TRUE(original.has_value());
    EXPECT_FALSE(original->moved);
}

// find_exact_hashes answers many files in one read transaction: exact hits
// with their digests, clean misses, and `check` for whatever find_hashes must
// decide with a write (a stale entry, a moved file). It writes nothing.
TEST_F(HashCache, ExactLookupOfManyFiles) {
    const auto hit_file = dir_.write_random("hit.mkv", 3000, 11);
    const auto stale_file = dir_.write_random("stale.mkv", 3000, 12);
    const auto moved_from = dir_.write_random("old-name.mkv", 3000, 13);
    const auto unknown = dir_.write_random("unknown.mkv", 3000, 14);
    ASSERT_TRUE(db_->store_hashes(identity(hit_file), kEd2kCrc).ok());
    ASSERT_TRUE(db_->store_hashes(identity(stale_file), kEd2kCrc).ok());
    ASSERT_TRUE(db_->store_hashes(identity(moved_from), kEd2kCrc).ok());
    set_mtime_ns(stale_file, identity(stale_file).mtime_ns + 1);
    const auto moved_to = dir_ / "new-name.mkv";
    std::filesystem::rename(moved_from, moved_to);

    const std::vector<FileIdentity> ids = {identity(hit_file), identity(stale_file),
                                           identity(moved_to), identity(unknown)};
    std::vector<CacheDb::Lookup> out(7);  // replaced, whatever it held
    ASSERT_TRUE(db_->find_exact_hashes(ids, out).ok());
    ASSERT_EQ(out.size(), 4U);
    EXPECT_EQ(out[0].state, CacheDb::Lookup::State::hit);
    EXPECT_EQ(out[0].digests, kEd2kCrc);
    EXPECT_EQ(out[1].state, CacheDb::Lookup::State::miss);  // stale
    EXPECT_EQ(out[2].state, CacheDb::Lookup::State::check);
    EXPECT_EQ(out[3].state, CacheDb::Lookup::State::miss);
    for (size_t i = 1; i < 4; ++i) EXPECT_TRUE(out[i].digests.empty()) << i;
    EXPECT_EQ(hash_entries(), 3U);  // nothing written

    // find_hashes then decides the `check` ones.
    EXPECT_FALSE(find(stale_file).has_value());
    auto moved = find(moved_to);
    ASSERT_TRUE(moved.has_value());
    EXPECT_TRUE(moved->moved);

    ASSERT_TRUE(db_->find_exact_hashes({}, out).ok());
    EXPECT_TRUE(out.empty());
}

TEST_F(HashCache, PartialAlgorithmSetsMerge) {
    const auto id = identity(file_);
    const auto a = test::well_formed_digests(1);
    const auto b = test::well_formed_digests(2);
    ASSERT_TRUE(db_->store_hashes(id, {{1, a.at(1)}}).ok());
    ASSERT_TRUE(db_->store_hashes(id, {{4, a.at(4)}, {5, a.at(5)}}).ok());
    ASSERT_TRUE(db_->store_hashes(id, {{1, b.at(1)}}).ok());
    auto hit = find(file_);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->digests, (std::map<int, std::string>{{1, b.at(1)}, {4, a.at(4)}, {5, a.at(5)}}));
    EXPECT_EQ(hash_entries(), 1U);
}

TEST_F(HashCache, RejectsBadAlgorithmsAndRelativePaths) {
    const auto id = identity(file_);
    EXPECT_EQ(db_->store_hashes(id, {{0, "x"}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(db_->store_hashes(id, {{6, "x"}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(db_->store_hashes(id, {{1, ""}}).code(), Errc::invalid_parameter);
    // Digests not of their algorithm's form are refused too.
    EXPECT_EQ(db_->store_hashes(id, {{1, "ed2k"}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(db_->store_hashes(id, {{2, "DEADBEEF"}}).code(), Errc::invalid_parameter);
    EXPECT_EQ(db_->store_hashes(id, {{5, kEd2kCrc.at(1)}}).code(), Errc::invalid_parameter);
    auto relative = id;
    relative.path = "movie.mkv";
    EXPECT_EQ(db_->store_hashes(relative, kEd2kCrc).code(), Errc::invalid_parameter);
    EXPECT_EQ(hash_entries(), 0U);
}

TEST_F(HashCache, SurvivesReopen) {
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    const auto path = db_->file();
    db_.reset();
    db_ = open_or_fail(path);
    ASSERT_NE(db_, nullptr);
    auto hit = find(file_);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->digests, kEd2kCrc);
}

TEST_F(HashCache, ClearAndStats) {
    for (int i = 0; i < 10; ++i) {
        const auto p = dir_.write_random("f" + std::to_string(i), 100 + i, i);
        ASSERT_TRUE(db_->store_hashes(identity(p), kEd2kCrc).ok());
    }
    ASSERT_TRUE(db_->store_unknown_file(1, "abc", 5).ok());
    ASSERT_TRUE(db_->store_record(CacheDb::RecordKind::anime, {7, {{"a", "b"}}, 1}).ok());
    ASSERT_TRUE(db_->put_state("session", "key").ok());
    auto s = db_->stats();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->hash_entries, 10U);
    EXPECT_EQ(s->anidb_entries, 2U);
    EXPECT_GE(s->database_bytes, 4096U);

    ASSERT_TRUE(db_->clear().ok());
    s = db_->stats();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->hash_entries, 0U);
    EXPECT_EQ(s->anidb_entries, 0U);
    EXPECT_EQ(test::count_rows(db_->file(), "hash_files"), 0);
    EXPECT_FALSE(find(dir_ / "f0").has_value());
    auto state = db_->get_state("session");
    ASSERT_TRUE(state.ok());
    EXPECT_FALSE(state->has_value());
    // The schema stays: the cache is usable straight away.
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    EXPECT_TRUE(find(file_).has_value());
}

TEST_F(HashCache, VacuumShrinksAfterClear) {
    for (int i = 0; i < 3000; ++i) {
        auto id = test::fake_identity("/fake/" + std::string(200, 'p') + std::to_string(i), i);
        ASSERT_TRUE(db_->store_hashes(id, test::well_formed_digests(i)).ok());
    }
    ASSERT_TRUE(db_->vacuum().ok());
    auto full = db_->stats();
    ASSERT_TRUE(full.ok());
    ASSERT_TRUE(db_->clear().ok());
    ASSERT_TRUE(db_->vacuum().ok());
    auto empty = db_->stats();
    ASSERT_TRUE(empty.ok());
    EXPECT_LT(empty->database_bytes, full->database_bytes / 4);
    ASSERT_TRUE(db_->store_hashes(identity(file_), kEd2kCrc).ok());
    EXPECT_TRUE(find(file_).has_value());
}

}  // namespace
}  // namespace anidb::cache
