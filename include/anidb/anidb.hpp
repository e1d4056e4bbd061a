/* libanidb for C++ callers: anidb.h plus the spelling of the FFI memory
 * model document (AniDBResult::Success, AniDBFileResult, AniDBProcessOptions,
 * the one-argument anidb_client_get_last_error ...), so code written against
 * that document compiles as C++20 unchanged. Nothing here is a new ABI: the
 * types are the C ones under other names, AniDBResult wraps anidb_result_t,
 * and the extra functions are inline wrappers over C functions. The C names
 * stay valid and mix freely with these.
 *
 *     #include <anidb/anidb.hpp>
 *
 *     AniDBFileResult* result;
 *     AniDBResult status = anidb_process_file(handle, path, &options, &result);
 *     if (status == AniDBResult::Success) { ... anidb_free_file_result(result); }
 *     else {
 *         const char* message = anidb_client_get_last_error(handle); // owned
 *         ...
 *         anidb_free_string((char*)message);
 *     }
 */
#ifndef ANIDB_ANIDB_HPP
#define ANIDB_ANIDB_HPP

#ifndef __cplusplus
#error "anidb/anidb.hpp is the C++ header; C programs include anidb/anidb.h"
#endif

#include <anidb/anidb.h>

/* ---- Types under the document's names ----------------------------------- */
using AniDBConfig = anidb_config_t;
using AniDBBatchOptions = anidb_batch_options_t;
using AniDBMylistOptions = anidb_mylist_options_t;
/* Library-allocated results: free each with its anidb_free_* function. */
using AniDBFileResult = anidb_file_result_t;
using AniDBHashResult = anidb_hash_result_t;
using AniDBBatchResult = anidb_batch_result_t;
using AniDBAnimeInfo = anidb_anime_info_t;
using AniDBMylistResult = anidb_mylist_result_t;
using AniDBMemoryStats = anidb_memory_stats_t;
using AniDBAllocationStats = anidb_allocation_stats_t;
using AniDBEvent = anidb_event_t;
using AniDBHashAlgorithm = anidb_hash_algorithm_t;
using AniDBStatus = anidb_status_t;
using AniDBCallbackType = anidb_callback_type_t;
using AniDBEventType = anidb_event_type_t;

/* ---- AniDBResult ---------------------------------------------------------- */
/* anidb_result_t with scoped names. It converts both ways with
 * anidb_result_t, so every C function's result can be held in one
 * (AniDBResult r = anidb_init(ANIDB_ABI_VERSION)), compared with
 * AniDBResult::Success or ANIDB_SUCCESS, and switched on. */
class AniDBResult {
  public:
    constexpr AniDBResult(anidb_result_t code) noexcept : code_(code) {}
    constexpr operator anidb_result_t() const noexcept { return code_; }
    constexpr anidb_result_t code() const noexcept { return code_; }
    /* English description (static, borrowed): anidb_error_string(). */
    const char* message() const noexcept { return anidb_error_string(code_); }
    friend constexpr bool operator==(AniDBResult a, AniDBResult b) noexcept {
        return a.code_ == b.code_;
    }
    friend constexpr bool operator==(AniDBResult a, anidb_result_t b) noexcept {
        return a.code_ == b;
    }

    static const AniDBResult Success;
    static const AniDBResult ErrorInvalidHandle;
    static const AniDBResult ErrorInvalidParameter;
    static const AniDBResult ErrorFileNotFound;
    static const AniDBResult ErrorProcessing;
    static const AniDBResult ErrorOutOfMemory;
    static const AniDBResult ErrorIo;
    static const AniDBResult ErrorNetwork;
    static const AniDBResult ErrorCancelled;
    static const AniDBResult ErrorInvalidUtf8;
    static const AniDBResult ErrorVersionMismatch;
    static const AniDBResult ErrorTimeout;
    static const AniDBResult ErrorPermissionDenied;
    static const AniDBResult ErrorCache;
    static const AniDBResult ErrorBusy;
    static const AniDBResult ErrorLoginFailed;
    static const AniDBResult ErrorBanned;
    static const AniDBResult ErrorNoSuchFile;
    static const AniDBResult ErrorServerBusy;
    static const AniDBResult ErrorOutOfService;
    static const AniDBResult ErrorClientRejected;
    static const AniDBResult ErrorServerError;
    static const AniDBResult ErrorAccessDenied;
    static const AniDBResult ErrorProtocol;
    static const AniDBResult ErrorNoCredentials;
    static const AniDBResult ErrorUnknown;

  private:
    anidb_result_t code_;
};

inline constexpr AniDBResult AniDBResult::Success{ANIDB_SUCCESS};
inline constexpr AniDBResult AniDBResult::ErrorInvalidHandle{ANIDB_ERROR_INVALID_HANDLE};
inline constexpr AniDBResult AniDBResult::ErrorInvalidParameter{ANIDB_ERROR_INVALID_PARAMETER};
inline constexpr AniDBResult AniDBResult::ErrorFileNotFound{ANIDB_ERROR_FILE_NOT_FOUND};
inline constexpr AniDBResult AniDBResult::ErrorProcessing{ANIDB_ERROR_PROCESSING};
inline constexpr AniDBResult AniDBResult::ErrorOutOfMemory{ANIDB_ERROR_OUT_OF_MEMORY};
inline constexpr AniDBResult AniDBResult::ErrorIo{ANIDB_ERROR_IO};
inline constexpr AniDBResult AniDBResult::ErrorNetwork{ANIDB_ERROR_NETWORK};
inline constexpr AniDBResult AniDBResult::ErrorCancelled{ANIDB_ERROR_CANCELLED};
inline constexpr AniDBResult AniDBResult::ErrorInvalidUtf8{ANIDB_ERROR_INVALID_UTF8};
inline constexpr AniDBResult AniDBResult::ErrorVersionMismatch{ANIDB_ERROR_VERSION_MISMATCH};
inline constexpr AniDBResult AniDBResult::ErrorTimeout{ANIDB_ERROR_TIMEOUT};
inline constexpr AniDBResult AniDBResult::ErrorPermissionDenied{ANIDB_ERROR_PERMISSION_DENIED};
inline constexpr AniDBResult AniDBResult::ErrorCache{ANIDB_ERROR_CACHE};
inline constexpr AniDBResult AniDBResult::ErrorBusy{ANIDB_ERROR_BUSY};
inline constexpr AniDBResult AniDBResult::ErrorLoginFailed{ANIDB_ERROR_LOGIN_FAILED};
inline constexpr AniDBResult AniDBResult::ErrorBanned{ANIDB_ERROR_BANNED};
inline constexpr AniDBResult AniDBResult::ErrorNoSuchFile{ANIDB_ERROR_NO_SUCH_FILE};
inline constexpr AniDBResult AniDBResult::ErrorServerBusy{ANIDB_ERROR_SERVER_BUSY};
inline constexpr AniDBResult AniDBResult::ErrorOutOfService{ANIDB_ERROR_OUT_OF_SERVICE};
inline constexpr AniDBResult AniDBResult::ErrorClientRejected{ANIDB_ERROR_CLIENT_REJECTED};
inline constexpr AniDBResult AniDBResult::ErrorServerError{ANIDB_ERROR_SERVER_ERROR};
inline constexpr AniDBResult AniDBResult::ErrorAccessDenied{ANIDB_ERROR_ACCESS_DENIED};
inline constexpr AniDBResult AniDBResult::ErrorProtocol{ANIDB_ERROR_PROTOCOL};
inline constexpr AniDBResult AniDBResult::ErrorNoCredentials{ANIDB_ERROR_NO_CREDENTIALS};
inline constexpr AniDBResult AniDBResult::ErrorUnknown{ANIDB_ERROR_UNKNOWN};

/* ---- AniDBProcessOptions ---------------------------------------------------- */
/* anidb_process_options_t's fields with defaults, so a designated
 * initialiser naming only some of them compiles cleanly under -Wextra:
 * {.algorithms = a, .algorithm_count = 2, .enable_progress = 1}. Taken by
 * the anidb_process_file / anidb_process_file_async overloads below, which
 * return AniDBResult; anidb_process_options() gives the C structure. */
struct AniDBProcessOptions {
    const anidb_hash_algorithm_t* algorithms = nullptr;
    size_t algorithm_count = 0;
    int enable_progress = 0;
    int verify_existing = 0;
    anidb_progress_callback_t progress_callback = nullptr;
    void* user_data = nullptr;
};

// Grows with anidb_process_options_t (a field added there is added here).
static_assert(sizeof(AniDBProcessOptions) == sizeof(anidb_process_options_t));

inline anidb_process_options_t anidb_process_options(const AniDBProcessOptions& o) noexcept {
    anidb_process_options_t c{};
    c.algorithms = o.algorithms;
    c.algorithm_count = o.algorithm_count;
    c.enable_progress = o.enable_progress;
    c.verify_existing = o.verify_existing;
    c.progress_callback = o.progress_callback;
    c.user_data = o.user_data;
    return c;
}

/* ---- Functions in the document's forms ------------------------------------ */

/** anidb_process_file with AniDBProcessOptions. (A literal nullptr for the
 *  options matches both forms: NULL options are an error anyway.) */
inline AniDBResult anidb_process_file(anidb_client_handle_t handle, const char* file_path,
                                      const AniDBProcessOptions* options,
                                      anidb_file_result_t** result) {
    if (options == nullptr) {
        return ::anidb_process_file(handle, file_path,
                                    static_cast<const anidb_process_options_t*>(nullptr), result);
    }
    const anidb_process_options_t c = anidb_process_options(*options);
    return ::anidb_process_file(handle, file_path, &c, result);
}

/** anidb_process_file_async with AniDBProcessOptions. */
inline AniDBResult anidb_process_file_async(anidb_client_handle_t handle, const char* file_path,
                                            const AniDBProcessOptions* options,
                                            anidb_operation_handle_t* operation) {
    if (options == nullptr) {
        return ::anidb_process_file_async(
            handle, file_path, static_cast<const anidb_process_options_t*>(nullptr), operation);
    }
    const anidb_process_options_t c = anidb_process_options(*options);
    return ::anidb_process_file_async(handle, file_path, &c, operation);
}

/** The client's last error message for the calling thread as a new string
 *  (anidb_client_get_last_error_string): free it with anidb_free_string().
 *  NULL when the handle is invalid or memory is out (anidb_get_last_error
 *  then says which). The three-argument C form copies into a buffer. */
inline char* anidb_client_get_last_error(anidb_client_handle_t handle) {
    return anidb_client_get_last_error_string(handle);
}

#endif /* ANIDB_ANIDB_HPP */
