// Reading and writing rows of work_queue (queue_schema.h) inside a
// transaction the caller holds. Internal to src/queue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cache/sqlite_connection.h"
#include "queue/job.h"

namespace anidb::queue::rows {

// The columns every SELECT of a whole row names, in this order.
inline constexpr const char* kColumns =
    "id, file_size, file_ed2k, kind, params, state, reason, detail, attempts, created_at,"
    " next_try_at, updated_at, owner, checksum";

// A row as stored, before it is checked.
struct Stored {
    int64_t id = 0;
    std::optional<std::string> owner;
};

// Reads the current row of `q` (selected with kColumns) into a Job, checked
// (checksum, form, parameters). `stored` gets the id and owner whatever the
// outcome. Errc::cache when the row is unreadable.
Result<Job> read_job(const cache::sql::Query& q, Stored& stored);

// CRC-32 of what a job asks: the file, the kind, the parameters, the time
// it was asked.
int64_t job_checksum(const FileKey& file, JobKind kind, const std::string& params,
                     int64_t created_at);

// Clears the claims of owners that have ended: the job is due again,
// attempts + 1, reason interrupted. Returns how many were released.
Result<size_t> release_dead_claims(cache::sql::Connection& conn, int64_t now);

}  // namespace anidb::queue::rows
