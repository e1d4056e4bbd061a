// Shared helpers of the C ABI files: the handle registry, last errors, the
// exception barrier, string checks and conversion of C++ results into
// tracked C structures. No business logic lives in src/capi.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "anidb/anidb.h"
#include "client/client.h"
#include "client/operation.h"
#include "common/error.h"
#include "common/result.h"

namespace anidb::capi {

// ---- last errors ---------------------------------------------------------
// A client's last error lives in its registry entry; calls without a client
// (or with an invalid one) use the calling thread's.
void set_thread_error(Errc code, std::string message);
const std::string& thread_error();

struct ClientEntry {
    uint64_t id = 0;  // the handle's value, set by the registry
    std::shared_ptr<client::Client> client;
    std::mutex error_mutex;
    std::string last_error;
    void set_error(Errc code, std::string message);

    // Events handed out by the last anidb_event_poll: their strings (one
    // tracked Event block) stay valid until the next poll or the client's
    // destruction.
    std::mutex poll_mutex;
    client::PolledEvents polled;
};

// ---- registry --------------------------------------------------------------
enum class HandleKind : uint64_t { client = 1, operation = 2, batch = 3 };

struct OperationEntry {
    std::unique_ptr<client::FileOperation> op;
    uint64_t client_id;
};
struct BatchEntry {
    std::unique_ptr<client::BatchOperation> op;
    uint64_t client_id;
};

// Handle values are never reused: kind in the top byte, a counter below.
// They are compared, never dereferenced.
class Registry {
  public:
    static Registry& instance();

    void* add_client(std::shared_ptr<ClientEntry> entry);
    void* add_operation(std::shared_ptr<OperationEntry> entry);
    void* add_batch(std::shared_ptr<BatchEntry> entry);

    std::shared_ptr<ClientEntry> client(const void* handle) const;
    std::shared_ptr<OperationEntry> operation(const void* handle) const;
    std::shared_ptr<BatchEntry> batch(const void* handle) const;
    std::shared_ptr<ClientEntry> client_by_id(uint64_t id) const;

    // Remove and return, so the caller destroys outside the registry lock.
    std::shared_ptr<ClientEntry> take_client(const void* handle);
    std::shared_ptr<OperationEntry> take_operation(const void* handle);
    std::shared_ptr<BatchEntry> take_batch(const void* handle);
    // Operations and batches of one client (for its destruction).
    void take_children(uint64_t client_id, std::vector<std::shared_ptr<OperationEntry>>& ops,
                       std::vector<std::shared_ptr<BatchEntry>>& batches);
    std::vector<std::shared_ptr<ClientEntry>> take_all_clients();
    std::vector<std::shared_ptr<ClientEntry>> all_clients() const;

    static uint64_t id_of(const void* handle) { return reinterpret_cast<uintptr_t>(handle); }

  private:
    Registry() = default;
    struct State;
    State& state() const;
};

// ---- barrier & checks --------------------------------------------------------
// Runs fn (returning anidb_result_t) and converts any escaping exception.
template <typename Fn>
anidb_result_t barrier(Fn&& fn) noexcept {
    try {
        return fn();
    } catch (const std::bad_alloc&) {
        set_thread_error(Errc::out_of_memory, "out of memory");
        return ANIDB_ERROR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_thread_error(Errc::unknown, std::string("internal error: ") + e.what());
        return ANIDB_ERROR_UNKNOWN;
    } catch (...) {
        set_thread_error(Errc::unknown, "internal error");
        return ANIDB_ERROR_UNKNOWN;
    }
}

inline anidb_result_t to_c(Errc code) {
    return static_cast<anidb_result_t>(code);
}

// The integer a caller passed for a C enum. A C program may pass any int
// (e.g. (anidb_hash_algorithm_t)42); loading such a value as the C++ enum
// type is undefined, so it is copied out as an int before anything else.
template <typename Enum>
int raw_enum(const Enum& value) noexcept {
    static_assert(sizeof(Enum) == sizeof(int));
    int raw = 0;
    std::memcpy(&raw, &value, sizeof raw);
    return raw;
}

// Records the error (per client when entry is set, else per thread) and
// returns its C code.
anidb_result_t fail(ClientEntry* entry, Errc code, std::string message);
inline anidb_result_t fail(ClientEntry* entry, const Error& e) {
    return fail(entry, e.code, e.message);
}

// Checks a required incoming string: NULL → INVALID_PARAMETER, bad UTF-8 →
// INVALID_UTF8. `what` names the parameter in the message.
Status check_string(const char* s, const char* what);
// Optional string (NULL allowed).
Status check_optional_string(const char* s, const char* what);

// Copies message into buffer[size], truncating at a UTF-8 boundary and
// always NUL-terminating (size > 0 checked by the caller).
void copy_to_buffer(std::string_view message, char* buffer, size_t size);

// Algorithms array from C (count 1..5, known values, no duplicates).
Result<std::vector<hash::Algorithm>> algorithms_from_c(const anidb_hash_algorithm_t* algorithms,
                                                       size_t count);

// ---- results -------------------------------------------------------------------
// Tracked C copies, each one block (nullptr and nothing left allocated when
// memory is out); freed whole by the typed free function.
anidb_file_result_t* to_c_file_result(const client::FileResult& r);
anidb_batch_result_t* to_c_batch_result(const client::BatchResult& b);
anidb_anime_info_t* to_c_anime_info(const client::AnimeInfo& info);

// Library state.
bool library_initialised();

}  // namespace anidb::capi
