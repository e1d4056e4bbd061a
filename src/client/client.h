// anidb::client::Client — the C++ face of the library: hashing through the
// cache, batches, identification and MyList through AniDB, callbacks and
// events. The C ABI (src/capi) and the CLI are thin layers over it.
//
// A facade: each job is done by a collaborator with its own header in this
// folder (the map is in docs/design.md, "The client"); client.cc only hands
// calls on and keeps the teardown order.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "anidb/host_state.h"
#include "anidb/metadata_commands.h"
#include "client/collection_types.h"
#include "client/config.h"
#include "client/events.h"
#include "client/types.h"
#include "common/result.h"

namespace anidb::hash {
struct FileHashes;
}

namespace anidb::client {

class ClientContext;
class AnidbSessionLink;
class FilePipeline;
class BatchEngine;
class Identifier;
class MylistService;
class QueueControl;
class MetadataLookup;
class TitleSearch;

// How long a LOGOUT may take once the client was told to stop (Ctrl-C,
// anidb_client_destroy): it is sent only when a rate-limit slot and the
// answer fit in this time, so stopping never waits for AniDB.
inline constexpr std::chrono::milliseconds kStopLogoutPatience{500};

class Client {
  public:
    // Never fails for a cache problem: the client then works without a cache
    // and cache_problem() says why.
    static Result<std::shared_ptr<Client>> create(ClientConfig config);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Hashes one file through the cache. Returns the FileResult for
    // completed files and for verify mismatches (status failed, error
    // processing); other failures as errors. Before returning it reports the
    // outcome to the client's callbacks, as the C ABI promises: ERROR (code,
    // message, path) when the file failed, then COMPLETION with the code
    // (Errc::ok on success).
    Result<FileResult> process_file(const std::filesystem::path& path,
                                    const ProcessOptions& options, std::stop_token stop = {});

    // Hashes files in parallel; never fails as a whole except for invalid
    // options (each file's failure is in its FileResult). Paths as native
    // strings: the batch never needs them parsed into components.
    Result<BatchResult> process_batch(const std::vector<std::string>& paths,
                                      const BatchOptions& options,
                                      const std::stop_token& stop = {});
    Result<BatchResult> process_batch(const std::vector<std::filesystem::path>& paths,
                                      const BatchOptions& options,
                                      const std::stop_token& stop = {}) {
        return process_batch(std::vector<std::string>(paths.begin(), paths.end()), options, stop);
    }

    // Identification through the cache, then AniDB. Every AniDB wait (the
    // host-wide lock, the rate limit, the reply, a back-off) ends at once
    // with Errc::cancelled when `stop` is triggered or shutdown() is called.
    Result<AnimeInfo> identify(uint64_t size, std::string_view ed2k,
                               const std::stop_token& stop = {});
    Result<AnimeInfo> identify_path(const std::filesystem::path& path, std::stop_token stop = {});
    // identify() for a file already hashed with the red ED2K variant: when
    // AniDB does not know it and its size is an exact multiple of the ED2K
    // chunk, it is asked again with the blue variant: `ed2k_blue` when the
    // hashing gave it (FileResult::ed2k_blue), else the file is read again.
    Result<AnimeInfo> identify_hashed(const std::filesystem::path& path, uint64_t size,
                                      std::string_view ed2k, const std::stop_token& stop = {},
                                      std::string_view ed2k_blue = {});
    // MYLISTADD over the local MyList state that every MyList call below
    // shares (nothing sent when it already holds the wishes), sent directly:
    // an error is returned, never queued. wishes.edit: change the file's
    // entry, never add one (no_such_file when it is not in MyList). Errors:
    // those of mylist_add_or_queue below, none of them queued.
    Result<MylistResult> mylist_add(uint64_t size, std::string_view ed2k,
                                    const MylistWishes& wishes, const std::stop_token& stop = {});

    // --- MyList both ways (docs/mylist-and-metadata.md). Every call names
    // the file by size and ED2K; it is identified first (through the
    // cache), and the local MyList state (mylist/mylist_store.h) answers
    // when it can: a call that changes nothing sends nothing. A change that
    // cannot be sent now (ban or 601 cool-down, no answer, no credentials,
    // AniDB does not know the file yet) is kept in the work queue and
    // reported as MylistChangeKind::queued; so is one for a file whose
    // earlier jobs still wait (it must not overtake them; the due ones are
    // run first). Errors: invalid_parameter (size, ED2K, values), cache (no
    // usable cache: the state and the queue live there), those of
    // identify() and the MyList commands that a queue cannot help
    // (protocol, access_denied, ...), cancelled.
    Result<MylistShowResult> mylist_show(uint64_t size, std::string_view ed2k, bool refresh,
                                         const std::stop_token& stop = {});
    // MYLISTADD with `values` (a file already in MyList as asked sends
    // nothing): the add that `anidb watch` makes, which the work queue keeps
    // when it cannot be sent. mylist_add above (`anidb mylist add`,
    // anidb_mylist_add) is the same add over the same local state, sent
    // directly and never queued (docs/mylist-and-metadata.md).
    Result<MylistChangeResult> mylist_add_or_queue(uint64_t size, std::string_view ed2k,
                                                   const udp::MylistValues& values,
                                                   const std::stop_token& stop = {});
    Result<MylistChangeResult> mylist_remove(uint64_t size, std::string_view ed2k,
                                             const std::stop_token& stop = {});
    // Errc::no_such_file when the file is not in MyList.
    Result<MylistChangeResult> mylist_edit(uint64_t size, std::string_view ed2k,
                                           const udp::MylistValues& values,
                                           const std::stop_token& stop = {});
    // "Mark watched" (or unwatched): the call a player makes when an
    // episode ends. `date`: the viewing date (Unix time); unset: now.
    Result<MylistChangeResult> mylist_watched(uint64_t size, std::string_view ed2k, bool watched,
                                              std::optional<int64_t> date,
                                              const std::stop_token& stop = {});

    // --- Anime, episode and group information through the cache, kept as
    // anidb/metadata_ttl.h says (7 or 30 days; "no such" 3 days). A name
    // or an anime+episode number is remembered with the id it led to, so
    // asking the same way again is answered from the cache too.
    // Errors: invalid_parameter (selector), no_such_file (AniDB has no such
    // record: 330 / 340 / 350, also from the cache), those of identify()'s
    // AniDB part, cancelled.
    Result<Metadata<udp::AnimeInfo>> anime_show(const udp::AnimeRef& anime,
                                                const std::stop_token& stop = {});
    Result<Metadata<udp::EpisodeInfo>> episode_show(const udp::EpisodeRef& episode,
                                                    const std::stop_token& stop = {});
    Result<Metadata<udp::GroupInfo>> group_show(const udp::GroupRef& group,
                                                const std::stop_token& stop = {});

    // --- Offline title search (titles/title_index.h) over the dump at the
    // configured titles_url ("titles.url"). titles_update keeps AniDB's 24 h
    // rule (refresh_policy.h). Errors: those of TitleIndex, cache.
    Result<titles::SearchResult> titles_search(std::string_view text, std::string_view lang = {},
                                               size_t limit = titles::kDefaultSearchLimit);
    Result<titles::RefreshResult> titles_update(bool force, const std::stop_token& stop = {});
    Result<titles::TitleIndexStatus> titles_status();

    // --- The persistent work queue (queue/work_queue.h). queue_run sends
    // the due jobs (all waiting ones with include_not_due) in order through
    // this client's session; it stops at the first error every later job
    // would meet too. Errors: cache.
    Result<queue::WorkQueue::Listing> queue_list();
    Result<queue::WorkQueue::Summary> queue_summary();
    Result<queue::RunReport> queue_run(
        bool include_not_due, const std::stop_token& stop = {},
        std::function<void(const queue::Job&, const queue::JobResult&, const queue::Disposition&)>
            on_job = {});
    Result<size_t> queue_clear(queue::WorkQueue::Which which);

    // Ends the AniDB session now, including one an earlier process kept for
    // reuse (the CLI's `session logout`). With `patience`, LOGOUT is sent
    // only if it can be sent and answered within it (Ctrl-C).
    Status logout(std::stop_token stop = {},
                  std::optional<std::chrono::milliseconds> patience = std::nullopt);
    // Ends this client's AniDB session the way destruction does: kept for
    // the next process when the cache stores it, else LOGOUT within
    // `patience` (see udp::Session::close).
    void end_session(std::chrono::milliseconds patience, std::stop_token stop = {});
    // The host-wide AniDB state directory and the cool-down in force there
    // (read without traffic), for status displays.
    std::filesystem::path anidb_host_state_dir() const;
    std::optional<udp::Cooldown> anidb_cooldown() const;
    // This client's session, the one kept for reuse, and a cool-down in
    // force. Sends nothing.
    SessionStatus session_status();

    // Cache maintenance. Errc::cache when the client has no usable cache.
    Status cache_clear();
    struct CacheStats {
        uint64_t entries = 0;
        uint64_t anidb_entries = 0;
        uint64_t bytes = 0;
    };
    Result<CacheStats> cache_stats();
    Status cache_vacuum();
    Result<bool> cache_has(const std::filesystem::path& path, hash::Algorithm algorithm);
    // Empty when the cache opened fine.
    std::string cache_problem() const;
    // Commits the hashes the cache still holds queued (stores are grouped:
    // see cache::CacheDb) and reports, once, what the run met beyond the
    // first report of each cache problem (CacheReports). Done at the end of
    // every batch and when the client goes; call it to end a run of single
    // process_file calls.
    void flush_cache() noexcept;

    // anidb_client_set_option: one named option, applied under a lock.
    Status set_option(std::string_view key, std::string_view value);
    // cache.enabled as it is now (anidb_client_set_option may turn it off
    // and on again for a client whose cache opened).
    bool cache_enabled() const;
    // A copy of the configuration as it is now.
    ClientConfig config_snapshot() const;
    // The configuration without the lock, for what set_option never changes.
    const ClientConfig& config() const;
    EventHub& events();

    // Cancels every operation started through this client and refuses new
    // ones (Errc::cancelled); used by destroy and Ctrl-C.
    void shutdown();
    // Stops the client in the one order its callers rely on (the destructor
    // and anidb_client_destroy both come here): shutdown(); wait until every
    // FileOperation and BatchOperation started through it has finished and
    // sent its COMPLETION; commit queued hashes and report the run's cache
    // problems while the callbacks still listen (flush_cache); then close
    // the callbacks and the event queue. Idempotent. Not from one of the
    // client's own callbacks (an operation's thread would wait for itself).
    void close();

  private:
    // The operations run the file pipeline and the batch engine on their own
    // threads and are counted for close().
    friend class FileOperation;
    friend class BatchOperation;
    explicit Client(ClientConfig config);
    void operation_started();
    void operation_finished();

    // What the collaborators share (client_context.h), declared first: it
    // outlives them all.
    std::unique_ptr<ClientContext> context_;
    // One collaborator per job, each in its own header; later ones hold
    // references to earlier ones.
    std::unique_ptr<AnidbSessionLink> session_;  // anidb_session_link.h
    std::unique_ptr<FilePipeline> files_;        // file_pipeline.h
    std::unique_ptr<BatchEngine> batches_;       // batch/batch_engine.h
    std::unique_ptr<Identifier> identifier_;     // identifier.h
    std::unique_ptr<MylistService> mylist_;      // mylist_service.h
    std::unique_ptr<QueueControl> queue_;        // queue_control.h
    std::unique_ptr<MetadataLookup> metadata_;   // metadata_lookup.h
    std::unique_ptr<TitleSearch> titles_;        // title_search.h

    std::mutex operations_mutex_;
    std::condition_variable operations_done_;
    size_t operations_running_ = 0;
};

}  // namespace anidb::client
