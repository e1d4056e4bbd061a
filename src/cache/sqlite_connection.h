// Small RAII layer over the sqlite3 C API for the cache: one Connection owns
// one sqlite3* and the prepared statements it has cached; a Query borrows a
// cached statement for one use and resets it when it goes away.
//
// Not thread-safe: CacheDb serialises all use of a Connection with its mutex.
// Errors come back as anidb::Error; SQLITE_BUSY / SQLITE_LOCKED become
// Errc::busy, which the transaction runner (transaction.h) retries and never
// lets escape while its deadline lasts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace anidb::cache::sql {

// Maps an SQLite result code to the error a caller of the cache sees.
Error sqlite_error(int rc, sqlite3* db, const std::string& file);

// True for the errors that only mean "someone else holds the lock; try again".
inline bool is_busy(const Error& e) {
    return e.code == Errc::busy;
}

class Connection;

// One use of a cached prepared statement. Binding indexes are 1-based,
// column indexes 0-based (as in SQLite). The statement is reset and its
// bindings cleared on destruction, so the next use starts clean.
class Query {
  public:
    Query(Connection& conn, sqlite3_stmt* stmt) : conn_(&conn), stmt_(stmt) {}
    ~Query();
    Query(Query&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) {
        other.stmt_ = nullptr;
    }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    Query& operator=(Query&&) = delete;

    Query& bind(int index, int64_t value);
    Query& bind_u64(int index, uint64_t value) { return bind(index, static_cast<int64_t>(value)); }
    Query& bind_null(int index);
    // Text is copied by SQLite; any bytes (including NUL) round-trip.
    Query& bind(int index, std::string_view text);
    // Not copied: `text` must stay alive and unchanged until this Query is
    // destroyed (it is reset then). For hot lookups.
    Query& bind_static(int index, std::string_view text);

    // Steps once: true when a row is ready, false when the statement is done.
    Result<bool> step();
    // Steps a statement that returns no rows.
    Status run();

    int64_t column_int64(int index) const;
    uint64_t column_u64(int index) const { return static_cast<uint64_t>(column_int64(index)); }
    std::string column_text(int index) const;
    bool column_is_null(int index) const;

  private:
    Connection* conn_;
    sqlite3_stmt* stmt_;
    int bind_rc_ = 0;  // first failed bind, reported by step()
};

class Connection {
  public:
    // Opens (creating if needed) the file read-write. Fails if SQLite can only
    // open it read-only, so a write never fails later for that reason.
    static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& file);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs one or more statements that return no rows we need.
    Status exec(const char* sql);
    // Runs one statement that returns no rows through the statement cache
    // (BEGIN, COMMIT: no parsing on every transaction).
    Status run_cached(const char* sql);
    // A cached prepared statement for `sql` (prepared on first use). At most
    // one Query per SQL text may be alive at a time: they share the statement.
    Result<Query> query(const char* sql);
    // Runs a single-value query ("PRAGMA page_count", "SELECT count(*) ...").
    Result<int64_t> scalar(const char* sql);
    // Rows changed by the last INSERT, UPDATE or DELETE.
    int64_t changes() const noexcept;
    // Rolls back an open transaction, if any; errors are ignored (SQLite may
    // already have rolled back after SQLITE_FULL or an I/O error).
    void rollback() noexcept;

    Error error(int rc) const { return sqlite_error(rc, db_, file_); }
    const std::string& file() const { return file_; }
    sqlite3* handle() const { return db_; }

  private:
    Connection(sqlite3* db, std::string file) : db_(db), file_(std::move(file)) {}

    struct StatementDeleter {
        void operator()(sqlite3_stmt* s) const noexcept;
    };
    sqlite3* db_;
    std::string file_;
    // Looked up by string_view: no std::string is built per query.
    struct SqlHash {
        using is_transparent = void;
        size_t operator()(std::string_view sql) const noexcept {
            return std::hash<std::string_view>{}(sql);
        }
    };
    std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, StatementDeleter>, SqlHash,
                       std::equal_to<>>
        statements_;
};

}  // namespace anidb::cache::sql
