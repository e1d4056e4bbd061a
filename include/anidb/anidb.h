/*
 * anidb.h — the C interface of libanidb.
 *
 * libanidb hashes files with the hashes AniDB records (ED2K, CRC32, MD5,
 * SHA1, TTH) in one read on all cores, identifies them through AniDB's UDP
 * API without breaking its flood rules, caches every answer in SQLite and
 * adds files to the user's MyList.
 *
 * Conventions (they hold for every function below unless its comment says
 * otherwise):
 *
 *  1. Initialise once with anidb_init(ANIDB_ABI_VERSION) before any other
 *     call; anidb_cleanup() releases everything. init/cleanup/init works.
 *  2. Handles (clients, operations, batches) are opaque values looked up in a
 *     registry, never dereferenced: a NULL, destroyed or made-up handle gives
 *     ANIDB_ERROR_INVALID_HANDLE, never a crash.
 *  3. Functions return anidb_result_t. On failure a message is kept: per
 *     client (anidb_client_get_last_error) for calls that take a client
 *     handle, per thread (anidb_get_last_error) for calls that do not.
 *  4. Memory: the library allocates what it returns through a `T** out`
 *     parameter and the caller frees it with the one free function named in
 *     the function's comment (anidb_free_string, anidb_free_file_result,
 *     anidb_free_batch_result, anidb_free_anime_info) — never free().
 *     Free functions accept NULL and refuse, without touching memory, a
 *     pointer the library did not issue or already freed. On any error the
 *     out-pointer is set to NULL and nothing is left allocated.
 *     Strings returned as `const char*` are borrowed: do not free them.
 *  5. Every string passed in must be NUL-terminated UTF-8
 *     (else ANIDB_ERROR_INVALID_UTF8); every string returned is UTF-8 and
 *     NUL-terminated. Caller-supplied buffers are never written past their
 *     size and are always NUL-terminated when the size is non-zero.
 *  6. One library-wide memory limit (524288000 bytes by default,
 *     anidb_set_memory_limit) covers everything the library holds; a request
 *     that would cross it fails with ANIDB_ERROR_OUT_OF_MEMORY and the library
 *     keeps working once memory is freed. See docs/memory-model.md.
 *  7. Thread safety: any function may be called from any thread, and one
 *     client may be used from several threads at once. Callbacks for one
 *     client never run concurrently with each other; a callback that calls
 *     back into the library for the same client gets ANIDB_ERROR_BUSY for
 *     calls that would wait on that client, never a deadlock.
 *  8. No C++ exception, abort or crash crosses this interface for any input.
 */
#ifndef ANIDB_ANIDB_H
#define ANIDB_ANIDB_H

#include <stddef.h>
#include <stdint.h>

#if defined(ANIDB_BUILDING_LIBRARY)
#define ANIDB_API __attribute__((visibility("default")))
#else
#define ANIDB_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ====================================================================== */
/* Versions                                                                */
/* ====================================================================== */

#define ANIDB_VERSION_MAJOR 0
#define ANIDB_VERSION_MINOR 1
#define ANIDB_VERSION_PATCH 0
#define ANIDB_VERSION_STRING "0.1.0"

/** The ABI this header describes; pass it to anidb_init(). */
#define ANIDB_ABI_VERSION 1

/* ====================================================================== */
/* Types                                                                   */
/* ====================================================================== */

/** A client: configuration, cache connection, AniDB session, callbacks and
 *  event queue. Created by anidb_client_create*(), destroyed by
 *  anidb_client_destroy(). */
typedef void* anidb_client_handle_t;
/** An asynchronous single-file operation (anidb_process_file_async). */
typedef void* anidb_operation_handle_t;
/** An asynchronous batch (anidb_process_batch_async). */
typedef void* anidb_batch_handle_t;

typedef enum {
    ANIDB_SUCCESS = 0,
    ANIDB_ERROR_INVALID_HANDLE = 1,    /**< NULL, destroyed or never-issued handle */
    ANIDB_ERROR_INVALID_PARAMETER = 2, /**< NULL pointer, bad count, unknown enum, small buffer,
                                            not a regular file */
    ANIDB_ERROR_FILE_NOT_FOUND = 3,
    ANIDB_ERROR_PROCESSING = 4,        /**< a file failed inside a batch; hash mismatch */
    ANIDB_ERROR_OUT_OF_MEMORY = 5,     /**< the library memory limit would be crossed */
    ANIDB_ERROR_IO = 6,                /**< read error, or file changed while hashing */
    ANIDB_ERROR_NETWORK = 7,           /**< socket or name-resolution failure */
    ANIDB_ERROR_CANCELLED = 8,
    ANIDB_ERROR_INVALID_UTF8 = 9,
    ANIDB_ERROR_VERSION_MISMATCH = 10, /**< anidb_init with another ABI version */
    ANIDB_ERROR_TIMEOUT = 11,          /**< AniDB did not answer within the retry budget */
    ANIDB_ERROR_PERMISSION_DENIED = 12,
    ANIDB_ERROR_CACHE = 13,            /**< cache database corrupt, unwritable or full */
    ANIDB_ERROR_BUSY = 14,             /**< still running, or a re-entrant call from a callback */
    /* AniDB answers a caller must tell apart. */
    ANIDB_ERROR_LOGIN_FAILED = 20,     /**< 500: wrong user name or password */
    ANIDB_ERROR_BANNED = 21,           /**< 555, or a ban cool-down still running */
    ANIDB_ERROR_NO_SUCH_FILE = 22,     /**< 320: AniDB does not know the file */
    ANIDB_ERROR_SERVER_BUSY = 23,      /**< 602/604 after back-off: rate limited / busy */
    ANIDB_ERROR_OUT_OF_SERVICE = 24,   /**< 601, or its cool-down still running */
    ANIDB_ERROR_CLIENT_REJECTED = 25,  /**< 503 outdated / 504 banned client version */
    ANIDB_ERROR_SERVER_ERROR = 26,     /**< 600 and other 6xx */
    ANIDB_ERROR_ACCESS_DENIED = 27,    /**< 502 */
    ANIDB_ERROR_PROTOCOL = 28,         /**< 505/598 or an unparsable reply */
    ANIDB_ERROR_NO_CREDENTIALS = 29,   /**< a login is needed and none is configured */
    ANIDB_ERROR_UNKNOWN = 99
} anidb_result_t;

typedef enum {
    ANIDB_HASH_ED2K = 1,  /**< 32 lowercase hex digits */
    ANIDB_HASH_CRC32 = 2, /**< 8 lowercase hex digits */
    ANIDB_HASH_MD5 = 3,   /**< 32 lowercase hex digits */
    ANIDB_HASH_SHA1 = 4,  /**< 40 lowercase hex digits */
    ANIDB_HASH_TTH = 5    /**< 39 uppercase base32 characters, no padding */
} anidb_hash_algorithm_t;

typedef enum {
    ANIDB_STATUS_PENDING = 0,
    ANIDB_STATUS_PROCESSING = 1,
    ANIDB_STATUS_COMPLETED = 2,
    ANIDB_STATUS_FAILED = 3,
    ANIDB_STATUS_CANCELLED = 4
} anidb_status_t;

typedef enum {
    ANIDB_CALLBACK_PROGRESS = 1,   /**< anidb_progress_callback_t */
    ANIDB_CALLBACK_ERROR = 2,      /**< anidb_error_callback_t */
    ANIDB_CALLBACK_COMPLETION = 3, /**< anidb_completion_callback_t */
    ANIDB_CALLBACK_EVENT = 4       /**< anidb_event_callback_t */
} anidb_callback_type_t;

typedef enum {
    ANIDB_EVENT_FILE_START = 1,       /**< data.file */
    ANIDB_EVENT_FILE_COMPLETE = 2,    /**< data.file */
    ANIDB_EVENT_HASH_START = 3,       /**< data.hash (hash_value NULL) */
    ANIDB_EVENT_HASH_COMPLETE = 4,    /**< data.hash */
    ANIDB_EVENT_CACHE_HIT = 5,        /**< data.cache */
    ANIDB_EVENT_CACHE_MISS = 6,       /**< data.cache */
    ANIDB_EVENT_NETWORK_START = 7,    /**< data.network (status_code 0) */
    ANIDB_EVENT_NETWORK_COMPLETE = 8, /**< data.network (AniDB reply code, 0 on time-out) */
    ANIDB_EVENT_MEMORY_WARNING = 9,   /**< data.memory */
    ANIDB_EVENT_EVENTS_DROPPED = 10   /**< data.dropped: the queue overflowed */
} anidb_event_type_t;

/** Progress of one file or one batch. Called serially, at most about 20
 *  times a second, always with a final 100 %, never after the call that
 *  reported it has returned. */
typedef void (*anidb_progress_callback_t)(float percentage, uint64_t bytes_processed,
                                          uint64_t total_bytes, void* user_data);
/** One call per failed file; message and path are borrowed for the call.
 *  Also called with ANIDB_ERROR_CACHE for cache problems that fail no call
 *  (see "Cache" below): file_path is the file concerned, or "". */
typedef void (*anidb_error_callback_t)(anidb_result_t error, const char* message,
                                       const char* file_path, void* user_data);
/** One call per finished operation or batch. */
typedef void (*anidb_completion_callback_t)(anidb_result_t result, void* user_data);

typedef union {
    struct {
        const char* file_path;
        uint64_t file_size;
    } file;
    struct {
        anidb_hash_algorithm_t algorithm;
        const char* hash_value;
    } hash;
    struct {
        const char* file_path;
        anidb_hash_algorithm_t algorithm;
    } cache;
    struct {
        const char* endpoint;
        int status_code;
    } network;
    struct {
        uint64_t current_usage;
        uint64_t max_usage;
    } memory;
    struct {
        uint64_t count; /**< events lost since the previous poll */
    } dropped;
} anidb_event_data_t;

typedef struct {
    anidb_event_type_t type;
    uint64_t timestamp; /**< milliseconds since the Unix epoch */
    anidb_event_data_t data;
    const char* context; /**< extra text (may be NULL) */
} anidb_event_t;

/** Event callback. The event and its strings are borrowed for the call. */
typedef void (*anidb_event_callback_t)(const anidb_event_t* event, void* user_data);

/** Client configuration. Every pointer may be NULL (= default); strings are
 *  copied, so they need to live only for the create call. */
typedef struct {
    const char* cache_dir;        /**< directory of anidb.db; NULL: $XDG_DATA_HOME/anidb */
    size_t max_concurrent_files;  /**< batch default; 0 = one per core */
    size_t chunk_size;            /**< read buffer size hint; this version always reads
                                       1 MiB blocks (smaller under memory pressure) */
    size_t max_memory_usage;      /**< reserved for a per-client cap; this version
                                       enforces only the library-wide limit
                                       (anidb_set_memory_limit) */
    int enable_debug_logging;     /**< 1: log to stderr (never credentials) */
    const char* username;         /**< AniDB user name (for identify / MyList) */
    const char* password;         /**< AniDB password; copied, wiped on destroy */
    const char* client_name;      /**< registered AniDB client name, a-z, 4-16 chars */
    const char* client_version;   /**< registered client version, a positive integer */
} anidb_config_t;

typedef struct {
    const anidb_hash_algorithm_t* algorithms; /**< 1..5 distinct algorithms */
    size_t algorithm_count;
    int enable_progress;   /**< 1: report to the client's PROGRESS callbacks too */
    int verify_existing;   /**< 1: re-read a cached file and compare with the cache */
    anidb_progress_callback_t progress_callback; /**< optional, per call */
    void* user_data;
} anidb_process_options_t;

typedef struct {
    anidb_hash_algorithm_t algorithm;
    char* hash_value;   /**< owned by the enclosing result */
    size_t hash_length; /**< strlen(hash_value) */
} anidb_hash_result_t;

typedef struct {
    char* file_path;             /**< owned by the result */
    uint64_t file_size;
    anidb_status_t status;       /**< COMPLETED, FAILED or CANCELLED */
    anidb_hash_result_t* hashes; /**< hash_count entries in the order requested */
    size_t hash_count;
    uint64_t processing_time_ms;
    char* error_message;         /**< NULL unless FAILED or CANCELLED */
} anidb_file_result_t;

typedef struct {
    const anidb_hash_algorithm_t* algorithms;
    size_t algorithm_count;
    size_t max_concurrent;  /**< files hashed at once; 0 = the client's default */
    int continue_on_error;  /**< 0: stop scheduling after the first failure */
    int skip_existing;      /**< 1: answer files already in the hash cache from it */
    anidb_progress_callback_t progress_callback;     /**< whole-batch progress by bytes */
    anidb_completion_callback_t completion_callback; /**< once, when the batch ends */
    void* user_data;
} anidb_batch_options_t;

typedef struct {
    size_t total_files;
    size_t successful_files;
    size_t failed_files;
    anidb_file_result_t* results; /**< total_files entries, in input order */
    uint64_t total_time_ms;
} anidb_batch_result_t;

/** What AniDB (or the cache) knows of a file. Strings are owned by the
 *  structure and may be empty (""), never NULL. */
typedef struct {
    uint64_t anime_id;
    uint64_t episode_id;
    char* title;             /**< romaji anime title */
    uint32_t episode_number; /**< numeric part of the episode number (0 if none) */
    double confidence;       /**< 1.0 for an exact size + ED2K match */
    int source;              /**< 0 = AniDB, 1 = cache */
    /* Fields below were added after the first draft; they follow in this order. */
    uint64_t file_id;
    uint64_t group_id;
    char* group_name;
    char* title_english;
    char* title_kanji;
    char* episode_title;     /**< English episode title */
    char* episode_number_text; /**< as AniDB writes it: "03", "S1", "C2" ... */
    char* anime_type;        /**< "TV Series", "Movie" ... */
    char* year;              /**< "2019" or "2019-2020" */
    char* quality;           /**< "high", "very high" ... */
    char* file_source;       /**< "DVD", "Blu-ray", "www" ... */
    char* resolution;        /**< "1920x1080" */
    char* crc32;             /**< lowercase hex, as AniDB has it */
    uint64_t mylist_id;      /**< 0 when not in the user's MyList */
    uint64_t file_size;
    char* ed2k;              /**< the ED2K value AniDB knows the file by */
    char* group_short_name;
} anidb_anime_info_t;

/** Memory statistics (see docs/memory-model.md). */
typedef struct {
    uint64_t total_memory_used;  /**< everything charged to the library-wide limit */
    uint64_t ffi_allocated;      /**< live bytes handed to callers */
    uint64_t ffi_peak;           /**< highest ffi_allocated seen */
    uint64_t pool_memory;        /**< buffer pool bytes, idle and in use */
    uint64_t pool_hits;
    uint64_t pool_misses;
    uint64_t active_allocations; /**< live allocations handed to callers */
    uint64_t memory_limit;
    uint32_t memory_pressure;    /**< 0 Low <50 %, 1 Medium, 2 High >=75 %, 3 Critical >=90 % */
} anidb_memory_stats_t;

/** MyList state values (AniDB's `state`). */
typedef enum {
    ANIDB_MYLIST_STATE_UNKNOWN = 0,
    ANIDB_MYLIST_STATE_HDD = 1,
    ANIDB_MYLIST_STATE_CD = 2,
    ANIDB_MYLIST_STATE_DELETED = 3,
    ANIDB_MYLIST_STATE_REMOTE = 4
} anidb_mylist_state_t;

/** What to record in MyList. Initialise with ANIDB_MYLIST_OPTIONS_INIT:
 *  -1 / NULL mean "do not send". */
typedef struct {
    int state;            /**< anidb_mylist_state_t, or -1 */
    int viewed;           /**< 1 watched, 0 not watched, -1 unset */
    int64_t viewdate;     /**< Unix time when viewed = 1; 0 = server's "now" */
    const char* source;   /**< free text or NULL */
    const char* storage;  /**< free text or NULL */
    const char* other;    /**< free text (may hold newlines) or NULL */
    int edit;             /**< 1: change the existing entry to these values */
} anidb_mylist_options_t;

#define ANIDB_MYLIST_OPTIONS_INIT {ANIDB_MYLIST_STATE_HDD, -1, 0, NULL, NULL, NULL, 0}

typedef enum {
    ANIDB_MYLIST_ADDED = 0,           /**< a new entry was created */
    ANIDB_MYLIST_ALREADY_PRESENT = 1, /**< it was there and nothing needed changing */
    ANIDB_MYLIST_UPDATED = 2          /**< it was there and was edited to the wishes */
} anidb_mylist_outcome_t;

typedef struct {
    uint64_t mylist_id;
    anidb_mylist_outcome_t outcome;
    int source; /**< 0 = AniDB was asked, 1 = answered from the local MyList state */
} anidb_mylist_result_t;

/* ====================================================================== */
/* Library                                                                 */
/* ====================================================================== */

/** Initialises the library. Call before anything else; calling it again
 *  while initialised is harmless.
 *  Errors: ANIDB_ERROR_VERSION_MISMATCH when abi_version != ANIDB_ABI_VERSION. */
ANIDB_API anidb_result_t anidb_init(uint32_t abi_version);

/** Destroys every live client (cancelling and waiting for their operations),
 *  frees the pool and the library's internal state. Results the caller still
 *  holds stay valid and must still be freed. anidb_init() may follow. */
ANIDB_API void anidb_cleanup(void);

/** "MAJOR.MINOR.PATCH". Borrowed, static: do not free. */
ANIDB_API const char* anidb_get_version(void);

/** ANIDB_ABI_VERSION of the library that is loaded. */
ANIDB_API uint32_t anidb_get_abi_version(void);

/** English description of a result code. Borrowed, static: do not free.
 *  Unknown values give "unknown error". */
ANIDB_API const char* anidb_error_string(anidb_result_t error);

/** Copies the calling thread's last error message (set by calls that take no
 *  client handle, and by calls whose handle was invalid) into buffer.
 *  Errors: ANIDB_ERROR_INVALID_PARAMETER when buffer is NULL or size is 0.
 *  A message longer than the buffer is truncated at a UTF-8 boundary. */
ANIDB_API anidb_result_t anidb_get_last_error(char* buffer, size_t buffer_size);

/* ====================================================================== */
/* Clients                                                                 */
/* ====================================================================== */

/** Creates a client with the default configuration.
 *  *handle receives the handle (NULL on error); destroy it with
 *  anidb_client_destroy(). A cache that cannot be opened does not fail the
 *  call: the client works without a cache and its last error says why.
 *  Errors: INVALID_PARAMETER (handle NULL), OUT_OF_MEMORY, UNKNOWN (not
 *  initialised: call anidb_init first). */
ANIDB_API anidb_result_t anidb_client_create(anidb_client_handle_t* handle);

/** Like anidb_client_create() with a configuration (copied).
 *  Errors: as anidb_client_create, plus INVALID_PARAMETER (config NULL),
 *  INVALID_UTF8 (a string field). */
ANIDB_API anidb_result_t anidb_client_create_with_config(const anidb_config_t* config,
                                                         anidb_client_handle_t* handle);

/** Sets a client option by name; value is copied. Options:
 *  "anidb.server" "host:port" (default api.anidb.net:9000, or $ANIDB_SERVER),
 *  "anidb.local_port" UDP port to send from (default 45678),
 *  "anidb.api_key" and "anidb.encrypt" ("1"/"0") for ENCRYPT,
 *  "anidb.timeout_ms" reply time-out, "anidb.retries",
 *  "anidb.interval_scale" (honoured only for a loopback server: tests),
 *  "anidb.file_ttl_days" (30), "anidb.unknown_retry_hours" (24),
 *  "cache.enabled" ("0": stop using the cache from the next call, "1": use it again).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (unknown key, bad value),
 *  INVALID_UTF8. Thread-safe; takes effect for the next network request. */
ANIDB_API anidb_result_t anidb_client_set_option(anidb_client_handle_t handle, const char* key,
                                                 const char* value);

/** Cancels the client's running operations and batches, waits for them,
 *  logs out of AniDB (unless the session is kept for reuse), wipes the
 *  credentials and invalidates the handle and its operation/batch handles.
 *  Errors: INVALID_HANDLE; BUSY when called from one of this client's own
 *  callbacks (destroy it after the callback returns). */
ANIDB_API anidb_result_t anidb_client_destroy(anidb_client_handle_t handle);

/** Copies the client's last error message into buffer (truncated at a UTF-8
 *  boundary, always NUL-terminated). "" when there was none.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (buffer NULL or size 0). */
ANIDB_API anidb_result_t anidb_client_get_last_error(anidb_client_handle_t handle, char* buffer,
                                                     size_t buffer_size);

/** The client's last error message as a new string; free it with
 *  anidb_free_string(). NULL when the handle is invalid or memory is out
 *  (the thread's last error then says which). */
ANIDB_API char* anidb_client_get_last_error_string(anidb_client_handle_t handle);

/* ====================================================================== */
/* Hashing                                                                 */
/* ====================================================================== */

/** Hashes one file (consulting and filling the client's cache) and returns
 *  the result in *result; free it with anidb_free_file_result(). Blocks.
 *  Errors: INVALID_HANDLE; INVALID_PARAMETER (NULL argument, 0 or more than
 *  5 algorithms, unknown or duplicate algorithm, not a regular file);
 *  INVALID_UTF8; FILE_NOT_FOUND; PERMISSION_DENIED; IO (read error, "file
 *  changed while hashing": its size, mtime or ctime moved while it was read,
 *  or the path names another file by the end); OUT_OF_MEMORY; PROCESSING
 *  (verify_existing found a sound cache entry that differs from the bytes
 *  on disk, "file changed on disk": *result is then a FAILED result
 *  describing it; a damaged entry is not a mismatch but a cache problem,
 *  reported as "cache entry corrupt" while the call succeeds).
 *  On errors other than PROCESSING, *result is NULL. */
ANIDB_API anidb_result_t anidb_process_file(anidb_client_handle_t handle, const char* file_path,
                                            const anidb_process_options_t* options,
                                            anidb_file_result_t** result);

/** Hashes one file with one algorithm, without a client or cache, into the
 *  caller's buffer (at least anidb_hash_buffer_size(algorithm) bytes).
 *  Errors: as anidb_process_file, plus INVALID_PARAMETER when the buffer is
 *  too small (nothing but a NUL is written then). Thread's last error. */
ANIDB_API anidb_result_t anidb_calculate_hash(const char* file_path,
                                              anidb_hash_algorithm_t algorithm, char* hash_buffer,
                                              size_t buffer_size);

/** Like anidb_calculate_hash() over data_size bytes in memory. data may be
 *  NULL only when data_size is 0. */
ANIDB_API anidb_result_t anidb_calculate_hash_buffer(const uint8_t* data, size_t data_size,
                                                     anidb_hash_algorithm_t algorithm,
                                                     char* hash_buffer, size_t buffer_size);

/** Bytes needed for the algorithm's text including the NUL (33, 9, 33, 41,
 *  40); 0 for an unknown algorithm. */
ANIDB_API size_t anidb_hash_buffer_size(anidb_hash_algorithm_t algorithm);

/** "ED2K", "CRC32", "MD5", "SHA1", "TTH"; "UNKNOWN" otherwise. Static. */
ANIDB_API const char* anidb_hash_algorithm_name(anidb_hash_algorithm_t algorithm);

/* ====================================================================== */
/* Asynchronous operations                                                 */
/* ====================================================================== */

/** Starts hashing one file in the background; *operation receives its
 *  handle (destroy with anidb_operation_destroy). options and its arrays
 *  are copied. Progress goes to options->progress_callback and, with
 *  enable_progress, the client's PROGRESS callbacks; COMPLETION callbacks
 *  are called once when it ends.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER, INVALID_UTF8, OUT_OF_MEMORY. */
ANIDB_API anidb_result_t anidb_process_file_async(anidb_client_handle_t handle,
                                                  const char* file_path,
                                                  const anidb_process_options_t* options,
                                                  anidb_operation_handle_t* operation);

/** Current status of an operation.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (status NULL). */
ANIDB_API anidb_result_t anidb_operation_get_status(anidb_operation_handle_t operation,
                                                    anidb_status_t* status);

/** The finished operation's result (a new copy each call; free it with
 *  anidb_free_file_result). Errors: INVALID_HANDLE; INVALID_PARAMETER;
 *  BUSY while it is still running; CANCELLED if it was cancelled; the
 *  operation's own error (with *result holding a FAILED result) otherwise. */
ANIDB_API anidb_result_t anidb_operation_get_result(anidb_operation_handle_t operation,
                                                    anidb_file_result_t** result);

/** Asks the operation to stop; hashing stops within one buffer (well under
 *  100 ms). Cancelling a finished operation is harmless. Does not wait.
 *  Errors: INVALID_HANDLE. */
ANIDB_API anidb_result_t anidb_operation_cancel(anidb_operation_handle_t operation);

/** Cancels the operation if it is running, waits for it, and frees it. The
 *  handle is invalid afterwards. Errors: INVALID_HANDLE; BUSY when called
 *  from a callback of the operation's own client. */
ANIDB_API anidb_result_t anidb_operation_destroy(anidb_operation_handle_t operation);

/* ====================================================================== */
/* Batches                                                                 */
/* ====================================================================== */

/** Hashes file_count files, max_concurrent at a time (sharing the cores with
 *  the per-file parallelism), and returns every file's result in input
 *  order in *result (free with anidb_free_batch_result). A failed file has
 *  status FAILED and an error_message; with continue_on_error = 0 the files
 *  not yet started after the first failure are CANCELLED. The call itself
 *  succeeds when the batch ran, even if files failed.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL, count 0, bad
 *  algorithms), INVALID_UTF8 (any path), OUT_OF_MEMORY (the results would
 *  not fit under the memory limit: nothing is left allocated). */
ANIDB_API anidb_result_t anidb_process_batch(anidb_client_handle_t handle, const char** file_paths,
                                             size_t file_count,
                                             const anidb_batch_options_t* options,
                                             anidb_batch_result_t** result);

/** Starts a batch in the background; *batch receives its handle (destroy
 *  with anidb_batch_destroy). Paths and options are copied.
 *  Errors: as anidb_process_batch. */
ANIDB_API anidb_result_t anidb_process_batch_async(anidb_client_handle_t handle,
                                                   const char** file_paths, size_t file_count,
                                                   const anidb_batch_options_t* options,
                                                   anidb_batch_handle_t* batch);

/** Files finished so far (completed, failed or cancelled) and the total.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (a NULL out-pointer). */
ANIDB_API anidb_result_t anidb_batch_get_progress(anidb_batch_handle_t batch, size_t* completed,
                                                  size_t* total);

/** Stops scheduling files and cancels the running ones; does not wait.
 *  Errors: INVALID_HANDLE. */
ANIDB_API anidb_result_t anidb_batch_cancel(anidb_batch_handle_t batch);

/** The finished batch's results (a new copy each call; free with
 *  anidb_free_batch_result). A cancelled batch returns ANIDB_SUCCESS with
 *  the unfinished files CANCELLED.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER, BUSY while running,
 *  OUT_OF_MEMORY. */
ANIDB_API anidb_result_t anidb_batch_get_result(anidb_batch_handle_t batch,
                                                anidb_batch_result_t** result);

/** Cancels the batch if running, waits, frees it; the handle is invalid
 *  afterwards. Errors: INVALID_HANDLE; BUSY from the client's own callback. */
ANIDB_API anidb_result_t anidb_batch_destroy(anidb_batch_handle_t batch);

/* ====================================================================== */
/* Cache                                                                   */
/* ====================================================================== */

/* Every cached row carries a checksum and its values are checked for form
 * before use: a damaged entry is never returned; the file is hashed again
 * and the entry replaced. Stores are grouped (one transaction per few hundred
 * files or 25 ms): a crash loses at most the last group, never corrupts; the
 * client's calls see their own stores at once, other clients and processes
 * within the group time. Problems that fail no call -- a damaged entry, hashes
 * that could not be stored (disk full, I/O error) -- are reported once per
 * kind, then summed up at the end of a batch and in anidb_client_destroy():
 * to the ERROR callbacks as ANIDB_ERROR_CACHE, as the client's last error,
 * and as an ANIDB_EVENT_CACHE_MISS event whose context starts with
 * "cache problem: ". See docs/cache.md. */

/** Deletes every cached hash and AniDB answer of the client's database.
 *  Errors: INVALID_HANDLE, CACHE (no usable cache, or SQLite failed). */
ANIDB_API anidb_result_t anidb_cache_clear(anidb_client_handle_t handle);

/** Number of cached file hash entries and the database's size on disk.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL out-pointer), CACHE. */
ANIDB_API anidb_result_t anidb_cache_get_stats(anidb_client_handle_t handle,
                                               size_t* total_entries, uint64_t* cache_size_bytes);

/** *is_cached = 1 when the file, as it is on disk now (path, size, mtime,
 *  inode), has a cached value for algorithm; 0 otherwise.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER, INVALID_UTF8, FILE_NOT_FOUND,
 *  PERMISSION_DENIED, CACHE. */
ANIDB_API anidb_result_t anidb_cache_check_file(anidb_client_handle_t handle,
                                                const char* file_path,
                                                anidb_hash_algorithm_t algorithm, int* is_cached);

/* ====================================================================== */
/* AniDB: identification and MyList                                        */
/* ====================================================================== */

/** Identifies a file by size and ED2K (32 hex digits): from the cache when
 *  it has the answer, else by asking AniDB (logging in first). When AniDB
 *  does not know the file and its size is a multiple of 9728000, the other
 *  ED2K variant is not known here: use anidb_identify_path, which retries
 *  with it. *info receives the answer (free with anidb_free_anime_info).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (ed2k not 32 hex digits, size
 *  0, NULL), NO_SUCH_FILE (AniDB does not know it; not asked again for 24 h),
 *  NO_CREDENTIALS, LOGIN_FAILED, BANNED, OUT_OF_SERVICE, CLIENT_REJECTED,
 *  SERVER_BUSY, SERVER_ERROR, ACCESS_DENIED, PROTOCOL, TIMEOUT, NETWORK,
 *  OUT_OF_MEMORY. Blocks for as long as the flood rules require. */
ANIDB_API anidb_result_t anidb_identify_file(anidb_client_handle_t handle, const char* ed2k_hash,
                                             uint64_t file_size, anidb_anime_info_t** info);

/** Hashes the file (through the cache) and identifies it as
 *  anidb_identify_file does, retrying with the other ED2K variant when the
 *  size is a multiple of 9728000 and AniDB does not know the first.
 *  Errors: those of anidb_process_file and anidb_identify_file. */
ANIDB_API anidb_result_t anidb_identify_path(anidb_client_handle_t handle, const char* file_path,
                                             anidb_anime_info_t** info);

/** Adds the file (size + ED2K) to the user's MyList with the options (NULL:
 *  ANIDB_MYLIST_OPTIONS_INIT) and fills *result. A file the local MyList
 *  state already holds with the same wishes sends nothing
 *  (ALREADY_PRESENT); one AniDB has with other wishes is edited (UPDATED).
 *  Errors: those of anidb_identify_file, plus INVALID_PARAMETER (bad
 *  option values). */
ANIDB_API anidb_result_t anidb_mylist_add(anidb_client_handle_t handle, const char* ed2k_hash,
                                          uint64_t file_size,
                                          const anidb_mylist_options_t* options,
                                          anidb_mylist_result_t* result);

/* ====================================================================== */
/* Freeing results                                                         */
/* ====================================================================== */

/** Frees a string returned by the library. NULL is ignored; a pointer the
 *  library did not issue (or already freed) is refused and counted. */
ANIDB_API void anidb_free_string(char* str);
/** Frees a file result and everything in it. NULL is ignored. */
ANIDB_API void anidb_free_file_result(anidb_file_result_t* result);
/** Frees a batch result, every file result in it, and their contents. */
ANIDB_API void anidb_free_batch_result(anidb_batch_result_t* result);
/** Frees an anime info structure and its strings. */
ANIDB_API void anidb_free_anime_info(anidb_anime_info_t* info);

/* ====================================================================== */
/* Callbacks and events                                                    */
/* ====================================================================== */

/** Registers a callback of the given type (cast the function pointer to
 *  void*; its signature must match the type). Returns its id (never 0), or
 *  0 on error (invalid handle, NULL callback, unknown type: see the thread's
 *  last error). Callbacks of one client run one at a time, on a library
 *  thread or the thread that made the call. */
ANIDB_API uint64_t anidb_register_callback(anidb_client_handle_t handle,
                                           anidb_callback_type_t type, void* callback,
                                           void* user_data);

/** Removes a callback. When it returns, the callback is not running and will
 *  never be called again, so its user_data may be freed (called from inside
 *  a callback of the same client, it waits for nothing and takes effect for
 *  every later call). Errors: INVALID_HANDLE, INVALID_PARAMETER (unknown id). */
ANIDB_API anidb_result_t anidb_unregister_callback(anidb_client_handle_t handle,
                                                   uint64_t callback_id);

/** Connects one event callback per client (replacing an earlier one); queued
 *  events are then delivered to it as they happen instead of waiting for
 *  anidb_event_poll. Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL). */
ANIDB_API anidb_result_t anidb_event_connect(anidb_client_handle_t handle,
                                             anidb_event_callback_t callback, void* user_data);

/** Disconnects the event callback; events queue for anidb_event_poll
 *  again. Same guarantee as anidb_unregister_callback. */
ANIDB_API anidb_result_t anidb_event_disconnect(anidb_client_handle_t handle);

/** Moves up to max_events queued events, oldest first, into events and sets
 *  *event_count. The strings they point to stay valid until the next
 *  anidb_event_poll on this client or its destruction. The queue holds at
 *  most 4096 events (and its memory counts against the limit); when full
 *  the oldest are dropped, and the next poll returns first an
 *  ANIDB_EVENT_EVENTS_DROPPED event whose data.dropped.count says how many.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (events or event_count NULL
 *  with max_events > 0). */
ANIDB_API anidb_result_t anidb_event_poll(anidb_client_handle_t handle, anidb_event_t* events,
                                          size_t max_events, size_t* event_count);

/* ====================================================================== */
/* Memory                                                                  */
/* ====================================================================== */

/** Fills *stats. Errors: INVALID_PARAMETER (NULL). */
ANIDB_API anidb_result_t anidb_get_memory_stats(anidb_memory_stats_t* stats);

/** Frees every idle pooled buffer now. Always succeeds. */
ANIDB_API anidb_result_t anidb_memory_gc(void);

/** Live allocations handed to callers and not yet freed: count and bytes
 *  (0, 0 once everything returned has been freed). In debug builds the
 *  live ones are also listed on stderr. Errors: INVALID_PARAMETER (NULL). */
ANIDB_API anidb_result_t anidb_check_memory_leaks(uint64_t* leak_count, uint64_t* leaked_bytes);

/** Sets the library-wide memory limit in bytes; 0 restores 524288000. A
 *  limit below current use frees nothing but makes new requests fail until
 *  use drops. Always succeeds. */
ANIDB_API anidb_result_t anidb_set_memory_limit(uint64_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* ANIDB_ANIDB_H */
