// Helpers shared by the cache tests: opening a database in a TempDir and
// changing a file's mtime.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "cache/cache_db.h"

namespace anidb::cache::test {

inline std::unique_ptr<CacheDb> open_or_fail(const std::filesystem::path& file,
                                             const OpenOptions& options = OpenOptions{}) {
    auto db = CacheDb::open(file, options);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(*db) : nullptr;
}

// Sets the file's mtime to `ns` nanoseconds since the epoch.
inline void set_mtime_ns(const std::filesystem::path& p, int64_t ns) {
    const timespec times[2] = {{0, UTIME_OMIT}, {ns / 1'000'000'000, ns % 1'000'000'000}};
    ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), times, 0), 0) << p;
}

// Counts rows of `table` with a connection of its own (checks what the API
// does not show, e.g. that digests go with their entry).
inline int64_t count_rows(const std::filesystem::path& file, const std::string& table) {
    sqlite3* db = nullptr;
    int64_t n = -1;
    if (sqlite3_open(file.c_str(), &db) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        const std::string sql = "SELECT count(*) FROM " + table;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            n = sqlite3_column_int64(stmt, 0);
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return n;
}

// An identity for a file that need not exist (multi-writer tests).
inline FileIdentity fake_identity(const std::string& path, uint64_t n) {
    return FileIdentity{path, 1000 + n, static_cast<int64_t>(1'700'000'000'000'000'000 + n),
                        500'000 + n, 42};
}

// Digests of the form the hasher gives (lowercase hex of the right length,
// uppercase base32 for TTH), different for every n: the cache checks the
// form of what it stores and returns.
inline std::map<int, std::string> well_formed_digests(uint64_t n) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(n * 2654435761u));
    const std::string h(hex);
    std::string tth(38, 'A');
    for (size_t i = 0; i < 16; ++i)
        tth[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(n >> (i % 8)) & 31];
    return {{1, h + h}, {2, h.substr(8)}, {3, h + h}, {4, h + h + h.substr(0, 8)}, {5, tth + "Q"}};
}

}  // namespace anidb::cache::test
