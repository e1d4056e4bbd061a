#include "queue/queue_schema.h"

#include <string>

#include "cache/transaction.h"

namespace anidb::queue {
namespace {

namespace sql = cache::sql;

constexpr const char* kCreateMeta = R"sql(
CREATE TABLE IF NOT EXISTS work_queue_meta (
    key TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;
)sql";

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

Result<int64_t> stored_version(sql::Connection& conn) {
    auto q = conn.query("SELECT value FROM work_queue_meta WHERE key = 'schema_version'");
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_int64(0) : 0;
}

Result<bool> ready(sql::Connection& conn) {
    auto meta = conn.scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'work_queue_meta'");
    if (!meta) return meta.error();
    if (*meta == 0) return false;
    auto version = stored_version(conn);
    if (!version) return version.error();
    return *version == kQueueSchemaVersion;
}

}  // namespace

Status prepare_queue_tables(cache::sql::Connection& conn) {
    auto in_place = sql::run_transaction(conn, sql::TxKind::read, [&] { return ready(conn); });
    if (!in_place) return in_place.error();
    if (*in_place) return {};
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        if (Status s = conn.exec(kCreateMeta); !s) return s;
        auto version = stored_version(conn);
        if (!version) return version.error();
        if (*version > kQueueSchemaVersion) {
            return make_error(Errc::cache, "the AniDB work queue in " + conn.file() +
                                               " was written by a newer libanidb (schema " +
                                               std::to_string(*version) + ")");
        }
        if (*version == kQueueSchemaVersion) return {};  // another process was first
        if (Status s = conn.exec(kCreateTables); !s) return s;
        const std::string set =
            "INSERT OR REPLACE INTO work_queue_meta (key, value) VALUES ('schema_version', " +
            std::to_string(kQueueSchemaVersion) + ")";
        return conn.exec(set.c_str());
    });
}

}  // namespace anidb::queue
