// Stored data you can trust, through the C ABI: a damaged cache entry is
// hashed again (never returned) and reported as ANIDB_ERROR_CACHE; bytes
// scattered over the database never give a wrong hash (rhash is the
// oracle); a full disk is reported once, with what was not stored, while
// hashing goes on; a file changed while it is hashed is ANIDB_ERROR_IO.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "capi_fixture.h"
#include "support/fake_anidb/fake_server.h"
#include "unit/hash/rhash_oracle.h"

namespace anidb::test {
namespace {

using hash::test_support::rhash_five;

const anidb_hash_algorithm_t kEd2kCrc[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};

struct Reported {
    anidb_result_t code;
    std::string message, path;
};

// Collects what the client's ERROR callbacks hear.
struct ErrorLog {
    std::mutex mutex;
    std::vector<Reported> all;
    std::vector<Reported> cache() {
        std::lock_guard lock(mutex);
        std::vector<Reported> out;
        for (const auto& r : all) {
            if (r.code == ANIDB_ERROR_CACHE) out.push_back(r);
        }
        return out;
    }
    static void record(anidb_result_t code, const char* message, const char* path, void* self) {
        auto* log = static_cast<ErrorLog*>(self);
        std::lock_guard lock(log->mutex);
        log->all.push_back({code, message ? message : "", path ? path : ""});
    }
};

void run_sql(const std::filesystem::path& db_file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db) << ": " << sql;
    sqlite3_close(db);
}

// ed2k and crc32 of a file, as rhash prints them.
std::pair<std::string, std::string> oracle(const std::filesystem::path& f) {
    const auto five = rhash_five(f);
    EXPECT_EQ(five.size(), 5u);
    return five.size() == 5 ? std::make_pair(five[0], five[1]) : std::make_pair("", "");
}

class CacheTrust : public CapiTest {
  protected:
    std::filesystem::path db_file() const { return tmp.path() / "cache" / "anidb.db"; }

    // ed2k and crc32 through anidb_process_file; empty on failure.
    std::pair<std::string, std::string> hashes(const std::filesystem::path& f,
                                               bool verify = false) {
        auto opts = options_for(kEd2kCrc, 2);
        opts.verify_existing = verify ? 1 : 0;
        anidb_file_result_t* r = nullptr;
        const anidb_result_t rc = anidb_process_file(client, f.c_str(), &opts, &r);
        EXPECT_EQ(rc, ANIDB_SUCCESS) << last_error();
        if (rc != ANIDB_SUCCESS || r == nullptr) {
            anidb_free_file_result(r);
            return {};
        }
        std::pair<std::string, std::string> out{r->hashes[0].hash_value, r->hashes[1].hash_value};
        anidb_free_file_result(r);
        return out;
    }
    void commit_queued() {  // stats commit the client's queued stores first
        size_t entries = 0;
        uint64_t bytes = 0;
        ASSERT_EQ(anidb_cache_get_stats(client, &entries, &bytes), ANIDB_SUCCESS);
    }
    std::string stored_ed2k(const std::filesystem::path& f) {
        sqlite3* db = nullptr;
        std::string value;
        if (sqlite3_open(db_file().c_str(), &db) == SQLITE_OK) {
            sqlite3_stmt* q = nullptr;
            if (sqlite3_prepare_v2(db, "SELECT ed2k FROM hash_files WHERE path = ?1", -1, &q,
                                   nullptr) == SQLITE_OK) {
                sqlite3_bind_text(q, 1, f.c_str(), -1, SQLITE_TRANSIENT);
                if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != nullptr) {
                    value = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
                }
            }
            sqlite3_finalize(q);
        }
        sqlite3_close(db);
        return value;
    }
    ErrorLog errors;
};

// The value is changed behind SQLite's back (another well-formed hash, and
// bytes that are not even UTF-8): both are caught by the row checksum.
TEST_F(CacheTrust, DamagedEntryIsHashedAgainAndReportedOnceAsCache) {
    ASSERT_NE(anidb_register_callback(client, ANIDB_CALLBACK_ERROR,
                                      reinterpret_cast<void*>(&ErrorLog::record), &errors),
              0u);
    const auto f1 = tmp.write_random("one.mkv", 70'000, 1);
    const auto f2 = tmp.write_random("two.mkv", 90'000, 2);
    const auto right1 = oracle(f1);
    const auto right2 = oracle(f2);
    EXPECT_EQ(hashes(f1), right1);
    EXPECT_EQ(hashes(f2), right2);
    commit_queued();
    run_sql(db_file(),
            "UPDATE hash_files SET ed2k = '00000000000000000000000000000000'"
            " WHERE path = '" +
                f1.string() + "'");
    run_sql(db_file(),
            "UPDATE hash_files SET crc32 = X'ff00fe41c328' WHERE path = '" + f2.string() + "'");

    EXPECT_EQ(hashes(f1), right1);
    EXPECT_EQ(hashes(f2), right2);
    const auto reported = errors.cache();
    ASSERT_EQ(reported.size(), 1u) << "reported once";
    EXPECT_NE(reported[0].message.find("corrupt"), std::string::npos) << reported[0].message;
    EXPECT_EQ(reported[0].path, f1.string());
    EXPECT_NE(last_error().find("corrupt"), std::string::npos) << last_error();

    // The damaged entries were replaced by the values just computed.
    commit_queued();
    EXPECT_EQ(stored_ed2k(f1), right1.first);
    EXPECT_EQ(hashes(f1), right1);
    EXPECT_EQ(errors.cache().size(), 1u);
}

// verify_existing tells a damaged entry ("cache entry corrupt", the file is
// fine) from a sound entry whose file changed ("file changed on disk").
TEST_F(CacheTrust, VerifyExistingTellsADamagedEntryFromAChangedFile) {
    ASSERT_NE(anidb_register_callback(client, ANIDB_CALLBACK_ERROR,
                                      reinterpret_cast<void*>(&ErrorLog::record), &errors),
              0u);
    const auto f = tmp.write_random("v.mkv", 80'000, 3);
    const auto right = oracle(f);
    EXPECT_EQ(hashes(f), right);
    commit_queued();
    run_sql(db_file(), "UPDATE hash_files SET crc32 = '00000000'");
    EXPECT_EQ(hashes(f, /*verify=*/true), right);
    const auto reported = errors.cache();
    ASSERT_FALSE(reported.empty());
    EXPECT_NE(reported.back().message.find("cache entry corrupt"), std::string::npos)
        << reported.back().message;
    EXPECT_EQ(reported.back().path, f.string());

    // A sound entry, and the file changed in place with its mtime put back.
    commit_queued();
    struct stat st {};
    ASSERT_EQ(::stat(f.c_str(), &st), 0);
    {
        std::fstream io(f, std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(1000);
        io.put('\x5a');
    }
    const timespec same[2] = {{0, UTIME_OMIT}, st.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, f.c_str(), same, 0), 0);
    auto opts = options_for(kEd2kCrc, 2);
    opts.verify_existing = 1;
    anidb_file_result_t* r = nullptr;
    EXPECT_EQ(anidb_process_file(client, f.c_str(), &opts, &r), ANIDB_ERROR_PROCESSING);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->status, ANIDB_STATUS_FAILED);
    ASSERT_NE(r->error_message, nullptr);
    EXPECT_NE(std::string(r->error_message).find("file changed on disk"), std::string::npos)
        << r->error_message;
    anidb_free_file_result(r);
}

// Bit rot SQLite cannot see: random bytes over a populated database. Every
// answer afterwards is right (= rhash), from the cache or hashed again.
// Bounded: 8 rounds of 30 files.
TEST_F(CacheTrust, ScatteredBytesNeverGiveAWrongHash) {
    std::vector<std::string> files;
    std::vector<std::pair<std::string, std::string>> right;
    for (int i = 0; i < 30; ++i) {
        const auto f = tmp.write_random("rot" + std::to_string(i) + ".mkv", 1000 + i * 1500, i);
        files.push_back(f.string());
        right.push_back(oracle(f));
    }
    std::vector<const char*> paths;
    for (const auto& f : files) paths.push_back(f.c_str());
    anidb_batch_options_t bo{};
    bo.algorithms = kEd2kCrc;
    bo.algorithm_count = 2;
    bo.continue_on_error = 1;
    bo.skip_existing = 1;
    std::mt19937_64 rng(77);
    for (int round = 0; round < 8; ++round) {
        const std::string dir = (tmp.path() / ("rot-cache" + std::to_string(round))).string();
        anidb_config_t cfg{};
        cfg.cache_dir = dir.c_str();
        for (int pass = 0; pass < 2; ++pass) {
            anidb_client_handle_t c = nullptr;
            ASSERT_EQ(anidb_client_create_with_config(&cfg, &c), ANIDB_SUCCESS);
            anidb_batch_result_t* b = nullptr;
            ASSERT_EQ(anidb_process_batch(c, paths.data(), paths.size(), &bo, &b), ANIDB_SUCCESS);
            for (size_t i = 0; i < files.size(); ++i) {
                const auto& r = b->results[i];
                ASSERT_EQ(r.status, ANIDB_STATUS_COMPLETED) << files[i];
                EXPECT_EQ(std::string(r.hashes[0].hash_value), right[i].first)
                    << "round " << round << " pass " << pass << ": " << files[i];
                EXPECT_EQ(std::string(r.hashes[1].hash_value), right[i].second)
                    << "round " << round << " pass " << pass << ": " << files[i];
            }
            anidb_free_batch_result(b);
            ASSERT_EQ(anidb_client_destroy(c), ANIDB_SUCCESS);
            if (pass == 1) break;
            // Closed: the WAL is in the main file. Damage it past the header.
            const auto db = std::filesystem::path(dir) / "anidb.db";
            std::fstream io(db, std::ios::in | std::ios::out | std::ios::binary);
            const auto size = static_cast<uint64_t>(std::filesystem::file_size(db));
            for (int k = 0; k < 40; ++k) {
                io.seekp(static_cast<std::streamoff>(100 + rng() % (size - 100)));
                io.put(static_cast<char>(rng()));
            }
        }
    }
}

// A full disk (a file size limit here: writes fail with EFBIG, as they fail
// with ENOSPC on a full disk): every file is hashed right, and the client
// reports once that hashes were not stored, then once how many in all.
TEST_F(CacheTrust, FullDiskIsReportedOnceWithWhatWasNotStored) {
    ASSERT_NE(anidb_register_callback(client, ANIDB_CALLBACK_ERROR,
                                      reinterpret_cast<void*>(&ErrorLog::record), &errors),
              0u);
    std::vector<std::string> files;
    for (int i = 0; i < 600; ++i) {
        files.push_back(tmp.write_random("full" + std::to_string(i) + ".mkv", 100 + i, i).string());
    }
    const auto probe = oracle(files[500]);
    std::vector<const char*> paths;
    for (const auto& f : files) paths.push_back(f.c_str());
    anidb_batch_options_t bo{};
    bo.algorithms = kEd2kCrc;
    bo.algorithm_count = 2;
    bo.continue_on_error = 1;
    commit_queued();  // the database exists

    struct sigaction ignore {
    }, old_action{};
    ignore.sa_handler = SIG_IGN;
    ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &old_action), 0);
    rlimit old_limit{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
    rlimit low = old_limit;
    // Room for a few groups beyond what the files hold now.
    std::error_code ec;
    const auto wal = std::filesystem::file_size(db_file().string() + "-wal", ec);
    low.rlim_cur =
        std::max<rlim_t>(std::filesystem::file_size(db_file()), ec ? 0 : wal) + 48 * 1024;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &low), 0);
    anidb_batch_result_t* b = nullptr;
    const anidb_result_t rc = anidb_process_batch(client, paths.data(), paths.size(), &bo, &b);
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    ::sigaction(SIGXFSZ, &old_action, nullptr);

    ASSERT_EQ(rc, ANIDB_SUCCESS);
    EXPECT_EQ(b->successful_files, files.size());
    EXPECT_EQ(std::string(b->results[500].hashes[0].hash_value), probe.first);
    EXPECT_EQ(std::string(b->results[500].hashes[1].hash_value), probe.second);
    anidb_free_batch_result(b);
    size_t entries = 0;
    uint64_t bytes = 0;
    ASSERT_EQ(anidb_cache_get_stats(client, &entries, &bytes), ANIDB_SUCCESS);
    EXPECT_LT(entries, files.size());  // how many fit depends on how the groups fell
    const auto reported = errors.cache();
    ASSERT_GE(reported.size(), 1u);
    ASSERT_LE(reported.size(), 2u) << "once, then a summary at the end of the batch";
    EXPECT_NE(reported[0].message.find("could not store the hashes of"), std::string::npos)
        << reported[0].message;
    EXPECT_FALSE(reported[0].path.empty());
    if (reported.size() == 2) {
        EXPECT_NE(reported[1].message.find(" files in all were not stored"), std::string::npos)
            << reported[1].message;
    }
}

// Same size, same mtime put back: only the change time says the file was
// written while it was read. Through the C ABI that is ANIDB_ERROR_IO.
void overwrite_while_hashing(float, uint64_t done, uint64_t total, void* user) {
    if (done != total) return;
    const auto* path = static_cast<const std::filesystem::path*>(user);
    std::fstream io(*path, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(10);
    io.write("changed!", 8);
}

TEST_F(CacheTrust, SameSizeOverwriteWhileHashingIsAnIoError) {
    const auto f = tmp.write_random("w.mkv", 2 << 20, 9);
    const timespec old[2] = {{1'000'000'000, 0}, {1'000'000'000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, f.c_str(), old, 0), 0);
    auto opts = options_for(kEd2kCrc, 2);
    opts.progress_callback = overwrite_while_hashing;
    opts.user_data = const_cast<std::filesystem::path*>(&f);
    anidb_file_result_t* r = reinterpret_cast<anidb_file_result_t*>(1);
    EXPECT_EQ(anidb_process_file(client, f.c_str(), &opts, &r), ANIDB_ERROR_IO);
    EXPECT_EQ(r, nullptr);
    EXPECT_NE(last_error().find("file changed while hashing"), std::string::npos) << last_error();
    // Nothing was cached for it: the next call hashes the new bytes.
    opts.progress_callback = nullptr;
    EXPECT_EQ(hashes(f), oracle(f));
}

// A cached AniDB answer changed behind SQLite's back: never returned; AniDB
// is asked again (source 0) and the problem reported as ANIDB_ERROR_CACHE.
TEST_F(CacheTrust, DamagedAniDbAnswerIsAskedAgain) {
    FakeServerOptions so;
    so.flood_interval = std::chrono::milliseconds(2);
    FakeAnidbServer server(so);
    const FakeCatalog catalog = FakeCatalog::worked_example();
    server.set_catalog(catalog);
    server.add_user("trustuser", "trustpass", "");
    ASSERT_TRUE(server.start().ok());
    const std::string ed2k = catalog.files.front().get("ed2k");
    const auto size = static_cast<uint64_t>(catalog.files.front().get_int("size"));
    const auto fid = static_cast<uint64_t>(catalog.files.front().get_int("fid"));

    anidb_config_t cfg{};
    const std::string dir = (tmp.path() / "answers").string();
    cfg.cache_dir = dir.c_str();
    cfg.username = "trustuser";
    cfg.password = "trustpass";
    cfg.client_name = "trusttest";
    cfg.client_version = "1";
    anidb_client_handle_t c = nullptr;
    ASSERT_EQ(anidb_client_create_with_config(&cfg, &c), ANIDB_SUCCESS);
    const std::string at = "127.0.0.1:" + std::to_string(server.port());
    ASSERT_EQ(anidb_client_set_option(c, "anidb.server", at.c_str()), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(c, "anidb.local_port", "0"), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(c, "anidb.interval_scale", "0.001"), ANIDB_SUCCESS);
    ASSERT_NE(anidb_register_callback(c, ANIDB_CALLBACK_ERROR,
                                      reinterpret_cast<void*>(&ErrorLog::record), &errors),
              0u);
    const auto identify = [&](int expected_source) {
        anidb_anime_info_t* info = nullptr;
        ASSERT_EQ(anidb_identify_file(c, ed2k.c_str(), size, &info), ANIDB_SUCCESS);
        EXPECT_EQ(info->file_id, fid);
        EXPECT_EQ(info->source, expected_source);
        anidb_free_anime_info(info);
    };
    identify(0);
    identify(1);  // from the cache
    run_sql(std::filesystem::path(dir) / "anidb.db", "UPDATE anidb_files SET fid = fid + 1");
    identify(0);  // the damaged answer is not used: AniDB is asked again
    const auto reported = errors.cache();
    ASSERT_EQ(reported.size(), 1u);
    EXPECT_NE(reported[0].message.find("AniDB answer"), std::string::npos) << reported[0].message;
    identify(1);  // stored again, whole
    EXPECT_EQ(anidb_client_destroy(c), ANIDB_SUCCESS);
    server.stop();
}

}  // namespace
}  // namespace anidb::test
