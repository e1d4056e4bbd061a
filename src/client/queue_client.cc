// Client's work queue calls: list, summary, clear, and run through an
// executor over this client's session and cache (mylist_jobs.h).
#include "client/client.h"
#include "client/client_impl.h"
#include "client/mylist_jobs.h"
#include "queue/host_wait.h"

namespace anidb::client {
namespace {

class ClientExecutor final : public queue::JobExecutor {
  public:
    ClientExecutor(Client& client, Client::Impl& impl) : client_(client), impl_(impl) {}
    queue::JobResult run(const queue::Job& job, const std::stop_token& stop) override {
        auto done = run_mylist_job(client_, impl_, job.file, job.spec, stop);
        return queue::job_result(done ? Status{} : Status{done.error()},
                                 client_.anidb_host_state_dir());
    }

  private:
    Client& client_;
    Client::Impl& impl_;
};

}  // namespace

Result<queue::WorkQueue::Listing> Client::queue_list() {
    auto q = work_queue(*impl_);
    if (!q) return q.error();
    return (*q)->list();
}

Result<queue::WorkQueue::Summary> Client::queue_summary() {
    auto q = work_queue(*impl_);
    if (!q) return q.error();
    return (*q)->summary(unix_now());
}

Result<queue::RunReport> Client::queue_run(
    bool include_not_due, const std::stop_token& stop,
    std::function<void(const queue::Job&, const queue::JobResult&, const queue::Disposition&)>
        on_job) {
    auto q = work_queue(*impl_);
    if (!q) return q.error();
    if (impl_->shutting_down) return make_error(Errc::cancelled, "the client is shutting down");
    JointStop joint(stop, impl_->shutdown_source.get_token());
    ClientExecutor executor(*this, *impl_);
    queue::RunOptions options;
    options.include_not_due = include_not_due;
    options.stop = joint.token();
    options.on_job = std::move(on_job);
    return queue::run_queue(**q, executor, options);
}

Result<size_t> Client::queue_clear(queue::WorkQueue::Which which) {
    auto q = work_queue(*impl_);
    if (!q) return q.error();
    return (*q)->clear(which);
}

}  // namespace anidb::client
