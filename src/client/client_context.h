// ClientContext: what every part of one Client shares — its configuration,
// its EventHub, its cache (or why there is none) with the CacheReports, its
// shutdown, and the parts kept in the cache database file that are opened on
// first use (MyList state, work queue, title index). The collaborators
// (identifier.h, file_pipeline.h, mylist_service.h, ...) each hold a
// reference to it; the Client owns it and outlives them all.
//
// Each rule the collaborators share has one helper here: refuse_if_stopping
// (the shutting-down check), no_cache (the "no cache" error),
// report_cache_problem.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>

#include "cache/cache_db.h"
#include "client/cache_reports.h"
#include "client/config.h"
#include "client/events.h"
#include "common/result.h"
#include "mylist/mylist_store.h"
#include "queue/work_queue.h"
#include "titles/title_index.h"

namespace anidb::client {

class ClientContext {
  public:
    // Opens the cache when the configuration enables it. Never fails for a
    // cache problem: cache() is then null and cache_problem() says why.
    explicit ClientContext(ClientConfig config);
    ~ClientContext();
    ClientContext(const ClientContext&) = delete;
    ClientContext& operator=(const ClientContext&) = delete;

    // --- Configuration. config() reads it without the lock (for what
    // anidb_client_set_option never changes); the rest take the lock.
    const ClientConfig& config() const { return config_; }
    ClientConfig config_snapshot() const;
    Status set_option(std::string_view key, std::string_view value);
    bool cache_enabled() const;
    void wipe_secrets() noexcept;

    EventHub& events() { return events_; }

    // --- The cache. Null: the client runs without one.
    cache::CacheDb* cache() const { return cache_.get(); }
    const std::string& cache_problem() const { return cache_problem_; }
    // Errc::cache "no cache: <why>"; `lives_there` says what a caller
    // wanted from the cache file ("the title index lives there").
    Error no_cache(std::string_view lives_there = {}) const;
    CacheReports& reports() { return *reports_; }
    // A cache failure the caller carries on without (once per client, see
    // CacheReports).
    void report_cache_problem(const Error& error) { reports_->on_failure(error); }
    // Commits the queued hashes and sums up the run's cache problems
    // (Client::flush_cache).
    void flush_cache() noexcept;

    // --- Shutdown: stops every operation of the client and refuses new ones.
    void shutdown();
    bool shutting_down() const { return shutting_down_; }
    std::stop_token shutdown_token() const { return shutdown_source_.get_token(); }
    // Errc::cancelled "the client is shutting down" once shutdown() ran.
    Status refuse_if_stopping() const;

    // --- Parts in the cache database file, opened on first use.
    // Errc::cache without a usable cache.
    Result<mylist::MylistStore*> mylist_store();
    Result<queue::WorkQueue*> work_queue();
    Result<titles::TitleIndex*> title_index();

  private:
    template <typename Part, typename Open>
    Result<Part*> open_part(std::unique_ptr<Part>& slot, std::string_view lives_there, Open open);

    mutable std::mutex config_mutex_;
    ClientConfig config_;
    EventHub events_;

    // Declared before the cache: its writer may report until the cache is gone.
    std::unique_ptr<CacheReports> reports_;
    std::shared_ptr<cache::CacheDb> cache_;  // null: running without a cache
    std::string cache_problem_;              // why, when cache_ is null

    // Declared after the cache they share.
    std::mutex parts_mutex_;
    std::unique_ptr<mylist::MylistStore> mylist_;
    std::unique_ptr<queue::WorkQueue> queue_;
    std::unique_ptr<titles::TitleIndex> titles_;

    std::stop_source shutdown_source_;
    std::atomic<bool> shutting_down_{false};
};

// Now as Unix time in seconds.
int64_t unix_now();

}  // namespace anidb::client
