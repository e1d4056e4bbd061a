// Stored data you can trust: every row the cache returns is verified (a
// checksum over the whole row, and the form of each value) first. A row that
// fails is a miss, never a wrong answer. Bit rot is played by bytes changed
// behind SQLite's back: by a foreign connection (a value SQLite stores
// happily) or scattered at random in the file (what SQLite cannot see).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

#include "cache/cache_db.h"
#include "cache/row_checksum.h"
#include "cache/schema.h"
#include "cache_test_util.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::fake_identity;
using test::open_or_fail;
using test::well_formed_digests;

// Scatters `count` random bytes over the file past its first 100 bytes (the
// header: damage there makes the whole file unusable, tested elsewhere).
void scatter_bytes(const std::filesystem::path& file, std::mt19937_64& rng, int count) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(f.tellg());
    ASSERT_GT(size, 4096u);
    for (int i = 0; i < count; ++i) {
        const uint64_t at = 100 + rng() % (size - 100);
        const char byte = static_cast<char>(rng());
        f.seekp(static_cast<std::streamoff>(at));
        f.write(&byte, 1);
    }
}

// Bounded: 12 rounds of 300 entries, 40 bytes each (well under a second).
// Every answer is the stored truth, a miss, or an error; never a wrong value.
TEST(CacheIntegrity, ScatteredBytesNeverGiveAWrongAnswer) {
    std::mt19937_64 rng(1313);
    int wrong = 0, right = 0, missed = 0, failed = 0, unopenable = 0;
    for (int round = 0; round < 12; ++round) {
        anidb::test::TempDir dir;
        const auto file = dir / "anidb.db";
        constexpr int kEntries = 300;
        {
            auto db = open_or_fail(file);
            ASSERT_NE(db, nullptr);
            for (int i = 0; i < kEntries; ++i) {
                ASSERT_TRUE(db->store_hashes(fake_identity("/lib/show/" + std::to_string(i), i),
                                             well_formed_digests(i))
                                .ok());
            }
        }  // closed: the WAL is checkpointed into the file
        scatter_bytes(file, rng, 40);
        auto db = CacheDb::open(file);
        if (!db.ok()) {
            ++unopenable;
            continue;
        }
        for (int i = 0; i < kEntries; ++i) {
            auto hit = (*db)->find_hashes(fake_identity("/lib/show/" + std::to_string(i), i));
            if (!hit.ok()) {
                ++failed;
            } else if (!hit->has_value() || (*hit)->digests.empty()) {
                ++missed;
            } else if ((*hit)->digests == well_formed_digests(i)) {
                ++right;
            } else {
                ++wrong;
                ADD_FAILURE() << "round " << round << " entry " << i << ": a wrong answer";
            }
        }
    }
    EXPECT_EQ(wrong, 0);
    EXPECT_GT(right, 0);
    std::cout << "right " << right << ", missed " << missed << ", errors " << failed
              << ", databases refused " << unopenable << "\n";
}

// With anidb_checksum and anidb_path_key, as the cache's own connections.
void run_sql(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(register_row_checksum(db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db) << ": " << sql;
    sqlite3_close(db);
}

// Problems the cache reported, for the tests below.
struct Heard {
    std::mutex mutex;
    std::vector<Problem> problems;
    ProblemListener listener() {
        return [this](const Problem& p) {
            std::lock_guard lock(mutex);
            problems.push_back(p);
        };
    }
    size_t count() {
        std::lock_guard lock(mutex);
        return problems.size();
    }
};

// One value changed behind SQLite's back: well-formed, or not even text.
// The row's checksum no longer matches; the entry is reported and treated
// as absent, and the next store replaces it.
TEST(CacheIntegrity, ChangedValueIsCaughtReportedAndReplaced) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    Heard heard;
    OpenOptions options;
    options.on_problem = heard.listener();
    auto db = open_or_fail(file, options);
    ASSERT_NE(db, nullptr);
    const auto id = fake_identity("/lib/a.mkv", 1);
    const auto other = fake_identity("/lib/b.mkv", 2);
    ASSERT_TRUE(db->store_hashes(id, well_formed_digests(1)).ok());
    ASSERT_TRUE(db->store_hashes(other, well_formed_digests(2)).ok());
    ASSERT_TRUE(db->flush().ok());
    run_sql(file, "UPDATE hash_files SET md5 = '" + well_formed_digests(9).at(3) +
                      "' WHERE path = '/lib/a.mkv'");
    run_sql(file, "UPDATE hash_files SET tth = X'00ff' WHERE path = '/lib/b.mkv'");

    for (const auto& [which, n] : {std::pair{id, 1}, std::pair{other, 2}}) {
        auto hit = db->find_hashes(which);
        ASSERT_TRUE(hit.ok()) << hit.error().message;
        ASSERT_TRUE(hit->has_value());
        EXPECT_TRUE((*hit)->corrupt);
        EXPECT_TRUE((*hit)->digests.empty());
        std::vector<CacheDb::Lookup> out;
        ASSERT_TRUE(db->find_exact_hashes(std::vector<FileIdentity>{which}, out).ok());
        EXPECT_EQ(out[0].state, CacheDb::Lookup::State::miss);
        EXPECT_TRUE(out[0].corrupt);
        // The store replaces the damaged row instead of merging into it.
        ASSERT_TRUE(db->store_hashes(which, {{1, well_formed_digests(n).at(1)}}).ok());
        hit = db->find_hashes(which);
        ASSERT_TRUE(hit.ok() && hit->has_value());
        EXPECT_FALSE((*hit)->corrupt);
        EXPECT_EQ((*hit)->digests, (std::map<int, std::string>{{1, well_formed_digests(n).at(1)}}));
    }
    std::lock_guard lock(heard.mutex);
    ASSERT_EQ(heard.problems.size(), 4u);  // each damaged row, each time it was read
    EXPECT_EQ(heard.problems[0].kind, Problem::Kind::corrupt_entry);
    EXPECT_EQ(heard.problems[0].error.code, Errc::cache);
    EXPECT_EQ(heard.problems[0].paths, std::vector<std::string>{"/lib/a.mkv"});
    EXPECT_NE(heard.problems[0].error.message.find("corrupt"), std::string::npos);
}

// AniDB answers, MyList state and client state: a row changed without its
// checksum is absent, and storing it again makes it whole.
TEST(CacheIntegrity, EveryTableChecksItsRows) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    auto db = open_or_fail(file);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->put_state("session", "s3cr3t-key").ok());
    CacheDb::FileAnswer answer;
    answer.size = 1000;
    answer.ed2k = well_formed_digests(4).at(1);
    answer.fid = 7;
    answer.fields = {{"title", "x"}};
    ASSERT_TRUE(db->store_file_answer(answer).ok());
    ASSERT_TRUE(db->store_unknown_file(2000, well_formed_digests(5).at(1), 99).ok());
    ASSERT_TRUE(db->store_record(CacheDb::RecordKind::anime, {31, {{"name", "A"}}, 5}).ok());
    ASSERT_TRUE(db->get_state("session")->has_value());
    ASSERT_TRUE(db->find_file_answer(1000, answer.ed2k)->has_value());
    ASSERT_TRUE(db->find_unknown_file(2000, well_formed_digests(5).at(1))->has_value());
    ASSERT_TRUE(db->find_record(CacheDb::RecordKind::anime, 31)->has_value());

    // One value in each table changed without its checksum.
    run_sql(file,
            "UPDATE client_state SET value = 'other'; UPDATE anidb_files SET fid = 8;"
            " UPDATE anidb_unknown_files SET retry_after = 1; UPDATE anidb_records SET"
            " fields = '4:name,1:B,';");
    EXPECT_FALSE(db->get_state("session")->has_value());
    EXPECT_FALSE(db->find_file_answer(1000, answer.ed2k)->has_value());
    EXPECT_FALSE(db->find_unknown_file(2000, well_formed_digests(5).at(1))->has_value());
    EXPECT_FALSE(db->find_record(CacheDb::RecordKind::anime, 31)->has_value());
    // Storing again makes them whole.
    ASSERT_TRUE(db->put_state("session", "new").ok());
    EXPECT_EQ(**db->get_state("session"), "new");
}

// A database written by schema 1 (digests in rows of their own, no
// checksums) is migrated on open: every value survives and is checked from
// then on.
TEST(CacheIntegrity, SchemaOneDatabaseIsMigrated) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    const auto d = well_formed_digests(3);
    run_sql(file, R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE hash_entries (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    device INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX hash_entries_by_identity ON hash_entries (size, mtime_ns, inode, device);
CREATE TABLE hash_digests (entry_id INTEGER NOT NULL REFERENCES hash_entries (id) ON DELETE CASCADE,
    algorithm INTEGER NOT NULL CHECK (algorithm BETWEEN 1 AND 5), digest TEXT NOT NULL,
    PRIMARY KEY (entry_id, algorithm)) WITHOUT ROWID;
CREATE TABLE anidb_files (size INTEGER NOT NULL, ed2k TEXT NOT NULL, fid INTEGER NOT NULL,
    aid INTEGER NOT NULL, eid INTEGER NOT NULL, gid INTEGER NOT NULL, fields TEXT NOT NULL,
    fetched_at INTEGER NOT NULL, PRIMARY KEY (size, ed2k)) WITHOUT ROWID;
CREATE TABLE anidb_unknown_files (size INTEGER NOT NULL, ed2k TEXT NOT NULL,
    retry_after INTEGER NOT NULL, PRIMARY KEY (size, ed2k)) WITHOUT ROWID;
CREATE TABLE anidb_records (kind INTEGER NOT NULL, id INTEGER NOT NULL, fields TEXT NOT NULL,
    fetched_at INTEGER NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE TABLE mylist (fid INTEGER PRIMARY KEY, lid INTEGER NOT NULL, state INTEGER NOT NULL,
    viewed INTEGER NOT NULL, viewdate INTEGER NOT NULL, source TEXT NOT NULL,
    storage TEXT NOT NULL, other TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE client_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
PRAGMA user_version=1;
PRAGMA application_id=1634625860;
)sql");
    run_sql(file, "INSERT INTO mylist VALUES (7, 70, 1, 0, 0, '', '', '', 5);");
    const FileIdentity id = fake_identity("/old/show.mkv", 3);
    run_sql(file, "INSERT INTO hash_entries VALUES (5, '/old/show.mkv', " +
                      std::to_string(id.size) + ", " + std::to_string(id.mtime_ns) + ", " +
                      std::to_string(id.inode) + ", " + std::to_string(id.device) +
                      ", 1700000000);"
                      " INSERT INTO hash_digests VALUES (5, 1, '" +
                      d.at(1) + "'), (5, 2, '" + d.at(2) + "'), (5, 5, '" + d.at(5) +
                      "');"
                      " INSERT INTO anidb_files VALUES (1000, '" +
                      d.at(1) +
                      "', 7, 8, 9, 10, '1:a,1:b,', 1700000000);"
                      " INSERT INTO client_state VALUES ('session', 'abc');");
    auto db = open_or_fail(file);
    ASSERT_NE(db, nullptr);
    auto hit = db->find_hashes(id);
    ASSERT_TRUE(hit.ok()) << hit.error().message;
    ASSERT_TRUE(hit->has_value());
    EXPECT_FALSE((*hit)->corrupt);
    EXPECT_EQ((*hit)->digests,
              (std::map<int, std::string>{{1, d.at(1)}, {2, d.at(2)}, {5, d.at(5)}}));
    auto answer = db->find_file_answer(1000, d.at(1));
    ASSERT_TRUE(answer.ok() && answer->has_value());
    EXPECT_EQ((*answer)->fid, 7u);
    EXPECT_EQ((*answer)->fields, (std::map<std::string, std::string>{{"a", "b"}}));
    EXPECT_EQ(**db->get_state("session"), "abc");
    EXPECT_EQ(test::count_rows(file, "hash_files"), 1);
    EXPECT_EQ(test::count_rows(file, "mylist"), -1) << "the older MyList table is dropped";
}

// Reads PRAGMA user_version with a connection of its own.
int64_t user_version(const std::filesystem::path& file) {
    sqlite3* db = nullptr;
    int64_t v = -1;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_open(file.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        v = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

// A database written by schema 2 (no blue ED2K) is migrated on open: sound
// rows stay sound, a row already damaged stays damaged (its checksum is not
// re-stamped), and a chunk-multiple file's row without the blue value does
// not answer ED2K (one read completes it) but answers the rest.
TEST(CacheIntegrity, SchemaTwoDatabaseIsMigrated) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    Heard heard;
    OpenOptions options;
    options.on_problem = heard.listener();
    run_sql(file, R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE hash_files (id INTEGER PRIMARY KEY, path_key INTEGER NOT NULL UNIQUE,
    path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    device INTEGER NOT NULL, updated_at INTEGER NOT NULL, ed2k TEXT, crc32 TEXT, md5 TEXT,
    sha1 TEXT, tth TEXT, checksum INTEGER NOT NULL);
CREATE INDEX hash_files_by_inode ON hash_files (inode);
CREATE TABLE anidb_files (size INTEGER NOT NULL, ed2k TEXT NOT NULL, fid INTEGER NOT NULL,
    aid INTEGER NOT NULL, eid INTEGER NOT NULL, gid INTEGER NOT NULL, fields TEXT NOT NULL,
    fetched_at INTEGER NOT NULL, checksum INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (size, ed2k)) WITHOUT ROWID;
CREATE TABLE anidb_unknown_files (size INTEGER NOT NULL, ed2k TEXT NOT NULL,
    retry_after INTEGER NOT NULL, checksum INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (size, ed2k)) WITHOUT ROWID;
CREATE TABLE anidb_records (kind INTEGER NOT NULL, id INTEGER NOT NULL, fields TEXT NOT NULL,
    fetched_at INTEGER NOT NULL, checksum INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE TABLE mylist (fid INTEGER PRIMARY KEY, lid INTEGER NOT NULL, state INTEGER NOT NULL,
    viewed INTEGER NOT NULL, viewdate INTEGER NOT NULL, source TEXT NOT NULL,
    storage TEXT NOT NULL, other TEXT NOT NULL, updated_at INTEGER NOT NULL,
    checksum INTEGER NOT NULL DEFAULT 0);
CREATE TABLE client_state (key TEXT PRIMARY KEY, value TEXT NOT NULL,
    checksum INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
PRAGMA user_version=2;
PRAGMA application_id=1634625860;
)sql");
    FileIdentity small = fake_identity("/v2/small.mkv", 3);
    FileIdentity exact = fake_identity("/v2/exact.mkv", 4);
    exact.size = 2 * 9728000;
    FileIdentity rotten = fake_identity("/v2/rotten.mkv", 5);
    const auto d = well_formed_digests(3);
    auto insert = [&](int64_t row, const FileIdentity& id, const std::string& digests) {
        return "INSERT INTO hash_files VALUES (" + std::to_string(row) + ", anidb_path_key('" +
               id.path + "'), '" + id.path + "', " + std::to_string(id.size) + ", " +
               std::to_string(id.mtime_ns) + ", " + std::to_string(id.inode) + ", " +
               std::to_string(id.device) + ", 1700000000, " + digests + ", 0);";
    };
    const std::string all = "'" + d.at(1) + "', '" + d.at(2) + "', '" + d.at(3) + "', '" + d.at(4) +
                            "', '" + d.at(5) + "'";
    run_sql(file, insert(1, small, all) +
                      insert(2, exact, "'" + d.at(1) + "', '" + d.at(2) + "', NULL, NULL, NULL") +
                      insert(3, rotten, all) +
                      // The schema-2 checksum, as a schema-2 build stored it.
                      "UPDATE hash_files SET checksum = "
                      "anidb_checksum('hash_files', " ANIDB_HASH_FILES_COLUMNS_V2
                      ");"
                      // Bit rot before the upgrade.
                      "UPDATE hash_files SET md5 = '" +
                      well_formed_digests(9).at(3) + "' WHERE id = 3;");

    auto db = open_or_fail(file, options);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(user_version(file), kSchemaVersion);
    auto hit = db->find_hashes(small);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_FALSE((*hit)->corrupt);
    EXPECT_EQ((*hit)->digests, d);
    hit = db->find_hashes(exact);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_FALSE((*hit)->corrupt);
    EXPECT_EQ((*hit)->digests, (std::map<int, std::string>{{2, d.at(2)}}))
        << "without its blue value the row does not answer ED2K";
    hit = db->find_hashes(rotten);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_TRUE((*hit)->corrupt) << "the migration must not make a damaged row sound";
    EXPECT_TRUE((*hit)->digests.empty());
    EXPECT_EQ(heard.count(), 1u);

    // A read of the chunk-multiple file completes its row.
    const std::string blue = well_formed_digests(7).at(1);
    ASSERT_TRUE(db->store_hashes(exact, {{1, d.at(1)}, {kEd2kBlue, blue}}).ok());
    hit = db->find_hashes(exact);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_EQ((*hit)->digests,
              (std::map<int, std::string>{{1, d.at(1)}, {2, d.at(2)}, {kEd2kBlue, blue}}));
    EXPECT_EQ(test::count_rows(file, "mylist"), -1) << "the older MyList table is dropped";
}

// The blue ED2K is kept for a chunk-multiple file, covered by the row's
// checksum and checked for form like every digest; a value the row cannot
// hold (malformed, or for a size where the variants do not differ) makes the
// row damaged, and store_hashes refuses it.
TEST(CacheIntegrity, BlueEd2kIsKeptAndChecked) {
    anidb::test::TempDir dir;
    const auto file = dir / "anidb.db";
    auto db = open_or_fail(file);
    ASSERT_NE(db, nullptr);
    FileIdentity exact = fake_identity("/lib/exact.mkv", 1);
    exact.size = 9728000;
    const auto d = well_formed_digests(1);
    const std::string blue = well_formed_digests(2).at(1);
    ASSERT_TRUE(db->store_hashes(exact, {{1, d.at(1)}, {kEd2kBlue, blue}}).ok());
    // Stored without ED2K, the blue value of the row stays.
    ASSERT_TRUE(db->store_hashes(exact, {{3, d.at(3)}}).ok());
    auto hit = db->find_hashes(exact);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_EQ((*hit)->digests,
              (std::map<int, std::string>{{1, d.at(1)}, {3, d.at(3)}, {kEd2kBlue, blue}}));
    std::vector<CacheDb::Lookup> out;
    ASSERT_TRUE(db->find_exact_hashes(std::vector<FileIdentity>{exact}, out).ok());
    EXPECT_EQ(out[0].digests, (*hit)->digests);
    ASSERT_TRUE(db->flush().ok());

    // Changed behind SQLite's back: caught by the checksum.
    run_sql(file, "UPDATE hash_files SET ed2k_blue = '" + d.at(1) + "'");
    hit = db->find_hashes(exact);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_TRUE((*hit)->corrupt);
    // Malformed with a checksum that holds: caught by the form check.
    const std::string restamp =
        "UPDATE hash_files SET checksum = anidb_checksum('hash_files', " ANIDB_HASH_FILES_COLUMNS
        ")";
    run_sql(file, "UPDATE hash_files SET ed2k_blue = upper('" + blue + "'); " + restamp);
    hit = db->find_hashes(exact);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_TRUE((*hit)->corrupt);
    EXPECT_TRUE((*hit)->digests.empty());
    // A blue value for a size where the variants are the same.
    run_sql(file, "UPDATE hash_files SET ed2k_blue = '" + blue + "', size = 9728001; " + restamp);
    exact.size = 9728001;
    hit = db->find_hashes(exact);
    ASSERT_TRUE(hit.ok() && hit->has_value());
    EXPECT_TRUE((*hit)->corrupt);
    EXPECT_EQ(db->store_hashes(exact, {{1, d.at(1)}, {kEd2kBlue, blue}}).error().code,
              Errc::invalid_parameter);
    exact.size = 9728000;
    EXPECT_EQ(db->store_hashes(exact, {{kEd2kBlue, "0123"}}).error().code, Errc::invalid_parameter);
}

}  // namespace
}  // namespace anidb::cache
