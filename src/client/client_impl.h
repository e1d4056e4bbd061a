// Private state of a Client, shared by the files that implement it
// (client.cc, process_file.cc, batch/process_batch.cc, identify.cc).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "anidb/session.h"
#include "anidb/session_store.h"
#include "cache/cache_db.h"
#include "client/cache_reports.h"
#include "client/client.h"
#include "mylist/mylist_store.h"
#include "queue/work_queue.h"
#include "titles/title_index.h"

namespace anidb::client {

class Operation;

struct Client::Impl {
    // Declared before the cache: its writer may report until the cache is gone.
    std::unique_ptr<CacheReports> reports;
    std::shared_ptr<cache::CacheDb> cache;  // null: running without a cache
    std::string cache_problem;              // why, when cache is null

    // Parts kept in the cache database file, opened on first use
    // (mylist_client.cc); declared after the cache they share.
    std::mutex parts_mutex;
    std::unique_ptr<mylist::MylistStore> mylist;
    std::unique_ptr<queue::WorkQueue> queue;
    std::unique_ptr<titles::TitleIndex> titles;

    // Every operation this client started; shutdown() stops them all.
    std::stop_source shutdown_source;
    std::atomic<bool> shutting_down{false};

    // The AniDB session, opened on first use (anidb_link.cc).
    std::mutex anidb_mutex;
    std::unique_ptr<udp::SessionStore> session_store;
    std::unique_ptr<udp::Session> session;
};

// A stop token that fires when either of two does (a call's own token and
// the client's shutdown).
class JointStop {
  public:
    JointStop(const std::stop_token& a, const std::stop_token& b)
        : from_a_(a, Forward{&source_}), from_b_(b, Forward{&source_}) {}
    std::stop_token token() const { return source_.get_token(); }

  private:
    struct Forward {
        std::stop_source* source;
        void operator()() const noexcept { source->request_stop(); }
    };
    std::stop_source source_;
    std::stop_callback<Forward> from_a_, from_b_;
};

// What the cache knows about a file before it is hashed.
struct Client::CacheLookup {
    bool usable = false;                          // store results in the cache
    std::optional<cache::FileIdentity> identity;  // set when usable
    std::map<int, std::string> cached;            // digests to answer from
    bool corrupt = false;                         // the entry for the path was damaged
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// A file whose opening events are sent and whose hashing is under way
// (Client::begin_file); Client::finish_file completes it.
struct Client::PendingFile {
    CacheLookup lookup;
    FileResult result;                     // path, size so far, status processing
    std::vector<Event> opening;            // held back until FILE_COMPLETE when nothing is hashed
    std::vector<hash::Algorithm> to_hash;  // empty: answered from the cache
};

// Opens the AniDB session on first use, with the configuration as it is now
// (identify.cc). Errc::no_credentials without a user name and password.
Result<udp::Session*> session_for(Client& client, Client::Impl& impl);

// The parts above, opened on first use. Errc::cache without a usable cache.
Result<mylist::MylistStore*> mylist_store(Client::Impl& impl);
Result<queue::WorkQueue*> work_queue(Client::Impl& impl);
Result<titles::TitleIndex*> title_index(Client::Impl& impl);

int64_t unix_now();

// Reports a cache failure (once per client, see CacheReports); the caller
// carries on without the cache for that call.
void report_cache_problem(Client& client, Client::Impl& impl, const Error& error);

}  // namespace anidb::client
