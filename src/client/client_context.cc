#include "client/client_context.h"

#include <chrono>
#include <cstdio>

namespace anidb::client {

ClientContext::ClientContext(ClientConfig config)
    : config_(std::move(config)), reports_(std::make_unique<CacheReports>(*this)) {
    if (!config_.cache_enabled) {
        cache_problem_ = "the cache is disabled (cache.enabled = 0)";
        return;
    }
    cache::OpenOptions options;
    options.on_problem = [reports = reports_.get()](const cache::Problem& p) {
        reports->on_problem(p);
    };
    auto db = cache::CacheDb::open(config_.database_path(), options);
    if (db.ok()) {
        cache_ = std::move(db).value();
    } else {
        cache_problem_ = db.error().message;
        if (config_.debug_logging) {
            std::fprintf(stderr, "anidb: cache disabled: %s\n", db.error().message.c_str());
        }
    }
}

ClientContext::~ClientContext() = default;

ClientConfig ClientContext::config_snapshot() const {
    std::lock_guard lock(config_mutex_);
    return config_;
}

Status ClientContext::set_option(std::string_view key, std::string_view value) {
    std::lock_guard lock(config_mutex_);
    return config_.set_option(key, value);
}

bool ClientContext::cache_enabled() const {
    std::lock_guard lock(config_mutex_);
    return config_.cache_enabled;
}

void ClientContext::wipe_secrets() noexcept {
    std::lock_guard lock(config_mutex_);
    config_.wipe_secrets();
}

Error ClientContext::no_cache(std::string_view lives_there) const {
    std::string message = "no cache";
    if (!lives_there.empty()) message += " (" + std::string(lives_there) + ")";
    return make_error(Errc::cache, message + ": " + cache_problem_);
}

void ClientContext::flush_cache() noexcept {
    // A failed group was reported by the cache itself.
    if (cache_) static_cast<void>(cache_->flush());
    reports_->summarise();
}

void ClientContext::shutdown() {
    shutting_down_ = true;
    shutdown_source_.request_stop();
}

Status ClientContext::refuse_if_stopping() const {
    if (shutting_down_) return make_error(Errc::cancelled, "the client is shutting down");
    return {};
}

template <typename Part, typename Open>
Result<Part*> ClientContext::open_part(std::unique_ptr<Part>& slot, std::string_view lives_there,
                                       Open open) {
    std::lock_guard lock(parts_mutex_);
    if (slot) return slot.get();
    if (!cache_) return no_cache(lives_there);
    auto opened = open(cache_);
    if (!opened) return opened.error();
    slot = std::move(opened).value();
    return slot.get();
}

Result<mylist::MylistStore*> ClientContext::mylist_store() {
    return open_part(mylist_, "MyList state and the work queue live there",
                     [](const auto& db) { return mylist::MylistStore::open(db); });
}

Result<queue::WorkQueue*> ClientContext::work_queue() {
    return open_part(queue_, "MyList state and the work queue live there",
                     [](const auto& db) { return queue::WorkQueue::open(db); });
}

Result<titles::TitleIndex*> ClientContext::title_index() {
    return open_part(titles_, "the title index lives there",
                     [](const auto& db) { return titles::TitleIndex::open(db); });
}

int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace anidb::client
