#include "client/operation.h"

namespace anidb::client {

Result<std::unique_ptr<FileOperation>> FileOperation::start(std::shared_ptr<Client> client,
                                                            std::filesystem::path path,
                                                            ProcessOptions options,
                                                            std::function<void(Errc)> on_done) {
    if (auto valid = hash::validate_algorithms(options.algorithms); !valid) return valid.error();
    try {
        std::unique_ptr<FileOperation> op(new FileOperation());
        op->client_ = std::move(client);
        op->status_ = FileStatus::processing;
        FileOperation* self = op.get();
        op->thread_ = std::jthread([self, path = std::move(path), options = std::move(options),
                                    on_done = std::move(on_done)] {
            auto outcome = self->client_->process_file(path, options, self->stop_.get_token());
            FileStatus final_status = FileStatus::completed;
            Errc code = Errc::ok;
            if (!outcome.ok()) {
                code = outcome.error().code;
                final_status = code == Errc::cancelled ? FileStatus::cancelled : FileStatus::failed;
                self->client_->events().error(code, outcome.error().message, path.string());
            } else if (outcome->status != FileStatus::completed) {
                code = outcome->error;
                final_status = outcome->status;
                self->client_->events().error(code, outcome->error_message, path.string());
            }
            {
                std::lock_guard lock(self->mutex_);
                self->outcome_.emplace(std::move(outcome));
                self->status_ = final_status;
            }
            if (on_done) on_done(code);
            {
                std::lock_guard lock(self->mutex_);
                self->done_ = true;
            }
            self->done_cv_.notify_all();
        });
        return op;
    } catch (const std::system_error& e) {
        return make_error(Errc::unknown, std::string("cannot start a thread: ") + e.what());
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory starting the operation");
    }
}

FileOperation::~FileOperation() {
    cancel();
    wait();
}

FileStatus FileOperation::status() const {
    return status_.load();
}

Result<FileResult> FileOperation::result() const {
    std::lock_guard lock(mutex_);
    if (!outcome_) return make_error(Errc::busy, "the operation is still running");
    if (status_ == FileStatus::cancelled) {
        return make_error(Errc::cancelled, "the operation was cancelled");
    }
    return *outcome_;
}

void FileOperation::cancel() {
    stop_.request_stop();
}

void FileOperation::wait() {
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

Result<std::unique_ptr<BatchOperation>> BatchOperation::start(std::shared_ptr<Client> client,
                                                              std::vector<std::string> paths,
                                                              BatchOptions options,
                                                              std::function<void(Errc)> on_done,
                                                              std::stop_source stop) {
    if (paths.empty()) return make_error(Errc::invalid_parameter, "the batch has no files");
    if (auto valid = hash::validate_algorithms(options.algorithms); !valid) return valid.error();
    try {
        std::unique_ptr<BatchOperation> op(new BatchOperation());
        op->client_ = std::move(client);
        op->total_ = paths.size();
        op->stop_ = std::move(stop);
        op->status_ = FileStatus::processing;
        BatchOperation* self = op.get();
        auto user_file_done = std::move(options.on_file_done);
        options.on_file_done = [self, user_file_done](size_t i, FileResult& r) {
            self->completed_.fetch_add(1);
            if (user_file_done) user_file_done(i, r);
        };
        op->thread_ = std::jthread([self, paths = std::move(paths), options = std::move(options),
                                    on_done = std::move(on_done)] {
            auto outcome = self->client_->process_batch(paths, options, self->stop_.get_token());
            const bool cancelled = self->stop_.stop_requested();
            const Errc code = !outcome.ok() ? outcome.error().code
                              : cancelled   ? Errc::cancelled
                                            : Errc::ok;
            {
                std::lock_guard lock(self->mutex_);
                self->outcome_.emplace(std::move(outcome));
                self->status_ = cancelled          ? FileStatus::cancelled
                                : code == Errc::ok ? FileStatus::completed
                                                   : FileStatus::failed;
            }
            if (on_done) on_done(code);
            std::lock_guard lock(self->mutex_);
            self->done_ = true;
        });
        return op;
    } catch (const std::system_error& e) {
        return make_error(Errc::unknown, std::string("cannot start a thread: ") + e.what());
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory starting the batch");
    }
}

BatchOperation::~BatchOperation() {
    cancel();
    wait();
}

FileStatus BatchOperation::status() const {
    return status_.load();
}

Result<BatchResult> BatchOperation::result() const {
    std::lock_guard lock(mutex_);
    if (!outcome_) return make_error(Errc::busy, "the batch is still running");
    return *outcome_;
}

void BatchOperation::cancel() {
    stop_.request_stop();
}

void BatchOperation::wait() {
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

}  // namespace anidb::client
