// The client's use of the cache (issue 5): hits and misses, invalidation on
// size, mtime and inode change, renamed files recognised, partial algorithm
// sets, verify_existing finding corruption, skip_existing in batches, and
// faults (corrupt or unusable database) that leave hashing working.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "cache/cache_db.h"
#include "cache/file_identity.h"
#include "client/client.h"
#include "io/sequential_file.h"
#include "support/temp_dir.h"

namespace anidb::client {
namespace {

using hash::Algorithm;
using test::TempDir;

class ClientCache : public ::testing::Test {
  protected:
    std::shared_ptr<Client> make(const std::filesystem::path& cache_dir) {
        ClientConfig cfg;
        cfg.cache_dir = cache_dir;
        auto c = Client::create(cfg);
        EXPECT_TRUE(c.ok());
        return std::move(c).value();
    }
    std::shared_ptr<Client> client() {
        if (!client_) client_ = make(tmp.path() / "cache");
        return client_;
    }
    FileResult process(const std::filesystem::path& p, std::vector<Algorithm> algos,
                       bool verify = false) {
        ProcessOptions o;
        o.algorithms = std::move(algos);
        o.verify_existing = verify;
        auto r = client()->process_file(p, o);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? std::move(r).value() : FileResult{};
    }
    std::vector<EventType> drain() {
        std::vector<EventType> types;
        for (const auto& e : client()->events().poll(10000)) types.push_back(e.type);
        return types;
    }
    static size_t count(const std::vector<EventType>& v, EventType t) {
        return static_cast<size_t>(std::count(v.begin(), v.end(), t));
    }

    TempDir tmp;
    std::shared_ptr<Client> client_;
};

TEST_F(ClientCache, SecondRunIsAHit) {
    const auto f = tmp.write_random("a.mkv", 300000);
    auto first = process(f, {Algorithm::ed2k, Algorithm::crc32});
    EXPECT_FALSE(first.from_cache);
    EXPECT_EQ(count(drain(), EventType::cache_miss), 2U);
    auto second = process(f, {Algorithm::ed2k, Algorithm::crc32});
    EXPECT_TRUE(second.from_cache);
    EXPECT_EQ(second.hashes, first.hashes);
    const auto events = drain();
    EXPECT_EQ(count(events, EventType::cache_hit), 2U);
    EXPECT_EQ(count(events, EventType::hash_start), 0U);
}

TEST_F(ClientCache, ChangedSizeMtimeOrInodeIsRehashed) {
    const auto f = tmp.write_random("b.mkv", 100000);
    const auto before = process(f, {Algorithm::md5});
    // mtime: same bytes, new time.
    struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 5}};
    ASSERT_EQ(::utimensat(AT_FDCWD, f.c_str(), times, 0), 0);
    EXPECT_FALSE(process(f, {Algorithm::md5}).from_cache);
    // size.
    tmp.write_random("b.mkv", 100001);
    const auto grown = process(f, {Algorithm::md5});
    EXPECT_FALSE(grown.from_cache);
    EXPECT_NE(grown.hashes, before.hashes);
    // inode: a new file in its place with the same size and mtime.
    struct stat st {};
    ASSERT_EQ(::stat(f.c_str(), &st), 0);
    const auto other = tmp.write_random("b2.mkv", 100001, 99);
    struct timespec same[2] = {{0, UTIME_OMIT}, st.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, other.c_str(), same, 0), 0);
    std::filesystem::rename(other, f);
    const auto replaced = process(f, {Algorithm::md5});
    EXPECT_FALSE(replaced.from_cache);
    EXPECT_NE(replaced.hashes, grown.hashes);
}

TEST_F(ClientCache, RenamedFileIsRecognisedWithoutReading) {
    const auto f = tmp.write_random("c.mkv", 200000);
    const auto first = process(f, {Algorithm::ed2k});
    std::filesystem::create_directories(tmp / "moved");
    const auto moved = tmp / "moved" / "c renamed.mkv";
    std::filesystem::rename(f, moved);
    drain();
    const auto again = process(moved, {Algorithm::ed2k});
    EXPECT_TRUE(again.from_cache);
    EXPECT_EQ(again.hashes, first.hashes);
    EXPECT_EQ(count(drain(), EventType::cache_hit), 1U);
}

TEST_F(ClientCache, PartialAlgorithmSetReadsOnlyTheMissingOnes) {
    const auto f = tmp.write_random("d.mkv", 50000);
    process(f, {Algorithm::ed2k});
    drain();
    const auto both = process(f, {Algorithm::ed2k, Algorithm::sha1});
    EXPECT_FALSE(both.from_cache);
    const auto events = client()->events().poll(100);
    size_t hash_starts = 0;
    for (const auto& e : events) {
        if (e.type == EventType::hash_start) {
            ++hash_starts;
            EXPECT_EQ(e.algorithm, Algorithm::sha1);
        }
    }
    EXPECT_EQ(hash_starts, 1U);
    EXPECT_TRUE(process(f, {Algorithm::sha1, Algorithm::ed2k}).from_cache);
}

// 9728000 * chunks zero bytes: a size where ED2K's variants differ.
std::filesystem::path exact_chunks(const std::filesystem::path& p, int chunks) {
    const int fd = ::open(p.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::ftruncate(fd, off_t{9728000} * chunks), 0);
    ::close(fd);
    return p;
}

// A chunk-multiple file keeps both ED2K variants in the cache: answered
// from it, the result carries the blue one too and no byte is read, by the
// single-file path and by a batch (grouped lookups) alike.
TEST_F(ClientCache, BlueEd2kIsAnsweredFromTheCacheWithoutReading) {
    const auto f = exact_chunks(tmp / "exact.mkv", 2);
    const auto first = process(f, {Algorithm::ed2k, Algorithm::crc32});
    ASSERT_FALSE(first.ed2k_blue.empty());
    ASSERT_NE(first.ed2k_blue, first.hashes[0].value);
    client_.reset();  // a fresh client over the same database

    const uint64_t before = io::bytes_read_total();
    const auto again = process(f, {Algorithm::ed2k});
    EXPECT_TRUE(again.from_cache);
    EXPECT_EQ(again.hashes[0].value, first.hashes[0].value);
    EXPECT_EQ(again.ed2k_blue, first.ed2k_blue);
    // Without ED2K asked, no blue value either.
    EXPECT_TRUE(process(f, {Algorithm::crc32}).ed2k_blue.empty());

    // A batch: the cached file from its row, a new one (one chunk: read in
    // the batch's lanes) hashed once with both variants and stored; then
    // both from the cache.
    BatchOptions batch;
    batch.algorithms = {Algorithm::ed2k};
    batch.skip_existing = true;
    const auto other = exact_chunks(tmp / "one chunk.mkv", 1);
    const std::vector<std::string> paths{f.string(), other.string()};
    const uint64_t before_batch = io::bytes_read_total();
    auto r = client()->process_batch(paths, batch);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->results.size(), 2U);
    EXPECT_TRUE(r->results[0].from_cache);
    EXPECT_EQ(r->results[0].ed2k_blue, first.ed2k_blue);
    EXPECT_FALSE(r->results[1].from_cache);
    const std::string other_blue = r->results[1].ed2k_blue;
    EXPECT_FALSE(other_blue.empty());
    EXPECT_NE(other_blue, r->results[1].hashes[0].value);
    EXPECT_EQ(before_batch - before, 0U);
    EXPECT_EQ(io::bytes_read_total() - before_batch, 9728000U) << "only the new file is read";
    const uint64_t before_warm = io::bytes_read_total();
    r = client()->process_batch(paths, batch);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->results.size(), 2U);
    EXPECT_TRUE(r->results[0].from_cache && r->results[1].from_cache);
    EXPECT_EQ(r->results[0].ed2k_blue, first.ed2k_blue);
    EXPECT_EQ(r->results[1].ed2k_blue, other_blue);
    EXPECT_EQ(io::bytes_read_total() - before_warm, 0U);
}

// A row stored without the blue value (by a build before schema 3) does not
// answer ED2K for a chunk-multiple file: one read gives both variants and
// completes the row; the next call reads nothing.
TEST_F(ClientCache, RowWithoutBlueEd2kIsCompletedByOneRead) {
    const auto f = exact_chunks(tmp / "old row.mkv", 1);
    std::string red;
    {
        const auto hashed = process(f, {Algorithm::ed2k});
        red = hashed.hashes[0].value;
        client_.reset();
        std::filesystem::remove_all(tmp / "cache");
        auto db = cache::CacheDb::open(tmp / "cache" / "anidb.db");
        ASSERT_TRUE(db.ok());
        auto id = cache::identify_file(f);
        ASSERT_TRUE(id.ok());
        ASSERT_TRUE((*db)->store_hashes(*id, {{1, red}}).ok());
    }
    uint64_t before = io::bytes_read_total();
    const auto completed = process(f, {Algorithm::ed2k});
    EXPECT_FALSE(completed.from_cache);
    EXPECT_EQ(completed.hashes[0].value, red);
    EXPECT_FALSE(completed.ed2k_blue.empty());
    EXPECT_EQ(io::bytes_read_total() - before, 9728000U);
    before = io::bytes_read_total();
    const auto cached = process(f, {Algorithm::ed2k});
    EXPECT_TRUE(cached.from_cache);
    EXPECT_EQ(cached.ed2k_blue, completed.ed2k_blue);
    EXPECT_EQ(io::bytes_read_total() - before, 0U);
}

TEST_F(ClientCache, VerifyExistingReportsCorruptionAndKeepsTheEntry) {
    const auto f = tmp.write_random("e.mkv", 80000);
    const auto good = process(f, {Algorithm::crc32});
    struct stat st {};
    ASSERT_EQ(::stat(f.c_str(), &st), 0);
    {  // flip a byte in place, then put the mtime back: the cache cannot tell
        std::fstream io(f, std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(40000);
        io.put('\x5a');
    }
    struct timespec same[2] = {{0, UTIME_OMIT}, st.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, f.c_str(), same, 0), 0);
    EXPECT_TRUE(process(f, {Algorithm::crc32}).from_cache);
    const auto verified = process(f, {Algorithm::crc32}, /*verify=*/true);
    EXPECT_EQ(verified.status, FileStatus::failed);
    EXPECT_EQ(verified.error, Errc::processing);
    // The entry passed its integrity check: the file is what changed.
    EXPECT_NE(verified.error_message.find("file changed on disk"), std::string::npos)
        << verified.error_message;
    // The old entry is kept for inspection.
    const auto after = process(f, {Algorithm::crc32});
    EXPECT_TRUE(after.from_cache);
    EXPECT_EQ(after.hashes, good.hashes);
}

TEST_F(ClientCache, SkipExistingAnswersBatchFromCache) {
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < 10; ++i)
        files.push_back(tmp.write_random("f" + std::to_string(i), 20000, i));
    BatchOptions bo;
    bo.algorithms = {Algorithm::ed2k};
    auto first = client()->process_batch(files, bo);
    ASSERT_TRUE(first.ok());
    bo.skip_existing = true;
    auto second = client()->process_batch(files, bo);
    ASSERT_TRUE(second.ok());
    for (size_t i = 0; i < files.size(); ++i) {
        EXPECT_TRUE(second->results[i].from_cache);
        EXPECT_EQ(second->results[i].hashes, first->results[i].hashes);
    }
    bo.skip_existing = false;  // without it every file is read again
    auto third = client()->process_batch(files, bo);
    ASSERT_TRUE(third.ok());
    EXPECT_FALSE(third->results[0].from_cache);
}

// A warm batch looks files up in growing groups (batch/batch_engine.cc). Files
// that changed, moved or vanished in the middle of such a group still get the
// single-file treatment: re-hashed, recognised, or FAILED with the reason.
TEST_F(ClientCache, WarmBatchGroupsHandleChangedMovedAndMissingFiles) {
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < 300; ++i) {
        files.push_back(tmp.write_random("g" + std::to_string(i), 2000 + i, 100 + i));
    }
    BatchOptions bo;
    bo.algorithms = {Algorithm::ed2k, Algorithm::crc32};
    bo.max_concurrent = 2;
    auto first = client()->process_batch(files, bo);
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->successful, files.size());

    // Change, move and delete files deep in the run (past the first groups).
    tmp.write_random("g200", 5000, 9999);  // new content and size
    std::filesystem::rename(files[250], tmp / "g250-renamed");
    files[250] = tmp / "g250-renamed";    // moved: recognised, not read
    std::filesystem::remove(files[280]);  // vanished
    drain();

    bo.skip_existing = true;
    auto second = client()->process_batch(files, bo);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->results.size(), files.size());
    EXPECT_EQ(second->failed, 1U);
    for (size_t i = 0; i < files.size(); ++i) {
        const auto& r = second->results[i];
        EXPECT_EQ(r.path, files[i].string()) << i;  // input order
        if (i == 280) {
            EXPECT_EQ(r.status, FileStatus::failed);
            EXPECT_EQ(r.error, Errc::file_not_found) << r.error_message;
            continue;
        }
        ASSERT_EQ(r.status, FileStatus::completed) << i << ": " << r.error_message;
        if (i == 200) {
            EXPECT_FALSE(r.from_cache);
            EXPECT_EQ(r.size, 5000U);
            EXPECT_NE(r.hashes, first->results[i].hashes);
        } else {
            EXPECT_TRUE(r.from_cache) << i;
            EXPECT_EQ(r.hashes, first->results[i].hashes) << i;
        }
    }
    const auto events = drain();
    EXPECT_EQ(count(events, EventType::file_complete), files.size() - 1);
    EXPECT_EQ(count(events, EventType::cache_hit), 2 * (files.size() - 2));
    EXPECT_EQ(count(events, EventType::cache_miss), 2U);  // g200's two algorithms
    // And the changed file's new hashes are what the cache holds now.
    auto third = client()->process_batch(std::vector{files[200]}, bo);
    ASSERT_TRUE(third.ok());
    EXPECT_TRUE(third->results[0].from_cache);
    EXPECT_EQ(third->results[0].hashes, second->results[200].hashes);
}

TEST_F(ClientCache, CacheCanBeSwitchedOffAndOnAtRunTime) {
    const auto f = tmp.write_random("s.mkv", 10000);
    process(f, {Algorithm::md5});
    ASSERT_TRUE(client()->set_option("cache.enabled", "0").ok());
    EXPECT_FALSE(process(f, {Algorithm::md5}).from_cache);
    const auto other = tmp.write_random("t.mkv", 10000, 5);
    process(other, {Algorithm::md5});
    ASSERT_TRUE(client()->set_option("cache.enabled", "1").ok());
    EXPECT_TRUE(process(f, {Algorithm::md5}).from_cache);
    EXPECT_FALSE(process(other, {Algorithm::md5}).from_cache) << "nothing was stored while off";
}

TEST_F(ClientCache, CorruptDatabaseLeavesHashingWorking) {
    std::filesystem::create_directories(tmp / "bad");
    tmp.write_bytes("bad/anidb.db", std::string(8192, '\x7f') + "garbage, not SQLite");
    auto c = make(tmp / "bad");
    EXPECT_NE(c->cache_problem().find("corrupt"), std::string::npos) << c->cache_problem();
    ProcessOptions o;
    o.algorithms = {Algorithm::md5};
    const auto f = tmp.write_bytes("abc.txt", "abc");
    auto r = c->process_file(f, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->hashes[0].value, "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(c->cache_clear().code(), Errc::cache);
    // The corrupt file is left as it was.
    EXPECT_EQ(std::filesystem::file_size(tmp / "bad/anidb.db"), 8192U + 19U);
}

TEST_F(ClientCache, UnusableCacheDirectoryLeavesHashingWorking) {
    tmp.write_bytes("not-a-dir", "x");  // the cache directory cannot be created
    auto c = make(tmp / "not-a-dir" / "cache");
    EXPECT_FALSE(c->cache_problem().empty());
    ProcessOptions o;
    o.algorithms = {Algorithm::crc32};
    const auto f = tmp.write_bytes("n.txt", "123456789");
    auto r = c->process_file(f, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->hashes[0].value, "cbf43926");
}

// The child side of the two-process test: run by re-executing this binary
// (a bare fork would inherit a worker pool without its threads).
TEST(ClientCacheChild, HashTree) {
    const char* tree = std::getenv("ANIDB_TEST_CHILD_TREE");
    if (tree == nullptr) GTEST_SKIP() << "only run as a child of TwoProcessesHash...";
    ClientConfig cfg;
    cfg.cache_dir = std::getenv("ANIDB_TEST_CHILD_DB");
    auto c = Client::create(cfg);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.value()->cache_problem().empty()) << c.value()->cache_problem();
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(tree)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    BatchOptions bo;
    bo.algorithms = {Algorithm::ed2k, Algorithm::crc32};
    bo.max_concurrent = 2;
    auto b = c.value()->process_batch(files, bo);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->successful, files.size());
}

TEST_F(ClientCache, TwoProcessesHashTheSameTreeIntoOneDatabase) {
    std::filesystem::create_directories(tmp / "tree");
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < 40; ++i) {
        files.push_back(tmp.write_random("tree/t" + std::to_string(i), 30000, i));
    }
    const auto db_dir = tmp / "shared";
    pid_t children[2];
    for (auto& child : children) {
        child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::setenv("ANIDB_TEST_CHILD_TREE", (tmp / "tree").c_str(), 1);
            ::setenv("ANIDB_TEST_CHILD_DB", db_dir.c_str(), 1);
            ::execl("/proc/self/exe", "test_client_cache",
                    "--gtest_filter=ClientCacheChild.HashTree", static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    for (pid_t child : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }
    auto c = make(db_dir);
    auto stats = c->cache_stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->entries, files.size());
    ProcessOptions o;
    o.algorithms = {Algorithm::crc32};
    for (const auto& f : files) {
        auto r = c->process_file(f, o);
        ASSERT_TRUE(r.ok());
        EXPECT_TRUE(r->from_cache);
    }
}

}  // namespace
}  // namespace anidb::client
