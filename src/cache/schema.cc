#include "cache/schema.h"

#include <array>
#include <string>

#include "cache/row_checksum.h"
#include "cache/transaction.h"

namespace anidb::cache {

namespace {

// kMigrations[i] takes a database from user_version i to i + 1. Append only;
// never edit a migration that has shipped.
//
// Hash digests are one row per (entry, algorithm) so that a file gains
// algorithms over time without a schema change; algorithms are AniDB's
// numbering (1 ed2k, 2 crc32, 3 md5, 4 sha1, 5 tth). Unsigned 64-bit values
// (sizes, inodes, ids) are stored bit-for-bit in SQLite's signed INTEGER.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE hash_entries (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    device INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX hash_entries_by_identity ON hash_entries (size, mtime_ns, inode, device);
CREATE TABLE hash_digests (
    entry_id INTEGER NOT NULL REFERENCES hash_entries (id) ON DELETE CASCADE,
    algorithm INTEGER NOT NULL CHECK (algorithm BETWEEN 1 AND 5),
    digest TEXT NOT NULL,
    PRIMARY KEY (entry_id, algorithm)
) WITHOUT ROWID;
CREATE TABLE anidb_files (
    size INTEGER NOT NULL,
    ed2k TEXT NOT NULL,
    fid INTEGER NOT NULL,
    aid INTEGER NOT NULL,
    eid INTEGER NOT NULL,
    gid INTEGER NOT NULL,
    fields TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (size, ed2k)
) WITHOUT ROWID;
CREATE TABLE anidb_unknown_files (
    size INTEGER NOT NULL,
    ed2k TEXT NOT NULL,
    retry_after INTEGER NOT NULL,
    PRIMARY KEY (size, ed2k)
) WITHOUT ROWID;
CREATE TABLE anidb_records (
    kind INTEGER NOT NULL,
    id INTEGER NOT NULL,
    fields TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE mylist (
    fid INTEGER PRIMARY KEY,
    lid INTEGER NOT NULL,
    state INTEGER NOT NULL,
    viewed INTEGER NOT NULL,
    viewdate INTEGER NOT NULL,
    source TEXT NOT NULL,
    storage TEXT NOT NULL,
    other TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE client_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: every row carries a checksum (row_checksum.h); a file's digests move
    // into its entry row, so that one checksum covers the file's identity and
    // every digest, and a store writes one row. Rows are found by a 64-bit
    // key of the path (the path itself is in the row and compared) and moved
    // files by inode: small integer index entries, so that a group of stores
    // in scan order (random for the indexes) dirties few pages.
    R"sql(
CREATE TABLE hash_files (
    id INTEGER PRIMARY KEY,
    path_key INTEGER NOT NULL UNIQUE,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    device INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ed2k TEXT,
    crc32 TEXT,
    md5 TEXT,
    sha1 TEXT,
    tth TEXT,
    checksum INTEGER NOT NULL
);
CREATE INDEX hash_files_by_inode ON hash_files (inode);
INSERT INTO hash_files
SELECT e.id, anidb_path_key(e.path), e.path, e.size, e.mtime_ns, e.inode, e.device, e.updated_at,
       (SELECT digest FROM hash_digests WHERE entry_id = e.id AND algorithm = 1),
       (SELECT digest FROM hash_digests WHERE entry_id = e.id AND algorithm = 2),
       (SELECT digest FROM hash_digests WHERE entry_id = e.id AND algorithm = 3),
       (SELECT digest FROM hash_digests WHERE entry_id = e.id AND algorithm = 4),
       (SELECT digest FROM hash_digests WHERE entry_id = e.id AND algorithm = 5),
       0
FROM hash_entries e;
UPDATE hash_files SET checksum = anidb_checksum('hash_files', )sql" ANIDB_HASH_FILES_COLUMNS_V2
    R"sql();
DROP TABLE hash_digests;
DROP TABLE hash_entries;
ALTER TABLE anidb_files ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
UPDATE anidb_files SET checksum = anidb_checksum('anidb_files', )sql" ANIDB_FILES_COLUMNS R"sql();
ALTER TABLE anidb_unknown_files ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
UPDATE anidb_unknown_files
   SET checksum = anidb_checksum('anidb_unknown_files', )sql" ANIDB_UNKNOWN_FILES_COLUMNS R"sql();
ALTER TABLE anidb_records ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
UPDATE anidb_records SET checksum = anidb_checksum('anidb_records', )sql" ANIDB_RECORDS_COLUMNS
    R"sql();
ALTER TABLE mylist ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
UPDATE mylist SET checksum = anidb_checksum('mylist',
    fid, lid, state, viewed, viewdate, source, storage, other, updated_at);
ALTER TABLE client_state ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
UPDATE client_state SET checksum = anidb_checksum('client_state', )sql" ANIDB_CLIENT_STATE_COLUMNS
    R"sql();
)sql",
    // 3: a file whose size is a multiple of the ED2K chunk keeps ED2K's other
    // ("blue") variant beside ed2k (NULL otherwise, and in rows written
    // before: such a row does not answer ED2K until a read completes it). The
    // checksum now covers ed2k_blue; it is re-stamped only where it held
    // under schema 2, so that a row already damaged stays detectably damaged.
    // The older `mylist` table goes: the local MyList state (mylist_local,
    // src/mylist) is the only one.
    R"sql(
DROP TABLE mylist;
ALTER TABLE hash_files ADD COLUMN ed2k_blue TEXT;
UPDATE hash_files SET checksum = anidb_checksum('hash_files', )sql" ANIDB_HASH_FILES_COLUMNS
    R"sql()
 WHERE checksum = anidb_checksum('hash_files', )sql" ANIDB_HASH_FILES_COLUMNS_V2 R"sql();
)sql",
};

Result<std::string> journal_mode(sql::Connection& conn, const char* pragma) {
    // The Query resets its statement when it goes out of scope here, so no
    // read transaction stays open behind the caller's back.
    auto q = conn.query(pragma);
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_text(0) : std::string();
}

Status set_wal_mode(sql::Connection& conn) {
    // The journal mode is stored in the file; switching needs a lock, so only
    // ask for it when it is not WAL yet.
    auto mode = journal_mode(conn, "PRAGMA journal_mode");
    if (!mode) return mode.error();
    if (*mode == "wal") return {};
    auto set = journal_mode(conn, "PRAGMA journal_mode=WAL");
    if (!set) return set.error();
    if (*set != "wal") {
        return make_error(Errc::cache, "cannot switch cache database to WAL mode: " + conn.file());
    }
    return {};
}

Status migrate(sql::Connection& conn) {
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        auto version = conn.scalar("PRAGMA user_version");
        if (!version) return version.error();
        auto app_id = conn.scalar("PRAGMA application_id");
        if (!app_id) return app_id.error();
        if (*version > kSchemaVersion) {
            return make_error(Errc::cache, "cache database " + conn.file() +
                                               " was written by a newer libanidb (schema " +
                                               std::to_string(*version) + ")");
        }
        if (*app_id != 0 && *app_id != kApplicationId) {
            return make_error(
                Errc::cache,
                "not an anidb cache database (foreign application id): " + conn.file());
        }
        if (*version == 0) {
            // A fresh file has no tables; one with tables belongs to someone else.
            auto tables = conn.scalar("SELECT count(*) FROM sqlite_schema");
            if (!tables) return tables.error();
            if (*tables != 0) {
                return make_error(Errc::cache,
                                  "not an anidb cache database (unknown tables): " + conn.file());
            }
        }
        for (int64_t v = *version; v < kSchemaVersion; ++v) {
            if (Status s = conn.exec(kMigrations[static_cast<size_t>(v)]); !s) return s;
        }
        if (*version != kSchemaVersion) {
            const std::string set = "PRAGMA user_version=" + std::to_string(kSchemaVersion) +
                                    "; PRAGMA application_id=" + std::to_string(kApplicationId);
            if (Status s = conn.exec(set.c_str()); !s) return s;
        }
        return {};
    });
}

}  // namespace

Status prepare_connection(sql::Connection& conn, int busy_timeout_ms) {
    const std::string pragmas = "PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms) +
                                "; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL";
    if (Status s = conn.exec(pragmas.c_str()); !s) return s;
    if (const int rc = register_row_checksum(conn.handle()); rc != 0) return conn.error(rc);
    return {};
}

Status prepare_schema(sql::Connection& conn, int busy_timeout_ms) {
    if (Status s = prepare_connection(conn, busy_timeout_ms); !s) return s;
    // The first read of the file: garbage bytes fail here with SQLITE_NOTADB.
    if (Status s = sql::run_with_retry([&] { return set_wal_mode(conn); }); !s) return s;
    return migrate(conn);
}

}  // namespace anidb::cache
