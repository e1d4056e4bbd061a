// anidb::queue::WorkQueue — the persistent queue of AniDB work: MyList adds,
// edits and removals, "mark watched" and identifications that could not be
// sent yet (a ban or out-of-service cool-down, no answer, no credentials,
// a file AniDB does not know yet). Jobs live in the cache database file
// (queue_schema.h), so any later process, or `anidb queue run`, sends them.
//
//   auto q = WorkQueue::open(cache_db);
//   q->enqueue(file, AddJob{values}, now, {WaitReason::cooldown, why, until});
//   run_queue(*q, executor, options);              // queue_runner.h
//   q->list();  q->clear(WorkQueue::Which::failed);
//
// Order: jobs of one file run in the order they were asked for; a new job
// merges into the file's last waiting job as coalescing.h says. Jobs of
// different files are independent: one file waiting for a back-off does
// not hold the others back.
// Claims: claim_next takes the oldest due job that is first in its file's
// line and marks it with this process's claim (claim_owner.h) in one write
// transaction, so two processes never take the same job; a job whose
// process died is taken over (and counted as an attempt, reason
// interrupted).
// Completion: a job is deleted by complete() only after the executor has
// recorded its result. A crash between the packet and complete() runs the
// job again: MyList adds and edits set absolute values, a removal of an
// entry that is gone is a success (mylist_commands.h), so a second run
// changes nothing.
// Every row carries a CRC-32 of what it asks (file, kind, parameters,
// creation time) and is checked with the form of each value when read: an
// unreadable row is never run; claim_next marks it failed (listed as
// unreadable, dropped by clear).
//
// Ownership: open() returns the sole owner; it shares the CacheDb it is
// given. Thread safety: every member may be called from several threads;
// calls are serialised on the CacheDb's lock; several processes may share
// the file. Times are Unix seconds passed in by the caller.
// Errors: no member throws; Errc::cache for SQLite failures and unreadable
// rows, Errc::busy after 30 s of a locked database, Errc::invalid_parameter
// for a job check_spec refuses or a bad file key.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "queue/job.h"

namespace anidb::cache {
class CacheDb;
}

namespace anidb::queue {

// Why a new job waits from the start (the error that kept it from being
// sent directly), and until when; {} for "due now".
struct Waiting {
    WaitReason reason = WaitReason::none;
    std::string detail;
    int64_t until = 0;  // not tried before this time
};

struct ClaimOptions {
    bool include_not_due = false;  // take waiting jobs too (`anidb queue run --now`)
};

class WorkQueue {
  public:
    static Result<std::unique_ptr<WorkQueue>> open(std::shared_ptr<cache::CacheDb> db) noexcept;
    ~WorkQueue();
    WorkQueue(const WorkQueue&) = delete;
    WorkQueue& operator=(const WorkQueue&) = delete;

    struct Enqueued {
        enum class How { appended, merged, duplicate };
        int64_t id = 0;  // the job that now carries the request
        How how = How::appended;
    };
    Result<Enqueued> enqueue(const FileKey& file, const JobSpec& spec, int64_t now,
                             const Waiting& waiting = {}) noexcept;

    // Jobs of the file not finished (waiting, due or running). A caller
    // about to send something for this file directly must enqueue it
    // behind them instead, or it would overtake them.
    Result<size_t> pending_for(const FileKey& file) noexcept;

    // A job taken by this process: run it, then complete, reschedule, fail
    // or release it.
    struct Claim {
        Job job;
        std::string owner;
    };
    Result<std::optional<Claim>> claim_next(int64_t now, const ClaimOptions& options = {}) noexcept;
    // Done: the job is deleted.
    Status complete(const Claim& claim) noexcept;
    // Not done: tried again at next_try_at (attempts + 1).
    Status reschedule(const Claim& claim, WaitReason reason, const std::string& detail,
                      int64_t next_try_at, int64_t now) noexcept;
    // Will not be tried again (attempts + 1); kept for the listing.
    Status fail(const Claim& claim, const std::string& detail, int64_t now) noexcept;
    // Not tried after all (stopped before sending): back in line, unchanged.
    Status release(const Claim& claim) noexcept;

    struct Listing {
        std::vector<Job> jobs;  // in the order they were asked for
        size_t unreadable = 0;  // damaged rows (never run)
    };
    Result<Listing> list() noexcept;

    struct Summary {
        size_t pending = 0;  // waiting or due, not running
        size_t due = 0;      // pending with next_try_at <= now
        size_t running = 0;
        size_t failed = 0;
        std::optional<int64_t> next_try_at;  // earliest of the pending jobs
    };
    Result<Summary> summary(int64_t now) noexcept;

    enum class Which { all, failed };
    // Drops jobs (every one, or the failed and unreadable ones); a job a
    // living process is running right now is left to finish. Returns how
    // many were dropped.
    Result<size_t> clear(Which which) noexcept;
    // Failed jobs are pending again, due at `now`, at their place in line.
    Result<size_t> retry_failed(int64_t now) noexcept;

  private:
    explicit WorkQueue(std::shared_ptr<cache::CacheDb> db);
    std::shared_ptr<cache::CacheDb> db_;
};

}  // namespace anidb::queue
