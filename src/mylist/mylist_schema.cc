#include "mylist/mylist_schema.h"

#include <string>

#include "cache/transaction.h"

namespace anidb::mylist {
namespace {

namespace sql = cache::sql;

constexpr const char* kCreateMeta = R"sql(
CREATE TABLE IF NOT EXISTS mylist_local_meta (
    key TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;
)sql";

constexpr const char* kCreateTables = R"sql(
DROP TABLE IF EXISTS mylist_local;
CREATE TABLE mylist_local (
    fid INTEGER PRIMARY KEY,
    lid INTEGER NOT NULL,
    eid INTEGER NOT NULL,
    aid INTEGER NOT NULL,
    gid INTEGER NOT NULL,
    date_added INTEGER NOT NULL,
    state INTEGER NOT NULL,
    viewdate INTEGER NOT NULL,
    storage TEXT NOT NULL,
    source TEXT NOT NULL,
    other TEXT NOT NULL,
    filestate INTEGER NOT NULL,
    confirmed_at INTEGER NOT NULL,
    checksum INTEGER NOT NULL
);
CREATE INDEX mylist_local_by_lid ON mylist_local (lid) WHERE lid > 0;
)sql";

Result<int64_t> stored_version(sql::Connection& conn) {
    auto q = conn.query("SELECT value FROM mylist_local_meta WHERE key = 'schema_version'");
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_int64(0) : 0;
}

Result<bool> ready(sql::Connection& conn) {
    auto meta = conn.scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'mylist_local_meta'");
    if (!meta) return meta.error();
    if (*meta == 0) return false;
    auto version = stored_version(conn);
    if (!version) return version.error();
    return *version == kMylistSchemaVersion;
}

}  // namespace

Status prepare_mylist_tables(cache::sql::Connection& conn) {
    // Usually in place: look in a read transaction first, so that opening
    // never waits for another process's write lock.
    auto in_place = sql::run_transaction(conn, sql::TxKind::read, [&] { return ready(conn); });
    if (!in_place) return in_place.error();
    if (*in_place) return {};
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        if (Status s = conn.exec(kCreateMeta); !s) return s;
        auto version = stored_version(conn);
        if (!version) return version.error();
        if (*version > kMylistSchemaVersion) {
            return make_error(Errc::cache, "the MyList state in " + conn.file() +
                                               " was written by a newer libanidb (schema " +
                                               std::to_string(*version) + ")");
        }
        if (*version == kMylistSchemaVersion) return {};  // another process was first
        if (Status s = conn.exec(kCreateTables); !s) return s;
        const std::string set =
            "INSERT OR REPLACE INTO mylist_local_meta (key, value) VALUES ('schema_version', " +
            std::to_string(kMylistSchemaVersion) + ")";
        return conn.exec(set.c_str());
    });
}

}  // namespace anidb::mylist
