// The JobResult an executor returns for what a Session call gave: when the
// error is a cool-down (555 / 601) or the no-answer back-off, retry_at is
// when the host-wide state (anidb/host_state.h) lets packets leave again,
// so the job waits exactly as long as every process on the host must.
// Reads the state without the lock and without creating anything.
#pragma once

#include <filesystem>

#include "queue/retry_policy.h"

namespace anidb::queue {

JobResult job_result(const Status& status, const std::filesystem::path& host_state_dir);

}  // namespace anidb::queue
