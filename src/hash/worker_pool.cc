#include "hash/worker_pool.h"

#include <algorithm>

namespace anidb::hash {

WorkerPool& WorkerPool::instance() {
    static WorkerPool pool(std::max(1u, std::thread::hardware_concurrency()));
    return pool;
}

WorkerPool::WorkerPool(unsigned threads) {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void WorkerPool::submit(std::function<void()> task, Priority priority) {
    {
        std::lock_guard lock(mutex_);
        (priority == Priority::high ? high_ : normal_).push_back(std::move(task));
    }
    wake_.notify_one();
}

void WorkerPool::run() noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !high_.empty() || !normal_.empty(); });
        // Drain queued work before stopping: a job waits for its tasks.
        if (high_.empty() && normal_.empty()) return;
        auto& queue = high_.empty() ? normal_ : high_;
        std::function<void()> task = std::move(queue.front());
        queue.pop_front();
        lock.unlock();
        task();
        lock.lock();
    }
}

}  // namespace anidb::hash
