#include "cache/store_queue.h"

#include <algorithm>
#include <new>
#include <system_error>

#include "cache/row_checksum.h"

namespace anidb::cache {

namespace {

// What a queued store holds, roughly: twice its own size (the queue's
// spare capacity), its path, each digest with a map node's overhead, and
// its two counting nodes.
uint64_t footprint(const FileIdentity& id, const std::map<int, std::string>& digests) {
    constexpr uint64_t kNode = 64;
    uint64_t bytes = 2 * sizeof(PendingStore) + id.path.size() + 2 * kNode;
    for (const auto& entry : digests) bytes += entry.second.size() + kNode;
    return bytes;
}

}  // namespace

StoreQueue::StoreQueue(Settings settings, WriteGroup write, GroupFailed failed)
    : settings_(settings),
      max_queued_(std::max<size_t>(1, settings.group_files) * 2),
      write_(std::move(write)),
      failed_(std::move(failed)) {}

StoreQueue::~StoreQueue() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    if (writer_.joinable()) writer_.join();
    static_cast<void>(flush());  // whatever the writer left, or everything when it never ran
}

bool StoreQueue::start_writer() {
    if (writer_.joinable()) return true;
    try {
        writer_ = std::thread([this] { run_writer(); });
        return true;
    } catch (const std::system_error&) {
        return false;
    }
}

Status StoreQueue::push(FileIdentity id, std::map<int, std::string> digests) noexcept {
    try {
        if (settings_.group_files > 1) {
            memory::Charge charge = memory::Charge::take(footprint(id, digests));
            const auto by_path = static_cast<uint64_t>(path_key(id.path));  // outside the lock
            const uint64_t by_file = file_key(id);
            std::unique_lock lock(queue_mutex_);
            // On the writer thread (a problem listener storing again) the
            // store is written at once: waiting for room would wait for itself.
            const bool on_writer =
                writer_.joinable() && writer_.get_id() == std::this_thread::get_id();
            if (charge.ok() && !stopping_ && !on_writer && start_writer()) {
                space_.wait(lock, [&] { return queue_.size() < max_queued_ || stopping_; });
                if (queue_.size() == queue_.capacity()) {  // so push_back below cannot throw
                    queue_.reserve(
                        std::min(max_queued_, std::max<size_t>(64, 2 * queue_.capacity())));
                }
                PendingStore store{std::move(id), std::move(digests), std::move(charge), by_path,
                                   by_file};
                count_in(store);
                if (queue_.empty()) oldest_ = std::chrono::steady_clock::now();
                queue_.push_back(std::move(store));
                const bool wake = queue_.size() == 1 || queue_.size() >= settings_.group_files;
                lock.unlock();
                if (wake) work_.notify_one();
                return {};
            }
        }
        // Not queued: written now, after everything queued before it.
        std::vector<PendingStore> one;
        one.push_back(PendingStore{std::move(id), std::move(digests), memory::Charge{}, 0, 0});
        Written written;
        {
            std::lock_guard write_lock(write_mutex_);
            written = write_queued(std::move(one));
        }
        return finish(std::move(written));
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory queueing a cache store");
    }
}

bool StoreQueue::holds(const FileIdentity& id) const noexcept {
    const auto by_path = static_cast<uint64_t>(path_key(id.path));
    const uint64_t by_file = file_key(id);
    std::lock_guard lock(queue_mutex_);
    if (paths_.empty()) return false;
    return paths_.count(by_path) != 0 || files_.count(by_file) != 0;
}

uint64_t StoreQueue::file_key(const FileIdentity& id) noexcept {
    // A 64-bit mix (splitmix64 steps) of the four numbers.
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (const uint64_t v : {id.size, static_cast<uint64_t>(id.mtime_ns), id.inode, id.device}) {
        h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
        h ^= h >> 31;
    }
    return h;
}

void StoreQueue::count_in(const PendingStore& store) {
    ++paths_[store.by_path];
    try {
        ++files_[store.by_file];
    } catch (...) {
        count_out(paths_, store.by_path);
        throw;
    }
}

void StoreQueue::count_out(const PendingStore& store) noexcept {
    count_out(paths_, store.by_path);
    count_out(files_, store.by_file);
}

void StoreQueue::count_out(std::unordered_map<uint64_t, unsigned>& counts, uint64_t key) noexcept {
    auto it = counts.find(key);
    if (it != counts.end() && --it->second == 0) counts.erase(it);
}

Status StoreQueue::flush() noexcept {
    try {
        Written written;
        {
            std::lock_guard write_lock(write_mutex_);
            written = write_queued({});
        }
        return finish(std::move(written));
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory writing cached hashes");
    }
}

void StoreQueue::discard() noexcept {
    std::lock_guard write_lock(write_mutex_);  // a group being written ends first
    std::vector<PendingStore> dropped;
    {
        std::lock_guard lock(queue_mutex_);
        dropped.swap(queue_);
        paths_.clear();
        files_.clear();
    }
    space_.notify_all();
}

StoreQueue::Written StoreQueue::write_queued(std::vector<PendingStore> extra) {
    std::vector<PendingStore> group;
    {
        std::lock_guard lock(queue_mutex_);
        group.swap(queue_);
    }
    space_.notify_all();
    // `extra` came after everything queued: it is written last. (Moving
    // into `group` cannot throw for the one element push() passes when the
    // queue was empty; otherwise a bad_alloc leaves both for the caller.)
    // Only what came from the queue was counted in paths_ and files_.
    const size_t queued = group.size();
    for (auto& e : extra) group.push_back(std::move(e));
    if (group.empty()) return {};
    Written out{write_(group), {}};
    {
        std::lock_guard lock(queue_mutex_);
        for (size_t i = 0; i < queued; ++i) count_out(group[i]);
    }
    if (!out.status) {
        try {
            out.lost.reserve(group.size());
            for (PendingStore& p : group) out.lost.push_back(std::move(p.id.path));
        } catch (const std::bad_alloc&) {
            // The report names fewer files; it still goes out.
        }
    }
    return out;
}

Status StoreQueue::finish(Written written) noexcept {
    if (!written.status) {
        try {
            failed_(written.status.error(), std::move(written.lost));
        } catch (...) {
            // A listener must not throw; if it does, the report is lost.
        }
    }
    return written.status;
}

void StoreQueue::run_writer() noexcept {
    for (;;) {
        {
            std::unique_lock lock(queue_mutex_);
            for (;;) {
                if (stopping_) return;  // the destructor writes the rest
                if (queue_.size() >= settings_.group_files) break;
                if (queue_.empty()) {
                    work_.wait(lock);
                } else if (work_.wait_until(lock, oldest_ + settings_.window) ==
                           std::cv_status::timeout) {
                    break;
                }
            }
        }
        static_cast<void>(flush());  // a failed group is reported
    }
}

}  // namespace anidb::cache
