// Background work started through a Client: one file (FileOperation) or a
// batch (BatchOperation). Each runs on its own thread with its own stop
// source; the client's shutdown stops it too, and Client::close() waits for
// it. Destroying the object cancels and joins.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "client/client.h"

namespace anidb::client {

class FileOperation {
  public:
    // Once the outcome is stored (so a callback can read it), the client's
    // callbacks hear it as from Client::process_file: ERROR for a failed
    // file, then COMPLETION.
    static Result<std::unique_ptr<FileOperation>> start(std::shared_ptr<Client> client,
                                                        std::filesystem::path path,
                                                        ProcessOptions options);
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
    std::optional<Result<FileResult>> outcome_;
    std::atomic<FileStatus> status_{FileStatus::pending};
    std::jthread thread_;
};

class BatchOperation {
  public:
    static Result<std::unique_ptr<BatchOperation>> start(std::shared_ptr<Client> client,
                                                         std::vector<std::string> paths,
                                                         BatchOptions options,
                                                         std::function<void(Errc)> on_done);
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
    std::optional<Result<BatchResult>> outcome_;
    std::atomic<FileStatus> status_{FileStatus::pending};
    std::atomic<size_t> completed_{0};
    size_t total_ = 0;
    std::jthread thread_;
};

}  // namespace anidb::client
