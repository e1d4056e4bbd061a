// The per-device I/O limit of a batch: at most N files read at once from
// one device (or from one configured path prefix). Cache hits never pass
// the gate: only files that are read do. Neither do files whose every page
// is in the page cache when their slot is busy (io::page_cache_share): the
// limit exists to keep a disk from seeking, and reading them touches no
// disk. A free slot is simply taken (no system call); a file that is not
// (all) cached waits for its slot as before.
//
// A worker holds a slot from the moment it starts reading a file until
// the file's hashes are known. A worker that must wait first gives back
// what it holds (BatchLanes::drain), so every slot holder makes progress
// and the gate cannot deadlock.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

namespace anidb::client {

class ReadGate {
  public:
    // Where a file's reads count: a prefix rule's index, or (-1) its device.
    struct Key {
        long rule = -1;
        dev_t device = 0;
        auto operator<=>(const Key&) const =
            default;  // NOLINT(modernize-use-nullptr): <=> false positive
    };

    // readers_per_device: 0 for the advice of io::advised_readers; rules:
    // (prefix, readers), the longest matching prefix wins.
    ReadGate(size_t readers_per_device, std::vector<std::pair<std::string, size_t>> rules);

    Key key_for(const std::string& path, dev_t device) const;
    // Takes a slot of `key` if one is free.
    bool try_enter(const Key& key, const std::string& path);
    // Waits for a slot; false when `stop` fired first.
    bool enter(const Key& key, const std::string& path, const std::stop_token& stop);
    void leave(const Key& key);

    // Files that went past a busy slot because they were in the page cache.
    size_t cached_passes() const noexcept { return cached_passes_.load(std::memory_order_relaxed); }
    void count_cached_pass() noexcept { cached_passes_.fetch_add(1, std::memory_order_relaxed); }

  private:
    size_t limit_locked(const Key& key, const std::string& path);

    size_t readers_per_device_;
    std::vector<std::pair<std::string, size_t>> rules_;
    std::mutex mutex_;
    std::condition_variable_any freed_;
    std::map<Key, size_t> busy_;
    std::map<Key, size_t> limits_;
    std::atomic<size_t> cached_passes_{0};
};

// A slot held for one file; leaves on destruction unless released.
class ReadSlot {
  public:
    ReadSlot() = default;
    ReadSlot(ReadGate* gate, ReadGate::Key key) : gate_(gate), key_(key) {}
    ReadSlot(ReadSlot&& o) noexcept : gate_(std::exchange(o.gate_, nullptr)), key_(o.key_) {}
    ReadSlot& operator=(ReadSlot&& o) noexcept {
        if (this != &o) {
            reset();
            gate_ = std::exchange(o.gate_, nullptr);
            key_ = o.key_;
        }
        return *this;
    }
    ReadSlot(const ReadSlot&) = delete;
    ReadSlot& operator=(const ReadSlot&) = delete;
    ~ReadSlot() { reset(); }
    void reset() {
        if (gate_ != nullptr) std::exchange(gate_, nullptr)->leave(key_);
    }

  private:
    ReadGate* gate_ = nullptr;
    ReadGate::Key key_;
};

// The read slots one worker holds. A slot is kept while the worker goes on
// reading from the same place, even between files (handing a slot back and
// forth between workers after every file costs a thread wake-up per file),
// and given back before the worker waits for anything, so a waiting
// worker never holds what another waits for.
class WorkerSlots {
  public:
    explicit WorkerSlots(ReadGate& gate) : gate_(gate) {}

    enum class Taken {
        slot,     // a slot is held for the file: call done(key) when it is read
        cached,   // no slot was free, but the file is all in the page cache:
                  // it is read without one (do not call done)
        stopped,  // `stop` fired while waiting
    };
    // A slot of `key` for one more file. When none is free and the file is
    // not all in the page cache, `before_wait` runs (it must end every file
    // this worker has in flight, see BatchLanes::drain), idle slots are
    // given back, and the worker waits.
    Taken take(const ReadGate::Key& key, const std::string& path, const std::stop_token& stop,
               const std::function<void()>& before_wait);
    // One file of `key` is read.
    void done(const ReadGate::Key& key);
    // Gives back the slots with no file in flight (before any wait).
    void release_idle();

  private:
    ReadGate& gate_;
    std::map<ReadGate::Key, std::pair<ReadSlot, size_t>> held_;  // slot, files in flight
};

}  // namespace anidb::client
