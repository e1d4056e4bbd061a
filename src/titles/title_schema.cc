#include "titles/title_schema.h"

#include <string>

#include "cache/transaction.h"

namespace anidb::titles {

namespace {

namespace sql = cache::sql;

constexpr const char* kCreateMeta = R"sql(
CREATE TABLE IF NOT EXISTS anime_titles_meta (
    key TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;
)sql";

// The folded text is already lower case without accents; the words index
// tokenizes it again with the same tokenizer TitleFolder uses (a no-op on
// folded text, and the guarantee that both agree). detail=none: only rowids
// are needed (classification happens in title_ranking.cc).
constexpr const char* kCreateTables = R"sql(
CREATE TABLE anime_titles (
    id INTEGER PRIMARY KEY,
    aid INTEGER NOT NULL,
    type INTEGER NOT NULL,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    folded TEXT NOT NULL
);
CREATE INDEX anime_titles_by_aid ON anime_titles (aid, type);
CREATE VIRTUAL TABLE anime_titles_words USING fts5 (
    folded, content='anime_titles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='1 2', detail=none);
CREATE VIRTUAL TABLE anime_titles_trigrams USING fts5 (
    folded, content='anime_titles', content_rowid='id',
    tokenize='trigram', detail=none);
)sql";

constexpr const char* kDropTables = R"sql(
DROP TABLE IF EXISTS anime_titles_words;
DROP TABLE IF EXISTS anime_titles_trigrams;
DROP TABLE IF EXISTS anime_titles;
DELETE FROM anime_titles_meta WHERE key <> 'last_request_at';
)sql";

Result<int64_t> stored_version(sql::Connection& conn) {
    auto q = conn.query("SELECT value FROM anime_titles_meta WHERE key = 'schema_version'");
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_int64(0) : 0;
}

Result<bool> titles_table_exists(sql::Connection& conn) {
    auto n = conn.scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'anime_titles'");
    if (!n) return n.error();
    return *n != 0;
}

}  // namespace

Status prepare_title_tables(cache::sql::Connection& conn) {
    // Usually everything is in place: look in a read transaction first, so
    // that opening never waits for another process's write lock.
    auto ready = sql::run_transaction(conn, sql::TxKind::read, [&]() -> Result<bool> {
        auto meta = conn.scalar(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = "
            "'anime_titles_meta'");
        if (!meta) return meta.error();
        if (*meta == 0) return false;
        auto version = stored_version(conn);
        if (!version) return version.error();
        auto exists = titles_table_exists(conn);
        if (!exists) return exists.error();
        return *version == kTitlesSchemaVersion && *exists;
    });
    if (!ready) return ready.error();
    if (*ready) return {};
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        if (Status s = conn.exec(kCreateMeta); !s) return s;
        auto version = stored_version(conn);
        if (!version) return version.error();
        if (*version > kTitlesSchemaVersion) {
            return make_error(Errc::cache, "the title index in " + conn.file() +
                                               " was written by a newer libanidb (titles schema " +
                                               std::to_string(*version) + ")");
        }
        auto exists = titles_table_exists(conn);
        if (!exists) return exists.error();
        if (*version == kTitlesSchemaVersion && *exists) return {};  // another process was first
        if (Status s = conn.exec(kDropTables); !s) return s;
        if (Status s = conn.exec(kCreateTables); !s) return s;
        if (Status s = conn.exec(kCreateFoldedIndex); !s) return s;
        const std::string set =
            "INSERT OR REPLACE INTO anime_titles_meta (key, value) VALUES ('schema_version', " +
            std::to_string(kTitlesSchemaVersion) + ")";
        return conn.exec(set.c_str());
    });
}

}  // namespace anidb::titles
