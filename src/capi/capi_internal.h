// Shared helpers of the C ABI files: the handle registry, last errors, the
// exception barrier, string checks and conversion of C++ results into
// tracked C structures. No business logic lives in src/capi.
//
// How every entry point is written (one helper does handle lookup and error
// recording; do not look handles up or record errors any other way):
//
//     anidb_result_t anidb_x(anidb_client_handle_t handle, T* out) {
//         if (out != nullptr) *out = {};                   // out-pointers first
//         return with_client(handle, [&](ClientEntry& c) { // lookup + barrier
//             if (out == nullptr) return fail(Errc::invalid_parameter, "out is NULL");
//             auto r = c.client->something();
//             if (!r) return fail(r.error());
//             return ANIDB_SUCCESS;
//         });
//     }
//
// with_client / with_operation / with_batch look the handle up (an unknown
// one fails with ANIDB_ERROR_INVALID_HANDLE) and run the body inside the
// exception barrier; calls that take no handle use with_no_handle. fail()
// records the message in the calling thread's slot (anidb_get_last_error,
// libgit2's rule) and, while the body of a call on a client runs, in that
// client's slot for the calling thread (anidb_client_get_last_error), so
// threads sharing one client never read each other's messages.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "anidb/anidb.h"
#include "client/client.h"
#include "client/operation.h"
#include "common/error.h"
#include "common/result.h"

namespace anidb::capi {

// ---- last errors ---------------------------------------------------------
// The calling thread's last error (any call).
const std::string& thread_error();

// A client's last errors: one slot per calling thread (at most kMaxThreads,
// the oldest dropped), plus one for problems the client meets on its own
// (cache problems reported by its ERROR callbacks). A thread reads its own
// slot, or the client's own problem when that came later.
class ClientErrors {
  public:
    static constexpr size_t kMaxThreads = 64;
    void record_for_this_thread(const std::string& message);
    void record_own(const std::string& message);
    std::string for_this_thread() const;

  private:
    struct Slot {
        std::string message;
        uint64_t sequence = 0;
    };
    mutable std::mutex mutex_;
    std::vector<std::pair<std::thread::id, Slot>> by_thread_;
    Slot own_;
};

struct ClientEntry : std::enable_shared_from_this<ClientEntry> {
    uint64_t id = 0;  // the handle's value, set by the registry
    std::shared_ptr<client::Client> client;
    ClientErrors errors;

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
    std::vector<anidb_hash_algorithm_t> requested;  // HashRequest::requested
    uint64_t client_id;
    std::weak_ptr<ClientEntry> owner;  // errors are also recorded there
};
struct BatchEntry {
    std::unique_ptr<client::BatchOperation> op;
    std::vector<anidb_hash_algorithm_t> requested;  // HashRequest::requested
    uint64_t client_id;
    std::weak_ptr<ClientEntry> owner;
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

    // Remove and return, so the caller destroys outside the registry lock.
    std::shared_ptr<ClientEntry> take_client(const void* handle);
    std::shared_ptr<OperationEntry> take_operation(const void* handle);
    std::shared_ptr<BatchEntry> take_batch(const void* handle);
    // Operations and batches of one client (for its destruction).
    void take_children(uint64_t client_id, std::vector<std::shared_ptr<OperationEntry>>& ops,
                       std::vector<std::shared_ptr<BatchEntry>>& batches);
    std::vector<std::shared_ptr<ClientEntry>> take_all_clients();

    static uint64_t id_of(const void* handle) { return reinterpret_cast<uintptr_t>(handle); }

  private:
    Registry() = default;
    struct State;
    State& state() const;
};

// ---- errors, barrier, handle lookup ---------------------------------------
// Records the error (see the top of this file) and returns its C code.
anidb_result_t fail(Errc code, const std::string& message);
inline anidb_result_t fail(const Error& e) {
    return fail(e.code, e.message);
}

// While alive, fail() on this thread also records into `entry` (nested
// calls, e.g. from a callback, restore the outer client on return).
class ClientScope {
  public:
    explicit ClientScope(ClientEntry* entry) noexcept;
    ~ClientScope();
    ClientScope(const ClientScope&) = delete;
    ClientScope& operator=(const ClientScope&) = delete;

  private:
    ClientEntry* previous_;
};

// Runs fn (returning anidb_result_t) and converts any escaping exception.
template <typename Fn>
anidb_result_t barrier(Fn&& fn) noexcept {
    try {
        return fn();
    } catch (const std::bad_alloc&) {
        return fail(Errc::out_of_memory, "out of memory");
    } catch (const std::exception& e) {
        return fail(Errc::unknown, std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(Errc::unknown, "internal error");
    }
}

// Entry points that take no handle.
template <typename Fn>
anidb_result_t with_no_handle(Fn&& fn) noexcept {
    return barrier(std::forward<Fn>(fn));
}

// Entry points on a client: fn(ClientEntry&).
template <typename Fn>
anidb_result_t with_client(const void* handle, Fn&& fn) noexcept {
    return barrier([&]() -> anidb_result_t {
        auto entry = Registry::instance().client(handle);
        if (!entry) return fail(Errc::invalid_handle, "invalid client handle");
        ClientScope scope(entry.get());
        return fn(*entry);
    });
}

// Entry points on an operation or a batch: fn(OperationEntry&) /
// fn(BatchEntry&); errors also go to the client that started it.
template <typename Fn>
anidb_result_t with_operation(const void* handle, Fn&& fn) noexcept {
    return barrier([&]() -> anidb_result_t {
        auto op = Registry::instance().operation(handle);
        if (!op) return fail(Errc::invalid_handle, "invalid operation handle");
        auto owner = op->owner.lock();
        ClientScope scope(owner.get());
        return fn(*op);
    });
}
template <typename Fn>
anidb_result_t with_batch(const void* handle, Fn&& fn) noexcept {
    return barrier([&]() -> anidb_result_t {
        auto b = Registry::instance().batch(handle);
        if (!b) return fail(Errc::invalid_handle, "invalid batch handle");
        auto owner = b->owner.lock();
        ClientScope scope(owner.get());
        return fn(*b);
    });
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

// Checks a required incoming string: NULL → INVALID_PARAMETER, bad UTF-8 →
// INVALID_UTF8. `what` names the parameter in the message.
Status check_string(const char* s, const char* what);
// Optional string (NULL allowed).
Status check_optional_string(const char* s, const char* what);

// Copies message into buffer[size], truncating at a UTF-8 boundary and
// always NUL-terminating (size > 0 checked by the caller).
void copy_to_buffer(std::string_view message, char* buffer, size_t size);

// ---- hash algorithms from C -------------------------------------------------
// One anidb_hash_algorithm_t value a caller passed: the core algorithm that
// computes it and whether the caller wants ED2K's blue variant of it
// (ANIDB_HASH_ED2K_BLUE, which the core reads as ED2K). nullopt for a value
// the caller's ABI (caller_abi_version) does not have: ED2K_BLUE is since
// ABI 3.
struct CAlgorithm {
    hash::Algorithm core;
    bool blue = false;
};
std::optional<CAlgorithm> algorithm_from_c(int raw) noexcept;

// What a C caller asks to hash: its algorithms in its order (what its
// results list), and what the core hashes for them, ED2K_BLUE read as ED2K
// once, so that one read and one MD4 pass give both variants.
struct HashRequest {
    std::vector<anidb_hash_algorithm_t> requested;
    std::vector<hash::Algorithm> core;
};
// At most every value once: ED2K..TTH and ED2K_BLUE.
inline constexpr size_t kMaxCAlgorithms = hash::kMaxAlgorithms + 1;
// From a C array (count 1..6, values known to the caller's ABI, no duplicates).
Result<HashRequest> hash_request_from_c(const anidb_hash_algorithm_t* algorithms, size_t count);

// ---- results -------------------------------------------------------------------
// Tracked C copies, each one block (nullptr and nothing left allocated when
// memory is out); freed whole by the typed free function.
// Each result lists `requested` (HashRequest::requested), in that order; the
// ED2K_BLUE entry is client::ed2k_blue_or_red of the result.
anidb_file_result_t* to_c_file_result(const client::FileResult& r,
                                      std::span<const anidb_hash_algorithm_t> requested);
anidb_batch_result_t* to_c_batch_result(const client::BatchResult& b,
                                        std::span<const anidb_hash_algorithm_t> requested);
anidb_anime_info_t* to_c_anime_info(const client::AnimeInfo& info);

// Library state.
bool library_initialised();
// The ABI version whose layout caller-allocated structures are read in
// (anidb.h, "Growing structures"): read a field added in ABI n only when
// caller_abi_version() >= n.
uint32_t caller_abi_version();

}  // namespace anidb::capi
