// Crash consistency of the cache with grouped stores: a child process hashes
// a tree through the C ABI over and over (emptying the cache between runs,
// so it writes all the time) and is killed with SIGKILL at a random moment.
// After each kill the database passes PRAGMA integrity_check, and a re-run
// over the same cache gives rhash's values for every file: a kill loses at
// most the stores not yet committed, never corrupts, never leaves a wrong
// value behind. Bounded: 6 kills, 400 small files (a few seconds).
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capi_fixture.h"

namespace anidb::test {
namespace {

const anidb_hash_algorithm_t kEd2kCrc[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};
constexpr const char* kTreeVar = "ANIDB_TEST_CRASH_TREE";
constexpr const char* kCacheVar = "ANIDB_TEST_CRASH_CACHE";

std::vector<std::string> list_files(const std::filesystem::path& dir) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

anidb_batch_options_t batch_options() {
    anidb_batch_options_t bo{};
    bo.algorithms = kEd2kCrc;
    bo.algorithm_count = 2;
    bo.continue_on_error = 1;
    bo.skip_existing = 1;
    return bo;
}

// The child's work, run when the test binary is started again by the test
// below with kTreeVar set: hash the tree again and again until killed. Between
// runs it sets every file's mtime to a new value (same bytes), so each run
// replaces every entry; every fourth run empties the cache instead.
TEST(CrashChild, HashTreeUntilKilled) {
    const char* tree = std::getenv(kTreeVar);
    if (tree == nullptr) GTEST_SKIP() << "only run as the child of CrashConsistency";
    ASSERT_EQ(anidb_init(ANIDB_ABI_VERSION), ANIDB_SUCCESS);
    anidb_config_t cfg{};
    cfg.cache_dir = std::getenv(kCacheVar);
    anidb_client_handle_t c = nullptr;
    ASSERT_EQ(anidb_client_create_with_config(&cfg, &c), ANIDB_SUCCESS);
    const auto files = list_files(tree);
    std::vector<const char*> paths;
    for (const auto& f : files) paths.push_back(f.c_str());
    const auto bo = batch_options();
    for (int run = 1;; ++run) {
        anidb_batch_result_t* b = nullptr;
        ASSERT_EQ(anidb_process_batch(c, paths.data(), paths.size(), &bo, &b), ANIDB_SUCCESS);
        anidb_free_batch_result(b);
        if (run % 4 == 0) {
            ASSERT_EQ(anidb_cache_clear(c), ANIDB_SUCCESS);
            continue;
        }
        const timespec when[2] = {{0, UTIME_OMIT}, {1'600'000'000 + run, 0}};
        for (const char* p : paths) ASSERT_EQ(::utimensat(AT_FDCWD, p, when, 0), 0);
    }
}

std::string integrity_check(const std::filesystem::path& db_file) {
    sqlite3* db = nullptr;
    std::string answer = "cannot open";
    if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_stmt* q = nullptr;
        answer = "cannot run";
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr) == SQLITE_OK) {
            answer.clear();
            while (sqlite3_step(q) == SQLITE_ROW) {
                if (!answer.empty()) answer += "; ";
                answer += reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
            }
        }
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return answer;
}

// Entries, and how many distinct mtimes they hold (more than one: the kill
// came in the middle of a run).
std::pair<int64_t, int64_t> entries(const std::filesystem::path& db_file) {
    sqlite3* db = nullptr;
    std::pair<int64_t, int64_t> n{-1, -1};
    if (sqlite3_open(db_file.c_str(), &db) == SQLITE_OK) {
        sqlite3_stmt* q = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT mtime_ns) FROM hash_files", -1,
                               &q, nullptr) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW) {
            n = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1)};
        }
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return n;
}

// ed2k and crc32 of every file, from one rhash run.
std::vector<std::pair<std::string, std::string>> rhash_all(const std::vector<std::string>& files) {
    const char* env = std::getenv("ANIDB_RHASH");
    std::string command =
        std::string(env && *env ? env : "rhash") + " --ed2k --crc32 --printf='%{ed2k} %{crc32}\\n'";
    for (const auto& f : files) command += " '" + f + "'";
    std::istringstream out(run_command(command));
    std::vector<std::pair<std::string, std::string>> values;
    std::string ed2k, crc;
    while (out >> ed2k >> crc) {
        for (auto& ch : crc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        values.emplace_back(ed2k, crc);
    }
    return values;
}

std::string last_error_of(anidb_client_handle_t c) {
    char buf[512];
    EXPECT_EQ(anidb_client_get_last_error(c, buf, sizeof buf), ANIDB_SUCCESS);
    return buf;
}

class CrashConsistency : public CapiTest {};

TEST_F(CrashConsistency, KilledMidRunNeverCorruptsOrLies) {
    std::filesystem::create_directories(tmp / "tree");
    for (int i = 0; i < 400; ++i) {
        tmp.write_random("tree/f" + std::to_string(1000 + i) + ".mkv", 200 + i * 37, i);
    }
    const auto files = list_files(tmp / "tree");
    const auto right = rhash_all(files);
    ASSERT_EQ(right.size(), files.size());
    std::vector<const char*> paths;
    for (const auto& f : files) paths.push_back(f.c_str());
    const auto cache_dir = tmp / "crash-cache";
    ASSERT_EQ(::setenv(kTreeVar, (tmp / "tree").c_str(), 1), 0);
    ASSERT_EQ(::setenv(kCacheVar, cache_dir.c_str(), 1), 0);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe");

    std::mt19937 rng(2024);
    std::uniform_int_distribution<int> delay_ms(40, 400);
    for (int round = 0; round < 6; ++round) {
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            const int null = ::open("/dev/null", O_WRONLY);
            if (null >= 0) ::dup2(null, STDOUT_FILENO);
            ::execl(self.c_str(), self.c_str(), "--gtest_filter=CrashChild.HashTreeUntilKilled",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        const int waited = delay_ms(rng);
        std::this_thread::sleep_for(std::chrono::milliseconds(waited));
        ASSERT_EQ(::kill(child, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "round " << round << ": the child ended by itself (status " << status << ")";

        const auto db_file = cache_dir / "anidb.db";
        if (!std::filesystem::exists(db_file)) continue;  // killed before it made one
        EXPECT_EQ(integrity_check(db_file), "ok") << "round " << round;
        const auto [count, versions] = entries(db_file);
        std::printf("round %d: killed after %d ms: %lld entries of %lld runs\n", round, waited,
                    static_cast<long long>(count), static_cast<long long>(versions));

        anidb_config_t cfg{};
        cfg.cache_dir = cache_dir.c_str();
        anidb_client_handle_t c = nullptr;
        ASSERT_EQ(anidb_client_create_with_config(&cfg, &c), ANIDB_SUCCESS);
        EXPECT_EQ(last_error_of(c), "") << "round " << round;
        const auto bo = batch_options();
        anidb_batch_result_t* b = nullptr;
        ASSERT_EQ(anidb_process_batch(c, paths.data(), paths.size(), &bo, &b), ANIDB_SUCCESS);
        for (size_t i = 0; i < files.size(); ++i) {
            ASSERT_EQ(b->results[i].status, ANIDB_STATUS_COMPLETED) << files[i];
            EXPECT_EQ(std::string(b->results[i].hashes[0].hash_value), right[i].first)
                << "round " << round << ": " << files[i];
            EXPECT_EQ(std::string(b->results[i].hashes[1].hash_value), right[i].second)
                << "round " << round << ": " << files[i];
        }
        anidb_free_batch_result(b);
        ASSERT_EQ(anidb_client_destroy(c), ANIDB_SUCCESS);
    }
}

}  // namespace
}  // namespace anidb::test
