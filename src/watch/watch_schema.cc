#include "watch/watch_schema.h"

#include <string>

#include "cache/transaction.h"

namespace anidb::watch {
namespace {

namespace sql = cache::sql;

constexpr const char* kCreateMeta = R"sql(
CREATE TABLE IF NOT EXISTS watch_meta (
    key TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;
)sql";

constexpr const char* kCreateTables = R"sql(
CREATE TABLE watch_files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    status INTEGER NOT NULL,
    step INTEGER NOT NULL,
    ed2k TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_try_at INTEGER NOT NULL,
    detail TEXT NOT NULL,
    target TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX watch_files_by_status ON watch_files (status, next_try_at);
)sql";

Result<int64_t> stored_version(sql::Connection& conn) {
    auto q = conn.query("SELECT value FROM watch_meta WHERE key = 'schema_version'");
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_int64(0) : 0;
}

Result<bool> ready(sql::Connection& conn) {
    auto meta = conn.scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'watch_meta'");
    if (!meta) return meta.error();
    if (*meta == 0) return false;
    auto version = stored_version(conn);
    if (!version) return version.error();
    return *version == kWatchSchemaVersion;
}

}  // namespace

Status prepare_watch_tables(cache::sql::Connection& conn) {
    auto in_place = sql::run_transaction(conn, sql::TxKind::read, [&] { return ready(conn); });
    if (!in_place) return in_place.error();
    if (*in_place) return {};
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        if (Status s = conn.exec(kCreateMeta); !s) return s;
        auto version = stored_version(conn);
        if (!version) return version.error();
        if (*version > kWatchSchemaVersion) {
            return make_error(Errc::cache, "the watch state in " + conn.file() +
                                               " was written by a newer libanidb (schema " +
                                               std::to_string(*version) + ")");
        }
        if (*version == kWatchSchemaVersion) return {};  // another process was first
        if (Status s = conn.exec(kCreateTables); !s) return s;
        const std::string set =
            "INSERT OR REPLACE INTO watch_meta (key, value) VALUES ('schema_version', " +
            std::to_string(kWatchSchemaVersion) + ")";
        return conn.exec(set.c_str());
    });
}

}  // namespace anidb::watch
