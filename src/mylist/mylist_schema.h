// The table of the local MyList state, kept in the cache database file
// beside the cache's own (which this component never touches):
//
//   mylist_local       one row per AniDB file id: the entry AniDB last
//                      answered for it (lid > 0), or that it is not in the
//                      user's MyList (lid = 0), with the time of that answer
//                      and a CRC-32 of the row
//   mylist_local_meta  key/value: this schema's version
//
// Created if missing. A newer schema is refused (Errc::cache); an older one
// is dropped and created again empty (the rows are a copy of what AniDB
// knows and are asked again when needed).
#pragma once

#include "cache/sqlite_connection.h"

namespace anidb::mylist {

inline constexpr int kMylistSchemaVersion = 1;

// Creates or migrates the tables, in one write transaction (retried while
// the database is locked).
Status prepare_mylist_tables(cache::sql::Connection& conn);

}  // namespace anidb::mylist
