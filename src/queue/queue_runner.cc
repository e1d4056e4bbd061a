#include "queue/queue_runner.h"

#include <ctime>

namespace anidb::queue {

Result<RunReport> run_queue(WorkQueue& queue, JobExecutor& executor, const RunOptions& options) {
    const auto now = [&] {
        return options.clock ? options.clock() : static_cast<int64_t>(std::time(nullptr));
    };
    RunReport report;
    for (size_t done = 0; done < options.max_jobs; ++done) {
        if (options.stop.stop_requested()) {
            report.stopped_by = make_error(Errc::cancelled, "the queue run was stopped");
            return report;
        }
        auto claim = queue.claim_next(now(), {options.include_not_due});
        if (!claim) return claim.error();
        if (!*claim) return report;  // nothing due
        const Job& job = (*claim)->job;
        JobResult result = executor.run(job, options.stop);
        const int64_t at = now();
        const Disposition d = dispose(job, result, at);
        const std::string detail =
            result.status.ok() ? std::string() : result.status.error().message;
        Status recorded;
        switch (d.action) {
            case Disposition::Action::complete:
                recorded = queue.complete(**claim);
                ++report.completed;
                break;
            case Disposition::Action::reschedule:
                recorded = queue.reschedule(**claim, d.reason, detail, d.next_try_at, at);
                ++report.rescheduled;
                break;
            case Disposition::Action::fail:
                recorded = queue.fail(**claim, detail, at);
                ++report.failed;
                break;
            case Disposition::Action::release:
                recorded = queue.release(**claim);
                ++report.released;
                break;
        }
        if (!recorded) return recorded.error();
        if (options.on_job) options.on_job(job, result, d);
        if (d.stop_run) {
            report.stopped_by = result.status.error();
            return report;
        }
    }
    return report;
}

}  // namespace anidb::queue
