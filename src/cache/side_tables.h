// Tables that other rooms keep in the cache database (local MyList state,
// the AniDB work queue, the watcher's state, the title index), each set with its own
// `<name>_meta` table holding its schema version, so a set can change
// without touching the cache's own schema (cache/schema.h).
#pragma once

#include <cstdint>

#include "cache/sqlite_connection.h"
#include "common/result.h"

namespace anidb::cache::sql {

struct SideTables {
    const char* meta_table;     // e.g. "work_queue_meta"
    const char* create_tables;  // the set's CREATE statements, run once
    int64_t version;            // the version this library writes
    const char* what;           // for messages: "the AniDB work queue"
    // Optional. A set kept as a re-creatable copy (the title index) is not
    // migrated: drop_older removes an older version's tables before
    // create_tables runs, and the set counts as in place only when
    // main_table exists too.
    const char* drop_older = nullptr;
    const char* main_table = nullptr;
};

// Creates the set when missing. Looks in a read transaction first, so that
// opening never waits for another process's write lock; a database written
// by a newer version is refused with Errc::cache.
Status prepare_side_tables(Connection& conn, const SideTables& tables);

}  // namespace anidb::cache::sql
