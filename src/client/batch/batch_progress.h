// A batch's whole progress by bytes, throttled to at most ~20 calls a
// second, serialised with the client's callbacks.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "client/events.h"
#include "client/types.h"

namespace anidb::client {

class BatchProgress {
  public:
    BatchProgress(const ProgressFn& fn, EventHub& hub, uint64_t total)
        : fn_(fn), hub_(hub), total_(total) {}

    void add(uint64_t delta) {
        const uint64_t done = done_.fetch_add(delta) + delta;
        if (!fn_) return;
        const auto now = std::chrono::steady_clock::now();
        std::unique_lock lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock() || now - last_ < std::chrono::milliseconds(50)) return;
        last_ = now;
        hub_.call_serialized([&] { fn_(percent(done), done, total_); });
    }
    void finish() {
        if (!fn_) return;
        std::lock_guard lock(mutex_);
        hub_.call_serialized([&] { fn_(100.0F, std::max(done_.load(), total_), total_); });
    }

  private:
    float percent(uint64_t done) const {
        if (total_ == 0) return 0.0F;
        return static_cast<float>(
            std::min(100.0, static_cast<double>(done) * 100.0 / static_cast<double>(total_)));
    }
    const ProgressFn& fn_;
    EventHub& hub_;
    uint64_t total_;
    std::atomic<uint64_t> done_{0};
    std::mutex mutex_;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace anidb::client
