#include "watch/watch_schema.h"

#include "cache/side_tables.h"

namespace anidb::watch {
namespace {

namespace sql = cache::sql;

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

}  // namespace

Status prepare_watch_tables(cache::sql::Connection& conn) {
    return sql::prepare_side_tables(
        conn, {"watch_meta", kCreateTables, kWatchSchemaVersion, "the watch state"});
}

}  // namespace anidb::watch
