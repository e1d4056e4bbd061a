// Client (client.h): the facade. Builds the context and the collaborators,
// hands each call to the one that does it, and keeps the teardown order.
#include "client/client.h"

#include "client/anidb_session_link.h"
#include "client/batch/batch_engine.h"
#include "client/client_context.h"
#include "client/file_pipeline.h"
#include "client/identifier.h"
#include "client/memory_warnings.h"
#include "client/metadata_lookup.h"
#include "client/mylist_service.h"
#include "client/queue_control.h"
#include "client/title_search.h"

namespace anidb::client {

Client::Client(ClientConfig config)
    : context_(std::make_unique<ClientContext>(std::move(config))),
      session_(std::make_unique<AnidbSessionLink>(*context_)),
      files_(std::make_unique<FilePipeline>(*context_)),
      batches_(std::make_unique<BatchEngine>(*context_, *files_)),
      identifier_(std::make_unique<Identifier>(*context_, *session_, *files_)),
      mylist_(std::make_unique<MylistService>(*context_, *session_, *identifier_)),
      queue_(std::make_unique<QueueControl>(*context_, *mylist_)),
      metadata_(std::make_unique<MetadataLookup>(*context_, *session_)),
      titles_(std::make_unique<TitleSearch>(*context_)) {}

Result<std::shared_ptr<Client>> Client::create(ClientConfig config) {
    try {
        std::shared_ptr<Client> client(new Client(std::move(config)));
        hear_memory_warnings(client);
        return client;
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory creating the client");
    }
}

Client::~Client() {
    // Told to stop before (Ctrl-C, anidb_client_destroy): LOGOUT only if it
    // fits in kStopLogoutPatience; otherwise the usual bounded close.
    const bool stopping = context_->shutting_down();
    close();
    end_session(stopping ? kStopLogoutPatience : udp::kClosePatience);
    context_->wipe_secrets();
}

void Client::flush_cache() noexcept {
    context_->flush_cache();
}

void Client::shutdown() {
    context_->shutdown();
}

void Client::close() {
    shutdown();
    {
        std::unique_lock lock(operations_mutex_);
        operations_done_.wait(lock, [&] { return operations_running_ == 0; });
    }
    flush_cache();
    context_->events().close();
}

void Client::operation_started() {
    std::lock_guard lock(operations_mutex_);
    ++operations_running_;
}

void Client::operation_finished() {
    std::lock_guard lock(operations_mutex_);
    if (--operations_running_ == 0) operations_done_.notify_all();
}

// --- Configuration and events.

Status Client::set_option(std::string_view key, std::string_view value) {
    return context_->set_option(key, value);
}

bool Client::cache_enabled() const {
    return context_->cache_enabled();
}

ClientConfig Client::config_snapshot() const {
    return context_->config_snapshot();
}

const ClientConfig& Client::config() const {
    return context_->config();
}

EventHub& Client::events() {
    return context_->events();
}

// --- Files and batches.

Result<FileResult> Client::process_file(const std::filesystem::path& path,
                                        const ProcessOptions& options, std::stop_token stop) {
    return files_->process_file(path, options, std::move(stop));
}

Result<BatchResult> Client::process_batch(const std::vector<std::string>& paths,
                                          const BatchOptions& options,
                                          const std::stop_token& stop) {
    return batches_->process(paths, options, stop);
}

// --- Identification, MyList, metadata, titles, the work queue, the session.

Result<AnimeInfo> Client::identify(uint64_t size, std::string_view ed2k,
                                   const std::stop_token& stop) {
    return identifier_->identify(size, ed2k, stop);
}

Result<AnimeInfo> Client::identify_path(const std::filesystem::path& path, std::stop_token stop) {
    return identifier_->identify_path(path, stop);
}

Result<AnimeInfo> Client::identify_hashed(const std::filesystem::path& path, uint64_t size,
                                          std::string_view ed2k, const std::stop_token& stop,
                                          std::string_view ed2k_blue) {
    return identifier_->identify_hashed(path, size, ed2k, stop, ed2k_blue);
}

Result<MylistResult> Client::mylist_add(uint64_t size, std::string_view ed2k,
                                        const MylistWishes& wishes, const std::stop_token& stop) {
    return mylist_->add(size, ed2k, wishes, stop);
}

Result<MylistShowResult> Client::mylist_show(uint64_t size, std::string_view ed2k, bool refresh,
                                             const std::stop_token& stop) {
    return mylist_->show(size, ed2k, refresh, stop);
}

Result<MylistChangeResult> Client::mylist_add_or_queue(uint64_t size, std::string_view ed2k,
                                                       const udp::MylistValues& values,
                                                       const std::stop_token& stop) {
    return mylist_->change(size, ed2k, queue::AddJob{values}, stop);
}

Result<MylistChangeResult> Client::mylist_remove(uint64_t size, std::string_view ed2k,
                                                 const std::stop_token& stop) {
    return mylist_->change(size, ed2k, queue::RemoveJob{}, stop);
}

Result<MylistChangeResult> Client::mylist_edit(uint64_t size, std::string_view ed2k,
                                               const udp::MylistValues& values,
                                               const std::stop_token& stop) {
    return mylist_->change(size, ed2k, queue::EditJob{values}, stop);
}

Result<MylistChangeResult> Client::mylist_watched(uint64_t size, std::string_view ed2k,
                                                  bool watched, std::optional<int64_t> date,
                                                  const std::stop_token& stop) {
    return mylist_->change(size, ed2k, queue::WatchedJob{watched, date, unix_now()}, stop);
}

Result<Metadata<udp::AnimeInfo>> Client::anime_show(const udp::AnimeRef& anime,
                                                    const std::stop_token& stop) {
    return metadata_->anime(anime, stop);
}

Result<Metadata<udp::EpisodeInfo>> Client::episode_show(const udp::EpisodeRef& episode,
                                                        const std::stop_token& stop) {
    return metadata_->episode(episode, stop);
}

Result<Metadata<udp::GroupInfo>> Client::group_show(const udp::GroupRef& group,
                                                    const std::stop_token& stop) {
    return metadata_->group(group, stop);
}

Result<titles::SearchResult> Client::titles_search(std::string_view text, std::string_view lang,
                                                   size_t limit) {
    return titles_->search(text, lang, limit);
}

Result<titles::RefreshResult> Client::titles_update(bool force, const std::stop_token& stop) {
    return titles_->update(force, stop);
}

Result<titles::TitleIndexStatus> Client::titles_status() {
    return titles_->status();
}

Result<queue::WorkQueue::Listing> Client::queue_list() {
    return queue_->list();
}

Result<queue::WorkQueue::Summary> Client::queue_summary() {
    return queue_->summary();
}

Result<queue::RunReport> Client::queue_run(
    bool include_not_due, const std::stop_token& stop,
    std::function<void(const queue::Job&, const queue::JobResult&, const queue::Disposition&)>
        on_job) {
    return queue_->run(include_not_due, stop, std::move(on_job));
}

Result<size_t> Client::queue_clear(queue::WorkQueue::Which which) {
    return queue_->clear(which);
}

Status Client::logout(std::stop_token stop, std::optional<std::chrono::milliseconds> patience) {
    return session_->logout(std::move(stop), patience);
}

void Client::end_session(std::chrono::milliseconds patience, std::stop_token stop) {
    session_->end(patience, std::move(stop));
}

std::filesystem::path Client::anidb_host_state_dir() const {
    return AnidbSessionLink::host_state_dir();
}

std::optional<udp::Cooldown> Client::anidb_cooldown() const {
    return AnidbSessionLink::cooldown();
}

SessionStatus Client::session_status() {
    return session_->status();
}

// --- Cache maintenance.

std::string Client::cache_problem() const {
    return context_->cache_problem();
}

// Empties what the cache learnt (hashes, AniDB answers, the local MyList
// state, client state). Kept: the work queue (requests the user made and
// that are not sent yet) and the titles (a download AniDB allows once a
// day; a cleared copy could not be fetched again before tomorrow).
Status Client::cache_clear() {
    cache::CacheDb* db = context_->cache();
    if (db == nullptr) return context_->no_cache();
    if (auto cleared = db->clear(); !cleared) return cleared;
    auto store = context_->mylist_store();
    if (!store) return store.error();
    return (*store)->forget_all();
}

Result<Client::CacheStats> Client::cache_stats() {
    cache::CacheDb* db = context_->cache();
    if (db == nullptr) return context_->no_cache();
    auto s = db->stats();
    if (!s) return s.error();
    return CacheStats{s->hash_entries, s->anidb_entries, s->database_bytes};
}

Status Client::cache_vacuum() {
    cache::CacheDb* db = context_->cache();
    if (db == nullptr) return context_->no_cache();
    return db->vacuum();
}

Result<bool> Client::cache_has(const std::filesystem::path& path, hash::Algorithm algorithm) {
    cache::CacheDb* db = context_->cache();
    if (db == nullptr) return context_->no_cache();
    auto id = cache::identify_file(path);
    if (!id) return id.error();
    auto hit = db->find_hashes(*id);
    if (!hit) return hit.error();
    if (!hit->has_value()) return false;
    return (*hit)->digests.count(static_cast<int>(algorithm)) > 0;
}

}  // namespace anidb::client
