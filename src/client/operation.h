// Background work started through a Client: one file (FileOperation) or a
// batch (BatchOperation). Each runs on its own thread with its own stop
// source; the client's shutdown stops it too. Destroying the object cancels
// and joins.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "client/client.h"

namespace anidb::client {

class FileOperation {
  public:
    // `on_done` runs on the operation's thread after the result is stored
    // (the C ABI calls the COMPLETION callbacks from it).
    static Result<std::unique_ptr<FileOperation>> start(std::shared_ptr<Client> client,
                                                        std::filesystem::path path,
                                                        ProcessOptions options,
                                                        std::function<void(Errc)> on_done);
    ~FileOperation();

    FileStatus status() const;
    // Errc::busy while running; the stored outcome otherwise.
    Result<FileResult> result() const;
    void cancel();
    void wait();
    Client& client() { return *client_; }

  private:
    FileOperation() = default;
    std::shared_ptr<Client> client_;
    std::stop_source stop_;
    mutable std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::optional<Result<FileResult>> outcome_;
    std::atomic<FileStatus> status_{FileStatus::pending};
    std::jthread thread_;
};

class BatchOperation {
  public:
    // `stop` (a copy shares its state) lets a caller stop the batch before
    // start returns, e.g. from a streaming batch's result callback.
    static Result<std::unique_ptr<BatchOperation>> start(std::shared_ptr<Client> client,
                                                         std::vector<std::string> paths,
                                                         BatchOptions options,
                                                         std::function<void(Errc)> on_done,
                                                         std::stop_source stop = {});
    ~BatchOperation();

    FileStatus status() const;
    size_t completed() const { return completed_.load(); }
    size_t total() const { return total_; }
    Result<BatchResult> result() const;
    void cancel();
    void wait();
    Client& client() { return *client_; }

  private:
    BatchOperation() = default;
    std::shared_ptr<Client> client_;
    std::stop_source stop_;
    mutable std::mutex mutex_;
    bool done_ = false;
    std::optional<Result<BatchResult>> outcome_;
    std::atomic<FileStatus> status_{FileStatus::pending};
    std::atomic<size_t> completed_{0};
    size_t total_ = 0;
    std::jthread thread_;
};

}  // namespace anidb::client
