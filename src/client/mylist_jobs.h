// Carrying out one piece of MyList work for the client, directly or as a
// queued job: identify the file through the cache, then the action of
// mylist/mylist_actions.h (which records every answer). One function for
// Client::change_mylist and the queue's executor (queue_client.cc).
#pragma once

#include <stop_token>

#include "client/client.h"
#include "client/client_impl.h"
#include "mylist/mylist_actions.h"
#include "queue/job.h"

namespace anidb::client {

Result<mylist::FileIds> identify_for_mylist(Client& client, const queue::FileKey& file,
                                            const std::stop_token& stop);
Result<mylist::MylistChange> run_mylist_job(Client& client, Client::Impl& impl,
                                            const queue::FileKey& file, const queue::JobSpec& spec,
                                            const std::stop_token& stop);

}  // namespace anidb::client
