// The cache's tables and how an older database file is brought up to date.
#pragma once

#include "cache/sqlite_connection.h"

namespace anidb::cache {

// PRAGMA user_version of a database this build writes. Older files are
// migrated on open; a newer one is refused (Errc::cache) rather than written
// with a schema this build does not understand.
inline constexpr int kSchemaVersion = 1;

// PRAGMA application_id marking a file as an anidb cache ("aniD").
inline constexpr int kApplicationId = 0x616e6944;

// Sets the per-connection pragmas (WAL, synchronous=NORMAL, busy timeout,
// foreign keys), checks that the file is an anidb cache (or empty), and applies
// missing migrations in one write transaction.
Status prepare_schema(sql::Connection& conn, int busy_timeout_ms);

}  // namespace anidb::cache
