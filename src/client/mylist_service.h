// MylistService: the client's MyList calls (show, add, remove, edit,
// watched) and the MyList work kept in the work queue. Each call identifies
// the file through the cache (Identifier), lets mylist/mylist_actions.h
// decide what to send over the local MyList state (which records every
// answer), and keeps in the work queue what cannot be sent now; run_queue
// sends the queued work. add() (`anidb mylist add`, anidb_mylist_add) is
// the same add or edit as change(), sent directly and never queued.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string_view>

#include "client/anidb_session_link.h"
#include "client/client_context.h"
#include "client/collection_types.h"
#include "client/identifier.h"
#include "client/types.h"
#include "mylist/mylist_actions.h"
#include "queue/job.h"
#include "queue/queue_runner.h"

namespace anidb::client {

class MylistService {
  public:
    MylistService(ClientContext& context, AnidbSessionLink& link, Identifier& identifier)
        : context_(context), link_(link), identifier_(identifier) {}

    // Client::mylist_* (client.h). add: run_job's AddJob (EditJob with
    // wishes.edit), whose error is returned as it is.
    Result<MylistResult> add(uint64_t size, std::string_view ed2k, const MylistWishes& wishes,
                             const std::stop_token& stop);
    Result<MylistShowResult> show(uint64_t size, std::string_view ed2k, bool refresh,
                                  const std::stop_token& stop);
    // mylist_add_or_queue / _remove / _edit / _watched: directly, or
    // through the queue.
    Result<MylistChangeResult> change(uint64_t size, std::string_view ed2k,
                                      const queue::JobSpec& spec, const std::stop_token& stop);

    // Client::queue_run: sends the queued MyList work in order.
    using OnJob =
        std::function<void(const queue::Job&, const queue::JobResult&, const queue::Disposition&)>;
    Result<queue::RunReport> run_queue(bool include_not_due, const std::stop_token& stop,
                                       OnJob on_job = {});

  private:
    class QueueExecutor;
    // One piece of MyList work, direct or queued: identify the file, then
    // the action of mylist_actions.h.
    Result<mylist::MylistChange> run_job(const queue::FileKey& file, const queue::JobSpec& spec,
                                         const std::stop_token& stop);
    Result<mylist::FileIds> identify(const queue::FileKey& file, const std::stop_token& stop);

    ClientContext& context_;
    AnidbSessionLink& link_;
    Identifier& identifier_;
};

}  // namespace anidb::client
