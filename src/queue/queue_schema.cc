#include "queue/queue_schema.h"

#include "cache/side_tables.h"

namespace anidb::queue {
namespace {

namespace sql = cache::sql;

// AUTOINCREMENT: an id is never reused, so "asked earlier" is "smaller id"
// even after the newest job was deleted.
constexpr const char* kCreateTables = R"sql(
CREATE TABLE work_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_size INTEGER NOT NULL,
    file_ed2k TEXT NOT NULL,
    kind INTEGER NOT NULL,
    params TEXT NOT NULL,
    state INTEGER NOT NULL,
    reason INTEGER NOT NULL,
    detail TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    next_try_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    owner TEXT,
    claimed_at INTEGER,
    checksum INTEGER NOT NULL
);
CREATE INDEX work_queue_by_file ON work_queue (file_size, file_ed2k, state, id);
CREATE INDEX work_queue_by_owner ON work_queue (owner) WHERE owner IS NOT NULL;
)sql";

}  // namespace

Status prepare_queue_tables(cache::sql::Connection& conn) {
    return sql::prepare_side_tables(
        conn, {"work_queue_meta", kCreateTables, kQueueSchemaVersion, "the AniDB work queue"});
}

}  // namespace anidb::queue
