#include "client/batch/read_gate.h"

#include "io/page_cache.h"
#include "io/reader_advice.h"

namespace anidb::client {
namespace {

// `prefix` names `path` or a folder above it ("/mnt/nas" holds
// "/mnt/nas/a.mkv", not "/mnt/nasty.mkv").
bool under(const std::string& path, const std::string& prefix) {
    if (path.compare(0, prefix.size(), prefix) != 0) return false;
    return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

}  // namespace

ReadGate::ReadGate(size_t readers_per_device, std::vector<std::pair<std::string, size_t>> rules)
    : readers_per_device_(readers_per_device), rules_(std::move(rules)) {}

ReadGate::Key ReadGate::key_for(const std::string& path, dev_t device) const {
    long best = -1;
    for (size_t r = 0; r < rules_.size(); ++r) {
        if (!under(path, rules_[r].first)) continue;
        if (best < 0 || rules_[r].first.size() > rules_[static_cast<size_t>(best)].first.size()) {
            best = static_cast<long>(r);
        }
    }
    if (best >= 0) return Key{best, 0};
    return Key{-1, device};
}

size_t ReadGate::limit_locked(const Key& key, const std::string& path) {
    if (key.rule >= 0) return rules_[static_cast<size_t>(key.rule)].second;
    if (readers_per_device_ != 0) return readers_per_device_;
    auto it = limits_.find(key);
    if (it == limits_.end()) {
        it = limits_.emplace(key, io::advised_readers(path, key.device)).first;
    }
    return it->second;
}

bool ReadGate::try_enter(const Key& key, const std::string& path) {
    std::lock_guard lock(mutex_);
    size_t& busy = busy_[key];
    if (busy >= limit_locked(key, path)) return false;
    ++busy;
    return true;
}

bool ReadGate::enter(const Key& key, const std::string& path, const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    const size_t limit = limit_locked(key, path);
    if (!freed_.wait(lock, stop, [&] { return busy_[key] < limit; })) return false;
    ++busy_[key];
    return true;
}

void ReadGate::leave(const Key& key) {
    {
        std::lock_guard lock(mutex_);
        --busy_[key];
    }
    freed_.notify_all();
}

WorkerSlots::Taken WorkerSlots::take(const ReadGate::Key& key, const std::string& path,
                                     const std::stop_token& stop,
                                     const std::function<void()>& before_wait) {
    if (auto h = held_.find(key); h != held_.end()) {
        ++h->second.second;
        return Taken::slot;
    }
    if (!gate_.try_enter(key, path)) {
        // Only here, where the file would wait, is the page cache asked
        // (mincore, a few system calls): a free slot costs none.
        if (io::page_cache_share(path) >= 1.0) {
            gate_.count_cached_pass();
            return Taken::cached;
        }
        if (before_wait) before_wait();
        release_idle();
        if (!gate_.enter(key, path, stop)) return Taken::stopped;
    }
    held_.emplace(key, std::make_pair(ReadSlot(&gate_, key), size_t{1}));
    return Taken::slot;
}

void WorkerSlots::done(const ReadGate::Key& key) {
    if (auto h = held_.find(key); h != held_.end() && h->second.second > 0) --h->second.second;
}

void WorkerSlots::release_idle() {
    std::erase_if(held_, [](const auto& entry) { return entry.second.second == 0; });
}

}  // namespace anidb::client
