// What the runner does with a job after the executor ran it: the one table
// of docs/mylist-and-metadata.md ("When a job fails"), by the error code:
//
//   ok                              done: the job is deleted
//   cancelled                       released unchanged; the run stops
//   banned, out_of_service          waits (cool-down) until the executor's
//                                   retry_at, else 30 min; the run stops
//   timeout, network                waits (no answer): retry_at, else
//                                   kNoAnswerBackoff by attempts; the run stops
//   server_busy                     waits kBusyBackoff by attempts; the run stops
//   no_credentials, login_failed    waits for credentials (due again at the
//                                   next run); the run stops
//   client_rejected                 waits a day; the run stops
//   busy, cache, io, out_of_memory  waits 1 min (local error); the run stops
//   server_error                    waits kServerErrorBackoff; fails after
//                                   kMaxServerErrors attempts; the run goes on
//   no_such_file                    remove: done (the file is in nobody's
//                                   MyList); edit: failed (no entry to
//                                   edit); others: waits kUnknownFileBackoff
//                                   by attempts (AniDB learns new files
//                                   within days), failed after the last
//                                   step; the run goes on
//   anything else (protocol, access_denied, invalid_parameter, ...)
//                                   failed: sending it unchanged again cannot
//                                   help (505); the run goes on
//
// A run stops on the first error that every later job would meet too, and
// goes on past one that is about this job only. Pure functions, thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "queue/job.h"

namespace anidb::queue {

inline constexpr std::array<std::chrono::seconds, 7> kNoAnswerBackoff = {
    std::chrono::seconds(30),  std::chrono::seconds(120),  std::chrono::seconds(300),
    std::chrono::seconds(600), std::chrono::seconds(1800), std::chrono::seconds(3600),
    std::chrono::seconds(7200)};
inline constexpr std::array<std::chrono::seconds, 5> kBusyBackoff = {
    std::chrono::seconds(300), std::chrono::seconds(900), std::chrono::seconds(1800),
    std::chrono::seconds(3600), std::chrono::seconds(7200)};
inline constexpr std::array<std::chrono::seconds, 5> kUnknownFileBackoff = {
    std::chrono::hours(6), std::chrono::hours(24), std::chrono::hours(72), std::chrono::hours(168),
    std::chrono::hours(336)};
inline constexpr std::array<std::chrono::seconds, 3> kServerErrorBackoff = {
    std::chrono::seconds(600), std::chrono::seconds(3600), std::chrono::seconds(21600)};
inline constexpr int kMaxServerErrors = 3;
inline constexpr std::chrono::minutes kDefaultCooldownWait{30};
inline constexpr std::chrono::hours kClientRejectedWait{24};
inline constexpr std::chrono::minutes kLocalErrorWait{1};

// What the executor says of one job.
struct JobResult {
    Status status;  // ok, or the error (its message is shown with the job)
    // For a cool-down or no-answer back-off: when sending may resume (the
    // host-wide state knows it), Unix time.
    std::optional<int64_t> retry_at;
};

struct Disposition {
    enum class Action { complete, reschedule, fail, release };
    Action action = Action::complete;
    WaitReason reason = WaitReason::none;  // reschedule
    int64_t next_try_at = 0;               // reschedule
    bool stop_run = false;
};

// job.attempts: the attempts before this one. A retry_at in the past counts as now.
Disposition dispose(const Job& job, const JobResult& result, int64_t now);

}  // namespace anidb::queue
