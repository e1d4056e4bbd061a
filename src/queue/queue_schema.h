// The tables of the work queue, kept in the cache database file beside the
// cache's own (which this component never touches):
//
//   work_queue       one row per job: file (size, ED2K), kind, parameters
//                    (job_codec.h), state, why it waits, attempts, times,
//                    the claim of the process running it, and a CRC-32 of
//                    what the job asks (file, kind, parameters, creation)
//   work_queue_meta  key/value: this schema's version
//
// Created if missing. A newer schema is refused (Errc::cache); this first
// version has nothing older to migrate. Jobs are what a user asked for, so a
// later version migrates them rather than dropping them.
#pragma once

#include "cache/sqlite_connection.h"

namespace anidb::queue {

inline constexpr int kQueueSchemaVersion = 1;

Status prepare_queue_tables(cache::sql::Connection& conn);

}  // namespace anidb::queue
