// QueueControl: the client's work queue calls (queue/work_queue.h): list,
// summary and clear; run sends the queued work through the MyList service,
// whose work it all is.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <cstddef>
#include <stop_token>

#include "client/client_context.h"
#include "client/mylist_service.h"

namespace anidb::client {

class QueueControl {
  public:
    QueueControl(ClientContext& context, MylistService& mylist)
        : context_(context), mylist_(mylist) {}

    // Client::queue_* (client.h).
    Result<queue::WorkQueue::Listing> list();
    Result<queue::WorkQueue::Summary> summary();
    Result<queue::RunReport> run(bool include_not_due, const std::stop_token& stop,
                                 MylistService::OnJob on_job);
    Result<size_t> clear(queue::WorkQueue::Which which);

  private:
    ClientContext& context_;
    MylistService& mylist_;
};

}  // namespace anidb::client
