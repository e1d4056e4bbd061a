#include "queue/host_wait.h"

#include "anidb/cooldown.h"
#include "anidb/host_state.h"

namespace anidb::queue {

JobResult job_result(const Status& status, const std::filesystem::path& host_state_dir) {
    JobResult r{status, std::nullopt};
    const Errc code = status.code();
    if (code != Errc::banned && code != Errc::out_of_service && code != Errc::timeout) return r;
    auto record = udp::peek_host_record(udp::host_state_dir(host_state_dir));
    if (!record) return r;
    auto cooldown = udp::active_cooldown(*record);
    if (!cooldown) return r;
    const auto until = std::chrono::ceil<std::chrono::seconds>(cooldown->until.time_since_epoch());
    r.retry_at = until.count();
    return r;
}

}  // namespace anidb::queue
