// anidb::watch::WatchState — what `anidb watch` knows of every file it met,
// in the cache database file (watch_schema.h), so that a watcher killed at
// any moment (SIGKILL included) and started again repeats nothing it did
// and forgets nothing it was asked to do.
//
//   auto state = WatchState::open(cache_db);
//   state->put(file);                  // insert or replace by path
//   state->find(path);  state->due(now);  state->counts(now);
//
// Rows are keyed by the file's path as the watcher names it (absolute).
// A row remembers the size and mtime the file had when it was seen: a file
// that changes afterwards is a new file (see same_file()).
//
// How the watcher moves a row (docs/watch.md):
//   seen     noticed, not yet complete (settle.h): settled again after a restart
//   pending  complete; its work (hash, identify, MyList add, rename) is under
//            way up to `step`
//   waiting  a step failed for a reason that passes (AniDB does not know
//            the file yet, a cool-down, no answer): tried again at next_try_at
//   done     every action done (also the row of a rename's target, so the
//            renamed file is not taken for a new one)
//   failed   given up (detail says why); taken again only when the file changes
// `step` says which actions are done, so a restart goes on after the last one
// recorded: the MyList add is recorded before the rename starts, and the
// rename's target is recorded before the file is moved.
//
// Ownership: open() returns the sole owner; it shares the CacheDb it is
// given. Thread safety: every member may be called from several threads;
// calls are serialised on the CacheDb's lock; several processes may share
// the file. Errors: no member throws; Errc::cache for SQLite failures,
// Errc::busy after 30 s of a locked database, Errc::invalid_parameter for a
// row that cannot be stored (empty path, negative time). A row whose values
// are out of form (damaged file) reads as absent and is counted in
// Counts::unreadable; the next put() for its path replaces it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace anidb::cache {
class CacheDb;
}

namespace anidb::watch {

// Stored numbers (never renumber).
enum class FileStatus : int { seen = 0, pending = 1, waiting = 2, done = 3, failed = 4 };
const char* status_name(FileStatus status);

// How far the work went (stored numbers; never renumber). Each step implies
// the ones before it.
enum class Step : int {
    none = 0,
    hashed = 1,      // ed2k holds the file's ED2K
    identified = 2,  // AniDB knows the file
    listed = 3,      // in MyList (or no MyList add was asked for)
    renaming = 4,    // target chosen and recorded; the move may or may not have happened
    finished = 5,
};

struct WatchedFile {
    std::string path;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    FileStatus status = FileStatus::seen;
    Step step = Step::none;
    std::string ed2k;         // "" until hashed; 32 lower-case hex digits after
    int attempts = 0;         // failed tries of the step in hand
    int64_t next_try_at = 0;  // Unix time (waiting)
    std::string detail;       // the last problem, escaped, or a note
    std::string target;       // the rename's target path once chosen
    int64_t updated_at = 0;   // Unix time
};

// Whether `row` was recorded for the file as it is now.
inline bool same_file(const WatchedFile& row, uint64_t size, int64_t mtime_ns) {
    return row.size == size && row.mtime_ns == mtime_ns;
}

class WatchState {
  public:
    static Result<std::unique_ptr<WatchState>> open(std::shared_ptr<cache::CacheDb> db) noexcept;
    ~WatchState();
    WatchState(const WatchState&) = delete;
    WatchState& operator=(const WatchState&) = delete;

    Result<std::optional<WatchedFile>> find(const std::string& path) noexcept;
    // Inserts or replaces the row of file.path.
    Status put(const WatchedFile& file) noexcept;
    Status erase(const std::string& path) noexcept;

    // Rows to work on now: pending ones, and waiting ones whose next try
    // has come; oldest update first.
    Result<std::vector<WatchedFile>> due(int64_t now) noexcept;
    // Rows with this status (for the start-up pass and --status).
    Result<std::vector<WatchedFile>> with_status(FileStatus status) noexcept;

    // When work is next due: 0 when a row is pending, else the earliest
    // next try of a waiting row; nothing when no row waits. One indexed query.
    Result<std::optional<int64_t>> next_due() noexcept;

    struct Counts {
        size_t seen = 0, pending = 0, waiting = 0, done = 0, failed = 0, unreadable = 0;
        std::optional<int64_t> next_try_at;  // earliest waiting row
    };
    Result<Counts> counts() noexcept;

  private:
    explicit WatchState(std::shared_ptr<cache::CacheDb> db);
    std::shared_ptr<cache::CacheDb> db_;
};

}  // namespace anidb::watch
