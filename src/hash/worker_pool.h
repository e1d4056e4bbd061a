// The one process-wide pool of hashing threads. Every file being hashed
// (one hash_file call, or several at once in a batch) submits its parallel
// work here, so concurrent jobs share the cores instead of oversubscribing
// them. Threads are created on first use (one per core) and reused until
// process exit.
//
// Thread-safety: submit() may be called from any thread, including from a
// task. Tasks must not throw (submit wraps them: an escaping exception
// terminates) and must not block waiting for other tasks.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace anidb::hash {

class WorkerPool {
  public:
    enum class Priority { high, normal };

    static WorkerPool& instance();

    // Number of worker threads (>= 1).
    unsigned size() const noexcept { return static_cast<unsigned>(threads_.size()); }

    // Runs `task` on a worker. High-priority tasks start before any queued
    // normal one (the file engine uses it for its serial, critical-path lane).
    void submit(std::function<void()> task, Priority priority = Priority::normal);

    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;
    ~WorkerPool();

  private:
    explicit WorkerPool(unsigned threads);
    void run() noexcept;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> high_;
    std::deque<std::function<void()>> normal_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace anidb::hash
