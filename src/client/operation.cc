#include "client/operation.h"

#include "client/batch/batch_engine.h"
#include "client/file_pipeline.h"

namespace anidb::client {

Result<std::unique_ptr<FileOperation>> FileOperation::start(std::shared_ptr<Client> client,
                                                            std::filesystem::path path,
                                                            ProcessOptions options) {
    if (auto valid = hash::validate_algorithms(options.algorithms); !valid) return valid.error();
    std::unique_ptr<FileOperation> op;
    try {
        op.reset(new FileOperation());
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory starting the operation");
    }
    op->client_ = std::move(client);
    op->status_ = FileStatus::processing;
    op->client_->operation_started();
    try {
        FileOperation* self = op.get();
        op->thread_ = std::jthread([self, path = std::move(path), options = std::move(options)] {
            auto outcome = self->client_->files_->process_file_silently(path, options,
                                                                        self->stop_.get_token());
            FileStatus final_status = FileStatus::completed;
            if (!outcome.ok()) {
                final_status = outcome.error().code == Errc::cancelled ? FileStatus::cancelled
                                                                       : FileStatus::failed;
            } else if (outcome->status != FileStatus::completed) {
                final_status = outcome->status;
            }
            {
                std::lock_guard lock(self->mutex_);
                self->outcome_.emplace(outcome);
                self->status_ = final_status;
            }
            self->client_->files_->report_outcome(path, outcome);
            self->client_->operation_finished();
        });
        return op;
    } catch (const std::system_error& e) {
        op->client_->operation_finished();
        return make_error(Errc::unknown, std::string("cannot start a thread: ") + e.what());
    } catch (const std::bad_alloc&) {
        op->client_->operation_finished();
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
        op->client_->operation_started();
        auto run = [self, paths = std::move(paths), options = std::move(options),
                    on_done = std::move(on_done)] {
            auto outcome =
                self->client_->batches_->process_silently(paths, options, self->stop_.get_token());
            const bool cancelled = self->stop_.stop_requested();
            const Errc code = BatchEngine::outcome_code(outcome, cancelled);
            const Result<BatchResult>* stored = nullptr;
            {
                std::lock_guard lock(self->mutex_);
                stored = &self->outcome_.emplace(std::move(outcome));
                self->status_ = cancelled          ? FileStatus::cancelled
                                : code == Errc::ok ? FileStatus::completed
                                                   : FileStatus::failed;
            }
            // Reported once the outcome is readable (it is written once,
            // here); on_done hears the same code.
            self->client_->batches_->report_outcome(*stored, cancelled);
            if (on_done) on_done(code);
            self->client_->operation_finished();
        };
        try {
            op->thread_ = std::jthread(std::move(run));
        } catch (...) {
            op->client_->operation_finished();
            throw;
        }
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
