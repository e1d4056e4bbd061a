#include "mylist/mylist_schema.h"

#include "cache/side_tables.h"

namespace anidb::mylist {
namespace {

namespace sql = cache::sql;

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

}  // namespace

Status prepare_mylist_tables(cache::sql::Connection& conn) {
    return sql::prepare_side_tables(
        conn, {"mylist_local_meta", kCreateTables, kMylistSchemaVersion, "the MyList state"});
}

}  // namespace anidb::mylist
