#include "client/batch/result_sink.h"

#include <utility>

namespace anidb::client {

ResultSink::ResultSink(size_t count, BatchOrder order, bool keep, Deliver deliver)
    : order_(order), keep_(keep), deliver_(std::move(deliver)) {
    if (keep_) kept_.resize(count);
}

bool ResultSink::may_start(size_t index) {
    if (!bounded()) return true;
    std::lock_guard lock(mutex_);
    return index < next_ + kWindow;
}

bool ResultSink::wait_to_start(size_t index, const std::stop_token& stop) {
    if (!bounded()) return true;
    std::unique_lock lock(mutex_);
    return advanced_.wait(lock, stop, [&] { return index < next_ + kWindow; });
}

void ResultSink::put(size_t index, FileResult result) {
    std::unique_lock lock(mutex_);
    // Cancelled files count as not successful, like failed ones.
    if (result.status == FileStatus::completed) {
        ++successful_;
    } else {
        ++failed_;
    }
    if (order_ == BatchOrder::completion) {
        // One caller at a time, in the order results arrive.
        while (delivering_) advanced_.wait(lock);
        delivering_ = true;
        lock.unlock();
        if (deliver_) deliver_(index, result);
        if (keep_) kept_[index] = std::move(result);  // each slot written by one thread
        lock.lock();
        delivering_ = false;
        advanced_.notify_all();
        return;
    }
    waiting_.emplace(index, std::move(result));
    deliver_waiting(lock);
}

// Only one thread delivers at a time; the others leave their results in
// waiting_ for it.
void ResultSink::deliver_waiting(std::unique_lock<std::mutex>& lock) {
    if (delivering_) return;
    delivering_ = true;
    for (auto it = waiting_.find(next_); it != waiting_.end(); it = waiting_.find(next_)) {
        FileResult result = std::move(it->second);
        waiting_.erase(it);
        const size_t index = next_;
        lock.unlock();
        if (deliver_) deliver_(index, result);
        if (keep_) kept_[index] = std::move(result);
        lock.lock();
        ++next_;
        advanced_.notify_all();
    }
    delivering_ = false;
}

}  // namespace anidb::client
