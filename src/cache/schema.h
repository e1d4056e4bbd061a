// The cache's tables and how an older database file is brought up to date.
#pragma once

#include "cache/sqlite_connection.h"

namespace anidb::cache {

// PRAGMA user_version of a database this build writes. Older files are
// migrated on open; a newer one is refused (Errc::cache) rather than written
// with a schema this build does not understand.
inline constexpr int kSchemaVersion = 3;

// PRAGMA application_id marking a file as an anidb cache ("aniD").
inline constexpr int kApplicationId = 0x616e6944;

// The columns each table's row checksum covers, in order (row_checksum.h).
// Writes bind them as ?1, ?2, ... in this order and store
// anidb_checksum('<table>', ?1, ?2, ...); reads compare the stored checksum
// with anidb_checksum('<table>', <these columns>). One list per table, so
// both sides and the migration agree. A migration that re-stamps checksums
// uses the list of its own schema version (ANIDB_HASH_FILES_COLUMNS_V2), never
// the current one, so that it stays as it shipped.
#define ANIDB_HASH_FILES_COLUMNS_V2 \
    "path_key, path, size, mtime_ns, inode, device, updated_at, ed2k, crc32, md5, sha1, tth"
#define ANIDB_HASH_FILES_COLUMNS ANIDB_HASH_FILES_COLUMNS_V2 ", ed2k_blue"
#define ANIDB_FILES_COLUMNS "size, ed2k, fid, aid, eid, gid, fields, fetched_at"
#define ANIDB_UNKNOWN_FILES_COLUMNS "size, ed2k, retry_after"
#define ANIDB_RECORDS_COLUMNS "kind, id, fields, fetched_at"
#define ANIDB_CLIENT_STATE_COLUMNS "key, value"

// The per-connection part of prepare_schema: pragmas and functions, for a
// second connection to a database already prepared.
Status prepare_connection(sql::Connection& conn, int busy_timeout_ms);

// Sets the per-connection pragmas (WAL, synchronous=NORMAL, busy timeout,
// foreign keys), registers anidb_checksum and anidb_path_key, checks that the file is an anidb
// cache (or empty), and applies missing migrations in one write transaction.
Status prepare_schema(sql::Connection& conn, int busy_timeout_ms);

}  // namespace anidb::cache
