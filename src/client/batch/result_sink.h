// Where a batch's per-file results go: handed to the caller (in input
// order or as they complete) and kept for the BatchResult, or, when the
// caller streams, handed over and dropped, so memory stays bounded
// whatever the file count. In input order a result that completes early
// waits for the ones before it; workers do not start a file more than
// `window` places ahead of the first undelivered one, which bounds that
// wait list. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <vector>

#include "client/types.h"

namespace anidb::client {

class ResultSink {
  public:
    // Called for each result, one call at a time (never concurrently).
    using Deliver = std::function<void(size_t index, FileResult& result)>;

    // Files a streaming input-order batch may run ahead of the first
    // result not yet delivered.
    static constexpr size_t kWindow = 4096;

    ResultSink(size_t count, BatchOrder order, bool keep, Deliver deliver);

    // Whether file `index` may start now.
    bool may_start(size_t index);
    // Waits until file `index` may start; false when `stop` fired first.
    bool wait_to_start(size_t index, const std::stop_token& stop);
    void put(size_t index, FileResult result);

    size_t successful() const { return successful_; }
    size_t failed() const { return failed_; }
    // The kept results in input order (empty when streaming).
    std::vector<FileResult> take_results() { return std::move(kept_); }

  private:
    void deliver_waiting(std::unique_lock<std::mutex>& lock);
    bool bounded() const { return order_ == BatchOrder::input && !keep_; }

    const BatchOrder order_;
    const bool keep_;
    Deliver deliver_;
    std::mutex mutex_;
    std::condition_variable_any advanced_;
    std::vector<FileResult> kept_;
    std::map<size_t, FileResult> waiting_;  // input order: completed, not yet delivered
    size_t next_ = 0;                       // input order: first index not delivered
    bool delivering_ = false;
    size_t successful_ = 0;
    size_t failed_ = 0;
};

}  // namespace anidb::client
