#include "titles/title_schema.h"

#include <string>

#include "cache/side_tables.h"

namespace anidb::titles {

namespace {

namespace sql = cache::sql;

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
)sql" ANIDB_TITLES_FOLDED_INDEX;

constexpr const char* kDropTables = R"sql(
DROP TABLE IF EXISTS anime_titles_words;
DROP TABLE IF EXISTS anime_titles_trigrams;
DROP TABLE IF EXISTS anime_titles;
DELETE FROM anime_titles_meta WHERE key <> 'last_request_at';
)sql";

}  // namespace

Status prepare_title_tables(cache::sql::Connection& conn) {
    sql::SideTables tables{"anime_titles_meta", kCreateTables, kTitlesSchemaVersion,
                           "the title index"};
    tables.drop_older = kDropTables;
    tables.main_table = "anime_titles";
    return sql::prepare_side_tables(conn, tables);
}

}  // namespace anidb::titles
