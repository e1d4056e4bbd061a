// Draining the work queue: run_queue takes due jobs one at a time, in order
// (work_queue.h), hands each to a JobExecutor and records what came of it
// (retry_policy.h): done, waiting again with a back-off, or failed. It
// stops at the first error every later job would meet too (a cool-down, no
// answer, no credentials, a stop request) so that nothing is sent into a
// ban, and at max_jobs.
//
// Pacing is the executor's Session's: the runner sends nothing itself and
// runs one job at a time, and every packet of every process on the host
// passes the host-wide rate limiter (anidb/host_state.h). The runner adds
// no waiting of its own: a run ends when nothing is due, and the next run
// (a later process, `anidb queue run`) picks up what waits.
//
// The client implements JobExecutor over its Session and cache: identify
// the file (FILE, cached), then the MyList command (mylist_commands.h,
// planned by mylist/watched_plan.h for WatchedJob), recording every answer
// (mylist/mylist_store.h, the cache) before it returns. Thread-safe as the
// queue is; one executor call at a time per run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stop_token>

#include "queue/retry_policy.h"
#include "queue/work_queue.h"

namespace anidb::queue {

class JobExecutor {
  public:
    virtual ~JobExecutor() = default;
    // Sends what `job` asks for and records the answer before returning
    // ok. Returns the error otherwise (Errc::cancelled when `stop` ended
    // it before anything was sent).
    virtual JobResult run(const Job& job, const std::stop_token& stop) = 0;
};

struct RunOptions {
    size_t max_jobs = std::numeric_limits<size_t>::max();
    bool include_not_due = false;  // also jobs whose next try is later
    std::stop_token stop;
    // Unix time now; defaults to the system clock.
    std::function<int64_t()> clock;
    // Called after each job with what became of it (for progress output).
    std::function<void(const Job&, const JobResult&, const Disposition&)> on_job;
};

struct RunReport {
    size_t completed = 0, rescheduled = 0, failed = 0, released = 0;
    // The error that ended the run early, if one did.
    std::optional<Error> stopped_by;
};

// Errors: those of WorkQueue (a queue that cannot be read or written ends
// the run; the job in hand stays claimed by this process and is taken over
// by the next one). Executor errors are recorded with their job, not
// returned.
Result<RunReport> run_queue(WorkQueue& queue, JobExecutor& executor,
                            const RunOptions& options = {});

}  // namespace anidb::queue
