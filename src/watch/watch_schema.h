// The tables of `anidb watch`, kept in the cache database file beside the
// cache's own (which this component never touches):
//
//   watch_files  one row per file path the watcher met: its size and mtime
//                when seen, what became of it (status), how far its work
//                went (step), its ED2K once hashed, attempts, the next try,
//                the last problem, and the rename target once chosen
//   watch_meta   key/value: this schema's version
//
// Created if missing. A newer schema is refused (Errc::cache); this first
// version has nothing older to migrate.
#pragma once

#include "cache/sqlite_connection.h"

namespace anidb::watch {

inline constexpr int kWatchSchemaVersion = 1;

Status prepare_watch_tables(cache::sql::Connection& conn);

}  // namespace anidb::watch
