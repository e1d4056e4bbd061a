#include "client/queue_control.h"

namespace anidb::client {

Result<queue::WorkQueue::Listing> QueueControl::list() {
    auto q = context_.work_queue();
    if (!q) return q.error();
    return (*q)->list();
}

Result<queue::WorkQueue::Summary> QueueControl::summary() {
    auto q = context_.work_queue();
    if (!q) return q.error();
    return (*q)->summary(unix_now());
}

Result<queue::RunReport> QueueControl::run(bool include_not_due, const std::stop_token& stop,
                                           MylistService::OnJob on_job) {
    return mylist_.run_queue(include_not_due, stop, std::move(on_job));
}

Result<size_t> QueueControl::clear(queue::WorkQueue::Which which) {
    auto q = context_.work_queue();
    if (!q) return q.error();
    return (*q)->clear(which);
}

}  // namespace anidb::client
