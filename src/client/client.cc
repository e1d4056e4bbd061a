#include "client/client.h"

#include <unistd.h>

#include <cstdio>

#include "anidb/session.h"
#include "client/client_impl.h"
#include "client/memory_warnings.h"

namespace anidb::client {

Client::Client(ClientConfig config) : config_(std::move(config)), impl_(std::make_unique<Impl>()) {}

Result<std::shared_ptr<Client>> Client::create(ClientConfig config) {
    try {
        std::shared_ptr<Client> client(new Client(std::move(config)));
        client->impl_->reports = std::make_unique<CacheReports>(*client);
        if (client->config_.cache_enabled) {
            cache::OpenOptions options;
            options.on_problem = [reports = client->impl_->reports.get()](const cache::Problem& p) {
                reports->on_problem(p);
            };
            auto db = cache::CacheDb::open(client->config_.database_path(), options);
            if (db.ok()) {
                client->impl_->cache = std::move(db).value();
            } else {
                client->impl_->cache_problem = db.error().message;
                if (client->config_.debug_logging) {
                    std::fprintf(stderr, "anidb: cache disabled: %s\n", db.error().message.c_str());
                }
            }
        } else {
            client->impl_->cache_problem = "the cache is disabled (cache.enabled = 0)";
        }
        hear_memory_warnings(client);
        return client;
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory creating the client");
    }
}

Client::~Client() {
    // Told to stop before (Ctrl-C, anidb_client_destroy): LOGOUT only if it
    // fits in kStopLogoutPatience; otherwise the usual bounded close.
    const bool stopping = impl_->shutting_down;
    close();
    end_session(stopping ? kStopLogoutPatience : udp::kClosePatience);
    std::lock_guard lock(config_mutex_);
    config_.wipe_secrets();
}

void Client::flush_cache() noexcept {
    // A failed group was reported by the cache itself.
    if (impl_->cache) static_cast<void>(impl_->cache->flush());
    impl_->reports->summarise();
}

void Client::shutdown() {
    impl_->shutting_down = true;
    impl_->shutdown_source.request_stop();
}

void Client::close() {
    shutdown();
    {
        std::unique_lock lock(operations_mutex_);
        operations_done_.wait(lock, [&] { return operations_running_ == 0; });
    }
    flush_cache();
    events_.close();
}

void Client::operation_started() {
    std::lock_guard lock(operations_mutex_);
    ++operations_running_;
}

void Client::operation_finished() {
    std::lock_guard lock(operations_mutex_);
    if (--operations_running_ == 0) operations_done_.notify_all();
}

Status Client::set_option(std::string_view key, std::string_view value) {
    std::lock_guard lock(config_mutex_);
    return config_.set_option(key, value);
}

bool Client::cache_enabled() const {
    std::lock_guard lock(config_mutex_);
    return config_.cache_enabled;
}

ClientConfig Client::config_snapshot() const {
    std::lock_guard lock(config_mutex_);
    return config_;
}

std::string Client::cache_problem() const {
    return impl_->cache_problem;
}

void report_cache_problem(Client& /*client*/, Client::Impl& impl, const Error& error) {
    impl.reports->on_failure(error);
}

// Empties what the cache learnt (hashes, AniDB answers, the local MyList
// state, client state). Kept: the work queue (requests the user made and
// that are not sent yet) and the titles (a download AniDB allows once a
// day; a cleared copy could not be fetched again before tomorrow).
Status Client::cache_clear() {
    if (!impl_->cache) return make_error(Errc::cache, "no cache: " + impl_->cache_problem);
    if (auto cleared = impl_->cache->clear(); !cleared) return cleared;
    auto store = mylist_store(*impl_);
    if (!store) return store.error();
    return (*store)->forget_all();
}

Result<Client::CacheStats> Client::cache_stats() {
    if (!impl_->cache) return make_error(Errc::cache, "no cache: " + impl_->cache_problem);
    auto s = impl_->cache->stats();
    if (!s) return s.error();
    return CacheStats{s->hash_entries, s->anidb_entries, s->database_bytes};
}

Status Client::cache_vacuum() {
    if (!impl_->cache) return make_error(Errc::cache, "no cache: " + impl_->cache_problem);
    return impl_->cache->vacuum();
}

Result<bool> Client::cache_has(const std::filesystem::path& path, hash::Algorithm algorithm) {
    if (!impl_->cache) return make_error(Errc::cache, "no cache: " + impl_->cache_problem);
    auto id = cache::identify_file(path);
    if (!id) return id.error();
    auto hit = impl_->cache->find_hashes(*id);
    if (!hit) return hit.error();
    if (!hit->has_value()) return false;
    return (*hit)->digests.count(static_cast<int>(algorithm)) > 0;
}

}  // namespace anidb::client
