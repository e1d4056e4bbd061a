// Group commit for the hash cache: stores are queued and written by one
// writer thread in a single transaction per group, so that a first scan of a
// library costs one commit per group of files instead of one per file.
//
// A group is written when it holds `group_files` entries or when its oldest
// entry has waited `window`, whichever comes first; flush() writes at once.
// Groups are written in the order they were queued, one at a time. Entries
// are charged to the library's memory limit while queued; when the charge
// is refused, or the writer thread cannot be started, push() writes the
// queue and the new entry on the caller's thread instead (never loses one).
//
// Thread-safe. Lock order: write_mutex_ (held while a group is taken and
// written) before queue_mutex_ (the queue itself, held briefly); the write
// callback takes the database's own lock inside and runs outside
// queue_mutex_; the failure callback runs outside both, so it may call into
// the cache again (even flush()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cache/file_identity.h"
#include "common/result.h"
#include "memory/memory_budget.h"

namespace anidb::cache {

struct PendingStore {
    FileIdentity id;
    std::map<int, std::string> digests;
    memory::Charge charge;  // its share of the library's memory limit
    uint64_t by_path = 0;   // StoreQueue's keys of it (see holds())
    uint64_t by_file = 0;
};

class StoreQueue {
  public:
    struct Settings {
        size_t group_files = 4096;  // 1: every push writes at once
        std::chrono::milliseconds window{50};
    };
    // Writes a group in one transaction; all or nothing.
    using WriteGroup = std::function<Status(std::span<const PendingStore> group)>;
    // A group could not be written: why, and the paths it held.
    using GroupFailed = std::function<void(const Error& error, std::vector<std::string> paths)>;

    StoreQueue(Settings settings, WriteGroup write, GroupFailed failed);
    // Writes what is queued, then stops the writer.
    ~StoreQueue();
    StoreQueue(const StoreQueue&) = delete;
    StoreQueue& operator=(const StoreQueue&) = delete;

    // Queues a store (ok), or writes it at once with everything queued before
    // it (its outcome: see the class comment).
    Status push(FileIdentity id, std::map<int, std::string> digests) noexcept;
    // True when a store for `id.path`, or for the same file under another
    // path (size, mtime, inode, device: a move the lookup must see), is
    // queued or being written.
    bool holds(const FileIdentity& id) const noexcept;
    // Writes everything queued now on this thread (after a group the writer
    // may be writing). The error of a group that failed, if any.
    Status flush() noexcept;
    // Drops every queued store unwritten (the cache is being cleared).
    void discard() noexcept;

  private:
    struct Written {
        Status status;
        std::vector<std::string> lost;  // paths of a group that failed
    };
    // With write_mutex_ held: takes the queue (plus `extra`) and writes it.
    Written write_queued(std::vector<PendingStore> extra);
    // Without any lock: reports a failed group, returns its status.
    Status finish(Written written) noexcept;
    void run_writer() noexcept;
    bool start_writer();  // with queue_mutex_ held

    const Settings settings_;
    const size_t max_queued_;  // a full queue makes push() wait for the writer
    WriteGroup write_;
    GroupFailed failed_;

    std::mutex write_mutex_;
    mutable std::mutex queue_mutex_;
    std::condition_variable work_;   // writer: something to do
    std::condition_variable space_;  // push: the queue shrank
    std::vector<PendingStore> queue_;
    std::chrono::steady_clock::time_point oldest_{};  // of queue_'s first entry
    // What is queued or being written, by the file's path key and by a hash
    // of its identity (size, mtime, inode, device), with how many stores
    // each. Integer keys: no string is built or compared per lookup; two
    // files sharing a key only make holds() ask for a flush not needed.
    std::unordered_map<uint64_t, unsigned> paths_;
    std::unordered_map<uint64_t, unsigned> files_;
    static uint64_t file_key(const FileIdentity& id) noexcept;
    // Counts a store in or out of paths_ and files_ (queue_mutex_ held).
    void count_in(const PendingStore& store);
    void count_out(const PendingStore& store) noexcept;
    static void count_out(std::unordered_map<uint64_t, unsigned>& counts, uint64_t key) noexcept;
    bool stopping_ = false;
    std::thread writer_;
};

}  // namespace anidb::cache
