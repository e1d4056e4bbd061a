// Batches, synchronous and asynchronous.
#include <functional>
#include <memory>
#include <stop_token>

#include "capi/capi_internal.h"
#include "common/utf8.h"

using namespace anidb;
using namespace anidb::capi;

namespace {

struct BatchRequest {
    std::vector<std::string> paths;
    client::BatchOptions options;
    std::vector<anidb_hash_algorithm_t> requested;  // what the C results list
    anidb_completion_callback_t completion = nullptr;
    void* user_data = nullptr;
};

Result<BatchRequest> request_from_c(const char** file_paths, size_t file_count,
                                    const anidb_batch_options_t* options) {
    if (file_paths == nullptr) return make_error(Errc::invalid_parameter, "file_paths is NULL");
    if (file_count == 0) return make_error(Errc::invalid_parameter, "file_count is 0");
    if (options == nullptr) return make_error(Errc::invalid_parameter, "options is NULL");
    auto algorithms = hash_request_from_c(options->algorithms, options->algorithm_count);
    if (!algorithms) return algorithms.error();
    BatchRequest req;
    req.paths.reserve(file_count);
    for (size_t i = 0; i < file_count; ++i) {
        // The argument's name is built only for an error message.
        if (file_paths[i] == nullptr || !is_valid_utf8(file_paths[i])) {
            const std::string what = "file_paths[" + std::to_string(i) + "]";
            return check_string(file_paths[i], what.c_str()).error();
        }
        req.paths.emplace_back(file_paths[i]);
    }
    req.options.algorithms = std::move(algorithms->core);
    req.requested = std::move(algorithms->requested);
    req.options.max_concurrent = options->max_concurrent;
    req.options.continue_on_error = options->continue_on_error != 0;
    req.options.skip_existing = options->skip_existing != 0;
    if (options->progress_callback != nullptr) {
        auto cb = options->progress_callback;
        void* user = options->user_data;
        req.options.progress = [cb, user](float pct, uint64_t done, uint64_t total) {
            cb(pct, done, total, user);
        };
    }
    req.completion = options->completion_callback;
    req.user_data = options->user_data;
    return req;
}

// A streaming batch hands each result to the caller's callback, converted
// into a borrowed C structure, until the callback asks to stop (or a
// result does not fit under the memory limit); then `stop` runs once.
// on_file_done is serialised by the batch, so the flags need no lock.
struct StreamState {
    anidb_file_result_callback_t on_result = nullptr;
    void* user_data = nullptr;
    bool stopped = false;
    bool out_of_memory = false;
    std::function<void()> stop;
};

Result<BatchRequest> stream_request_from_c(const char** file_paths, size_t file_count,
                                           const anidb_batch_options_t* options,
                                           int order,  // raw_enum: any int a caller passed
                                           anidb_file_result_callback_t on_result,
                                           const std::shared_ptr<StreamState>& state) {
    if (on_result == nullptr) return make_error(Errc::invalid_parameter, "on_result is NULL");
    if (order != ANIDB_BATCH_INPUT_ORDER && order != ANIDB_BATCH_COMPLETION_ORDER) {
        return make_error(Errc::invalid_parameter, "order is not an anidb_batch_order_t");
    }
    auto req = request_from_c(file_paths, file_count, options);
    if (!req) return req.error();
    req->options.keep_results = false;
    req->options.order = order == ANIDB_BATCH_INPUT_ORDER ? client::BatchOrder::input
                                                          : client::BatchOrder::completion;
    state->on_result = on_result;
    req->options.on_file_done = [state, requested = req->requested](size_t index,
                                                                    client::FileResult& r) {
        if (state->stopped) return;
        anidb_file_result_t* c_result = to_c_file_result(r, requested);
        if (c_result == nullptr) {
            state->out_of_memory = state->stopped = true;
        } else {
            const auto code = r.status == client::FileStatus::completed
                                  ? ANIDB_SUCCESS
                                  : static_cast<anidb_result_t>(r.error);
            state->stopped = state->on_result(index, code, c_result, state->user_data) != 0;
            anidb_free_file_result(c_result);
        }
        if (state->stopped && state->stop) state->stop();
    };
    return req;
}

// Completion: the per-call callback, serialised with the client's other
// callbacks (the client's COMPLETION and ERROR events come from the engine,
// Client::process_batch and BatchOperation).
std::function<void(Errc)> completion_for(const std::shared_ptr<client::Client>& c,
                                         anidb_completion_callback_t cb, void* user) {
    std::weak_ptr<client::Client> weak = c;
    return [weak, cb, user](Errc code) {
        auto client = weak.lock();
        if (!client) return;
        if (cb != nullptr) {
            client->events().call_serialized([&] { cb(static_cast<anidb_result_t>(code), user); });
        }
    };
}

// The background forms: starts the batch operation and hands out its handle.
anidb_result_t start_batch(ClientEntry& c, BatchRequest req, std::stop_source stop,
                           anidb_batch_handle_t* batch) {
    auto done = completion_for(c.client, req.completion, req.user_data);
    auto started = client::BatchOperation::start(c.client, std::move(req.paths),
                                                 std::move(req.options), done, std::move(stop));
    if (!started) return fail(started.error());
    auto b = std::make_shared<BatchEntry>();
    b->op = std::move(started).value();
    b->requested = std::move(req.requested);
    b->client_id = c.id;
    b->owner = c.weak_from_this();
    *batch = Registry::instance().add_batch(std::move(b));
    return ANIDB_SUCCESS;
}

}  // namespace

extern "C" {

anidb_result_t anidb_process_batch(anidb_client_handle_t handle, const char** file_paths,
                                   size_t file_count, const anidb_batch_options_t* options,
                                   anidb_batch_result_t** result) {
    if (result != nullptr) *result = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        auto req = request_from_c(file_paths, file_count, options);
        if (!req) return fail(req.error());
        auto done = completion_for(c.client, req->completion, req->user_data);
        auto batch = c.client->process_batch(req->paths, req->options);
        if (!batch) {
            done(batch.error().code);
            return fail(batch.error());
        }
        anidb_batch_result_t* out = to_c_batch_result(*batch, req->requested);
        if (out == nullptr) {
            done(Errc::out_of_memory);
            return fail(Errc::out_of_memory, "the batch results do not fit under the memory limit");
        }
        *result = out;
        done(Errc::ok);
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_process_batch_stream(anidb_client_handle_t handle, const char** file_paths,
                                          size_t file_count, const anidb_batch_options_t* options,
                                          anidb_batch_order_t order,
                                          anidb_file_result_callback_t on_result, void* user_data,
                                          size_t* failed_files) {
    if (failed_files != nullptr) *failed_files = 0;
    return with_client(handle, [&](ClientEntry& c) {
        auto state = std::make_shared<StreamState>();
        state->user_data = user_data;
        auto req = stream_request_from_c(file_paths, file_count, options, raw_enum(order),
                                         on_result, state);
        if (!req) return fail(req.error());
        std::stop_source stop;
        state->stop = [&stop] { stop.request_stop(); };
        auto done = completion_for(c.client, req->completion, req->user_data);
        auto batch = c.client->process_batch(req->paths, req->options, stop.get_token());
        if (!batch) {
            done(batch.error().code);
            return fail(batch.error());
        }
        if (state->out_of_memory) {
            done(Errc::out_of_memory);
            return fail(Errc::out_of_memory, "a result does not fit under the memory limit");
        }
        if (state->stopped) {
            done(Errc::cancelled);
            return fail(Errc::cancelled, "on_result stopped the batch");
        }
        if (failed_files != nullptr) *failed_files = batch->failed;
        done(Errc::ok);
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_process_batch_stream_async(anidb_client_handle_t handle,
                                                const char** file_paths, size_t file_count,
                                                const anidb_batch_options_t* options,
                                                anidb_batch_order_t order,
                                                anidb_file_result_callback_t on_result,
                                                void* user_data, anidb_batch_handle_t* batch) {
    if (batch != nullptr) *batch = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (batch == nullptr) return fail(Errc::invalid_parameter, "batch is NULL");
        auto state = std::make_shared<StreamState>();
        state->user_data = user_data;
        auto req = stream_request_from_c(file_paths, file_count, options, raw_enum(order),
                                         on_result, state);
        if (!req) return fail(req.error());
        // The callback may ask to stop before the operation exists: the
        // stop source (copies share its state) is handed to the operation.
        std::stop_source stop;
        state->stop = [stop]() mutable { stop.request_stop(); };
        return start_batch(c, std::move(*req), std::move(stop), batch);
    });
}

anidb_result_t anidb_process_batch_async(anidb_client_handle_t handle, const char** file_paths,
                                         size_t file_count, const anidb_batch_options_t* options,
                                         anidb_batch_handle_t* batch) {
    if (batch != nullptr) *batch = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (batch == nullptr) return fail(Errc::invalid_parameter, "batch is NULL");
        auto req = request_from_c(file_paths, file_count, options);
        if (!req) return fail(req.error());
        return start_batch(c, std::move(*req), {}, batch);
    });
}

anidb_result_t anidb_batch_get_progress(anidb_batch_handle_t batch, size_t* completed,
                                        size_t* total) {
    return with_batch(batch, [&](BatchEntry& b) {
        if (completed == nullptr || total == nullptr) {
            return fail(Errc::invalid_parameter, "completed or total is NULL");
        }
        *completed = b.op->completed();
        *total = b.op->total();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_batch_cancel(anidb_batch_handle_t batch) {
    return with_batch(batch, [&](BatchEntry& b) {
        b.op->cancel();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_batch_get_result(anidb_batch_handle_t batch, anidb_batch_result_t** result) {
    if (result != nullptr) *result = nullptr;
    return with_batch(batch, [&](BatchEntry& b) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        auto outcome = b.op->result();
        if (!outcome) return fail(outcome.error());
        anidb_batch_result_t* out = to_c_batch_result(*outcome, b.requested);
        if (out == nullptr) {
            return fail(Errc::out_of_memory, "the batch results do not fit under the memory limit");
        }
        *result = out;
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_batch_destroy(anidb_batch_handle_t batch) {
    return with_batch(batch, [&](BatchEntry& b) {
        if (b.op->client().events().in_callback()) {
            return fail(Errc::busy, "anidb_batch_destroy called from a callback of its client");
        }
        auto taken = Registry::instance().take_batch(batch);
        if (!taken) return fail(Errc::invalid_handle, "invalid batch handle");
        taken->op->cancel();
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
