// The tables of the title index, kept in the cache database file beside the
// cache's own (which this component never touches).
//
//   anime_titles           one row per title; id is the rank order (shorter
//                          folded titles first, then main > official > short
//                          > synonym), so "the first N matches by id" are the
//                          best N candidates without sorting
//   anime_titles_words     FTS5 word index over the folded titles (unicode61)
//   anime_titles_trigrams  FTS5 trigram index for matches inside words
//   anime_titles_meta      key/value: schema version, request and import
//                          times, validators, counts, checksum
// Everything is created if missing. The meta table carries this schema's own
// version: an older layout is dropped and re-created empty (the titles are a
// re-downloadable copy; the time of the last request is kept, so an upgrade
// never causes an extra download); a newer one is refused (Errc::cache).
#pragma once

#include "cache/sqlite_connection.h"

namespace anidb::titles {

inline constexpr int kTitlesSchemaVersion = 1;

// The index behind exact and prefix matches. replace_titles drops it and
// builds it again after the rows (faster than row by row): one definition.
// (A macro so that the tables' CREATE text can include it.)
#define ANIDB_TITLES_FOLDED_INDEX "CREATE INDEX anime_titles_by_folded ON anime_titles (folded)"
inline constexpr const char* kCreateFoldedIndex = ANIDB_TITLES_FOLDED_INDEX;

// Creates or migrates the tables, in one write transaction (retried while the
// database is locked).
Status prepare_title_tables(cache::sql::Connection& conn);

}  // namespace anidb::titles
