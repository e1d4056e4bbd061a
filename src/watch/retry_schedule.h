// When the watcher tries a file's failed step again, by the error it met.
// The schedules are the work queue's (queue/retry_policy.h), so a file waits
// the same whether the watcher or the queue holds it:
//
//   no_such_file (AniDB does not know the file yet)
//       6 h, 24 h, 3 days, 7 days, 14 days after the 1st..5th miss, then
//       failed (kUnknownFileBackoff): new releases reach AniDB within hours
//       to days, and each try costs one FILE request
//   banned, out_of_service          the cool-down's end (host-wide state),
//                                   else 30 min; the round stops
//   timeout, network                30 s, 2 min, 5 min, 10 min, 30 min, 1 h, 2 h
//                                   (kNoAnswerBackoff); the round stops
//   server_busy                     5 min .. 2 h (kBusyBackoff); the round stops
//   no_credentials, login_failed    30 min; the round stops
//   client_rejected                 a day; the round stops
//   busy, cache, io, out_of_memory  1 min (a local problem)
//   server_error                    10 min, 1 h, 6 h, then failed
//   cancelled                       not a failure: the step runs again at start
//   anything else                   failed (asking again cannot help)
//
// `scale` multiplies every wait (1 normally; tests use a tiny one so that a
// retry comes within a second). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/error.h"
#include "queue/job.h"

namespace anidb::watch {

struct RetryDecision {
    enum class Action { retry, fail, stop };  // stop: cancelled, nothing recorded
    Action action = Action::fail;
    int64_t next_try_at = 0;  // retry: Unix time
    bool stop_round = false;  // every other file would meet the same error now
};

// attempts: failed tries of this step before this one. cooldown_until: the
// end of a cool-down in force (Unix time), when known.
RetryDecision retry_after(Errc code, int attempts, int64_t now, double scale,
                          std::optional<int64_t> cooldown_until);

// The error behind a work-queue job's wait reason, for a step the queue
// took over (the watcher's MyList add): the watcher then waits as
// retry_after says for that error. A job due now but queued behind others
// of its file (none, interrupted) waits like a local problem.
Errc error_of(queue::WaitReason reason);

}  // namespace anidb::watch
