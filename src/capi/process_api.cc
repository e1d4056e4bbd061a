// Hashing: anidb_process_file, the single-algorithm helpers, async operations.
#include <cstring>

#include "capi/capi_internal.h"
#include "hash/hash_file.h"
#include "hash/stream_hasher.h"

using namespace anidb;
using namespace anidb::capi;

namespace {

// The core's options, and the algorithms the caller's results list.
struct ProcessRequest {
    client::ProcessOptions options;
    std::vector<anidb_hash_algorithm_t> requested;
};

Result<ProcessRequest> options_from_c(const anidb_process_options_t* options) {
    if (options == nullptr) return make_error(Errc::invalid_parameter, "options is NULL");
    auto algorithms = hash_request_from_c(options->algorithms, options->algorithm_count);
    if (!algorithms) return algorithms.error();
    ProcessRequest req;
    req.requested = std::move(algorithms->requested);
    client::ProcessOptions& po = req.options;
    po.algorithms = std::move(algorithms->core);
    po.report_to_client_callbacks = options->enable_progress != 0;
    po.verify_existing = options->verify_existing != 0;
    if (options->progress_callback != nullptr) {
        auto cb = options->progress_callback;
        void* user = options->user_data;
        po.progress = [cb, user](float pct, uint64_t done, uint64_t total) {
            cb(pct, done, total, user);
        };
    }
    return req;
}

// The caller's buffer holds "" from the first check on, so that every error
// path (checks, hashing, exceptions) leaves it NUL-terminated as the header
// promises; only success writes the digest.
void terminate_buffer(char* buffer, size_t size) noexcept {
    if (buffer != nullptr && size > 0) buffer[0] = '\0';
}

// Writes `value` into the caller's buffer, or fails without writing past it.
anidb_result_t write_hash(const std::string& value, char* buffer, size_t size) {
    if (size < value.size() + 1) {
        return fail(Errc::invalid_parameter, "hash buffer too small");
    }
    std::memcpy(buffer, value.c_str(), value.size() + 1);
    return ANIDB_SUCCESS;
}

// Checked before any work so a too-small buffer fails fast.
anidb_result_t check_capacity(CAlgorithm a, size_t size) {
    const size_t needed = hash::digest_text_length(a.core) + 1;
    if (size >= needed) return ANIDB_SUCCESS;
    return fail(Errc::invalid_parameter, "hash buffer too small: " + std::to_string(needed) +
                                             " bytes needed, " + std::to_string(size) + " given");
}

anidb_result_t check_hash_args(anidb_hash_algorithm_t algorithm, const char* buffer,
                               CAlgorithm& out) {
    if (buffer == nullptr) return fail(Errc::invalid_parameter, "hash_buffer is NULL");
    auto a = algorithm_from_c(raw_enum(algorithm));
    if (!a) return fail(Errc::invalid_parameter, "unknown hash algorithm");
    out = *a;
    return ANIDB_SUCCESS;
}

}  // namespace

extern "C" {

anidb_result_t anidb_process_file(anidb_client_handle_t handle, const char* file_path,
                                  const anidb_process_options_t* options,
                                  anidb_file_result_t** result) {
    if (result != nullptr) *result = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        if (auto ok = check_string(file_path, "file_path"); !ok) return fail(ok.error());
        auto req = options_from_c(options);
        if (!req) return fail(req.error());
        // The client's callbacks hear ERROR/COMPLETION from the core.
        auto processed = c.client->process_file(file_path, req->options);
        if (!processed) return fail(processed.error());
        anidb_file_result_t* out = to_c_file_result(*processed, req->requested);
        if (out == nullptr) return fail(Errc::out_of_memory, "out of memory for the result");
        *result = out;
        if (processed->status != client::FileStatus::completed) {
            return fail(processed->error, processed->error_message);
        }
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_calculate_hash(const char* file_path, anidb_hash_algorithm_t algorithm,
                                    char* hash_buffer, size_t buffer_size) {
    terminate_buffer(hash_buffer, buffer_size);
    return with_no_handle([&] {
        CAlgorithm a{};
        if (auto r = check_hash_args(algorithm, hash_buffer, a); r != ANIDB_SUCCESS) return r;
        if (auto r = check_capacity(a, buffer_size); r != ANIDB_SUCCESS) return r;
        if (auto ok = check_string(file_path, "file_path"); !ok) return fail(ok.error());
        hash::FileHashOptions options;
        options.algorithms = {a.core};
        if (a.blue) options.ed2k_variant = hash::Ed2kVariant::blue;
        auto hashed = hash::hash_file(file_path, options);
        if (!hashed) return fail(hashed.error());
        return write_hash(hashed->digests.at(0).value, hash_buffer, buffer_size);
    });
}

anidb_result_t anidb_calculate_hash_buffer(const uint8_t* data, size_t data_size,
                                           anidb_hash_algorithm_t algorithm, char* hash_buffer,
                                           size_t buffer_size) {
    terminate_buffer(hash_buffer, buffer_size);
    return with_no_handle([&] {
        CAlgorithm a{};
        if (auto r = check_hash_args(algorithm, hash_buffer, a); r != ANIDB_SUCCESS) return r;
        if (data == nullptr && data_size != 0) {
            return fail(Errc::invalid_parameter, "data is NULL but data_size is not 0");
        }
        if (auto r = check_capacity(a, buffer_size); r != ANIDB_SUCCESS) return r;
        const hash::Algorithm one[] = {a.core};
        const auto digests = hash::hash_bytes(
            std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), data_size), one,
            a.blue ? hash::Ed2kVariant::blue : hash::Ed2kVariant::red);
        return write_hash(digests.at(0).value, hash_buffer, buffer_size);
    });
}

// The two descriptions below know every value of this library's header,
// whatever ABI version the caller passed to anidb_init.
size_t anidb_hash_buffer_size(anidb_hash_algorithm_t algorithm) {
    const int raw = raw_enum(algorithm);
    auto a = hash::algorithm_from_int(raw == ANIDB_HASH_ED2K_BLUE ? ANIDB_HASH_ED2K : raw);
    return a ? hash::digest_text_length(*a) + 1 : 0;
}

const char* anidb_hash_algorithm_name(anidb_hash_algorithm_t algorithm) {
    switch (raw_enum(algorithm)) {
        case ANIDB_HASH_ED2K:
            return "ED2K";
        case ANIDB_HASH_CRC32:
            return "CRC32";
        case ANIDB_HASH_MD5:
            return "MD5";
        case ANIDB_HASH_SHA1:
            return "SHA1";
        case ANIDB_HASH_TTH:
            return "TTH";
        case ANIDB_HASH_ED2K_BLUE:
            return "ED2K_BLUE";
        default:
            return "UNKNOWN";
    }
}

anidb_result_t anidb_process_file_async(anidb_client_handle_t handle, const char* file_path,
                                        const anidb_process_options_t* options,
                                        anidb_operation_handle_t* operation) {
    if (operation != nullptr) *operation = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (operation == nullptr) return fail(Errc::invalid_parameter, "operation is NULL");
        if (auto ok = check_string(file_path, "file_path"); !ok) return fail(ok.error());
        auto req = options_from_c(options);
        if (!req) return fail(req.error());
        auto started = client::FileOperation::start(c.client, file_path, std::move(req->options));
        if (!started) return fail(started.error());
        auto op = std::make_shared<OperationEntry>();
        op->op = std::move(started).value();
        op->requested = std::move(req->requested);
        op->client_id = c.id;
        op->owner = c.weak_from_this();
        *operation = Registry::instance().add_operation(std::move(op));
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_operation_get_status(anidb_operation_handle_t operation,
                                          anidb_status_t* status) {
    return with_operation(operation, [&](OperationEntry& op) {
        if (status == nullptr) return fail(Errc::invalid_parameter, "status is NULL");
        *status = static_cast<anidb_status_t>(op.op->status());
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_operation_get_result(anidb_operation_handle_t operation,
                                          anidb_file_result_t** result) {
    if (result != nullptr) *result = nullptr;
    return with_operation(operation, [&](OperationEntry& op) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        auto outcome = op.op->result();
        if (!outcome) return fail(outcome.error());
        anidb_file_result_t* out = to_c_file_result(*outcome, op.requested);
        if (out == nullptr) return fail(Errc::out_of_memory, "out of memory for the result");
        *result = out;
        if (outcome->status != client::FileStatus::completed) {
            return fail(outcome->error, outcome->error_message);
        }
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_operation_cancel(anidb_operation_handle_t operation) {
    return with_operation(operation, [&](OperationEntry& op) {
        op.op->cancel();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_operation_destroy(anidb_operation_handle_t operation) {
    return with_operation(operation, [&](OperationEntry& op) {
        if (op.op->client().events().in_callback()) {
            return fail(Errc::busy,
                        "anidb_operation_destroy called from a callback of the operation's client");
        }
        auto taken = Registry::instance().take_operation(operation);
        if (!taken) return fail(Errc::invalid_handle, "invalid operation handle");
        taken->op->cancel();
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
