/*
 * anidb.h — the C interface of libanidb.
 *
 * libanidb hashes files with the hashes AniDB records (ED2K in both its
 * variants, CRC32, MD5, SHA1, TTH) in one read on all cores, identifies them through AniDB's UDP
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
 *  3. Functions return anidb_result_t. On failure a message is kept in the
 *     calling thread's slot (anidb_get_last_error), whatever the call; a
 *     failed call on a client, or on an operation or batch of a client, also
 *     keeps it in that client's slot for the calling thread
 *     (anidb_client_get_last_error), so threads sharing a client never read
 *     each other's messages. Messages are not cleared by successful calls.
 *  4. Memory: the library allocates what it returns through a `T** out`
 *     parameter and the caller frees it with the one free function named in
 *     the function's comment (anidb_free_string, anidb_free_file_result,
 *     anidb_free_batch_result, anidb_free_anime_info, anidb_free_mylist_entry,
 *     anidb_free_anime, anidb_free_episode, anidb_free_group,
 *     anidb_free_title_search_result, anidb_free_queue_list) — never free().
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
 *  9. Growing structures. Structures the caller allocates and the library
 *     reads (anidb_config_t, anidb_process_options_t, anidb_batch_options_t,
 *     anidb_mylist_options_t) only ever grow by fields appended at their
 *     end; each growth raises ANIDB_ABI_VERSION by one and the field's
 *     comment says "since ABI n". The library reads a structure only up to
 *     the fields of the version passed to anidb_init(), so a program built
 *     against an older header keeps working with a newer library, unchanged
 *     and without recompiling (the newer fields take their defaults).
 *     Enum values a caller passes in (such as ANIDB_HASH_ED2K_BLUE) are
 *     added the same way: "since ABI n", refused with
 *     ANIDB_ERROR_INVALID_PARAMETER for a caller that passed an older
 *     version, whose header does not have them.
 *     Fields are never removed, reordered or retyped: that would be a new
 *     SONAME. Of the structures the library allocates, only those it hands
 *     out one at a time through a pointer and never as an array element
 *     may grow at their end (callers never allocate or copy them by value):
 *     anidb_batch_result_t, anidb_anime_info_t, anidb_mylist_entry_t,
 *     anidb_anime_t, anidb_episode_t, anidb_group_t,
 *     anidb_title_search_result_t and anidb_queue_list_t. Those laid out in
 *     arrays that callers index with their own sizeof can never grow:
 *     anidb_file_result_t (anidb_batch_result_t.results),
 *     anidb_hash_result_t (anidb_file_result_t.hashes), anidb_title_match_t
 *     and anidb_queue_job_t; new data reaches them as new values instead
 *     (a new hash algorithm is a new anidb_hash_algorithm_t entry).
 *     Structures the library fills in the caller's memory
 *     (anidb_memory_stats_t, anidb_allocation_stats_t, anidb_mylist_result_t,
 *     anidb_mylist_change_t, anidb_titles_update_t, anidb_queue_run_t, and
 *     anidb_event_t in anidb_event_poll's array) are the caller's size: one
 *     may grow only if the library then writes no field newer than the
 *     caller's ABI version, as it reads the structures above.
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

/* ANIDB_VERSION_MAJOR, _MINOR, _PATCH, ANIDB_VERSION_STRING and
 * ANIDB_ABI_VERSION, generated by the build from its one version number. */
#include <anidb/anidb_version.h>

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
    ANIDB_HASH_TTH = 5,   /**< 39 uppercase base32 characters, no padding */
    /** Since ABI 3. ED2K's other ("blue") variant, 32 lowercase hex digits.
     *  ED2K has two definitions that differ only for a file whose size is a
     *  non-zero exact multiple of the 9,728,000-byte chunk: ANIDB_HASH_ED2K
     *  ("red", what rhash --ed2k prints) then appends the MD4 of an empty
     *  chunk to the chunk list, the blue variant does not. AniDB knows some
     *  such files only by the blue value. For every other size both are the
     *  same value. Asked together with ANIDB_HASH_ED2K it costs nothing: one
     *  read and one MD4 pass give both (and the cache keeps both). A caller
     *  that passed an ABI version below 3 to anidb_init gets
     *  ANIDB_ERROR_INVALID_PARAMETER for it, as for any unknown value. */
    ANIDB_HASH_ED2K_BLUE = 6
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
    ANIDB_EVENT_EVENTS_DROPPED = 10,  /**< data.dropped: the queue overflowed */
    ANIDB_EVENT_NETWORK_WAIT = 11     /**< data.wait: a packet to AniDB waits for the rate
                                           limit (send_at: when it leaves), for another AniDB
                                           program of this machine or for the local port
                                           (send_at 0); context says which */
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
    struct {
        const char* endpoint; /**< "host:port" of the AniDB server */
        uint64_t send_at;     /**< planned send time, ms since the Unix epoch; 0: unknown */
    } wait;
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
    /* Since ABI 2. */
    const char* api_key;          /**< AniDB UDP API key for ENCRYPT (the setting
                                       "anidb.api_key"); copied, wiped on destroy */
    int encrypt;                  /**< 1: encrypt the AniDB session with api_key
                                       ("anidb.encrypt") */
} anidb_config_t;

typedef struct {
    const anidb_hash_algorithm_t* algorithms; /**< 1..6 distinct algorithms */
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
    uint32_t memory_pressure;    /**< 0 Low <50 %, 1 Medium 50-75 %, 2 High 75-90 %
                                      (exactly 90 % included), 3 Critical >90 % */
} anidb_memory_stats_t;

/** The kinds of memory the library tracks, the index into the array
 *  anidb_get_allocation_stats fills. New kinds are only ever appended. */
typedef enum {
    ANIDB_ALLOCATION_STRING = 0,       /**< strings: anidb_free_string ones and those inside
                                            results (paths, messages, titles) */
    ANIDB_ALLOCATION_HASH_RESULT = 1,  /**< hash arrays of file results, with their strings */
    ANIDB_ALLOCATION_FILE_RESULT = 2,  /**< anidb_file_result_t, alone or in a batch */
    ANIDB_ALLOCATION_BATCH_RESULT = 3, /**< anidb_batch_result_t */
    ANIDB_ALLOCATION_BUFFER = 4,       /**< buffers lent to running file reading and
                                            hashing (not yours to free: they come back
                                            when the operation ends) */
    ANIDB_ALLOCATION_EVENT = 5,        /**< the strings of polled events (one per client
                                            that polled), kept until its next poll */
    ANIDB_ALLOCATION_ANIME_INFO = 6,   /**< anidb_anime_info_t */
    ANIDB_ALLOCATION_MYLIST_ENTRY = 7, /**< anidb_mylist_entry_t */
    ANIDB_ALLOCATION_ANIME = 8,        /**< anidb_anime_t */
    ANIDB_ALLOCATION_EPISODE = 9,      /**< anidb_episode_t */
    ANIDB_ALLOCATION_GROUP = 10,       /**< anidb_group_t */
    ANIDB_ALLOCATION_TITLE_SEARCH = 11, /**< anidb_title_search_result_t with its matches */
    ANIDB_ALLOCATION_QUEUE_LIST = 12   /**< anidb_queue_list_t with its jobs */
} anidb_allocation_type_t;

/** How many allocation types this header knows. */
#define ANIDB_ALLOCATION_TYPE_COUNT 13

/** Live figures of one allocation type (see anidb_get_allocation_stats). */
typedef struct {
    uint64_t live_count; /**< objects of this type alive now */
    uint64_t live_bytes; /**< bytes they take */
} anidb_allocation_stats_t;

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

/* ---- MyList both ways, metadata, titles, the work queue (issue 16) ---- */

/** What a MyList change did (anidb_mylist_remove, _edit, _watched). */
typedef enum {
    ANIDB_MYLIST_CHANGE_NOTHING = 0, /**< already as asked: nothing was sent */
    ANIDB_MYLIST_CHANGE_ADDED = 1,   /**< a new entry */
    ANIDB_MYLIST_CHANGE_EDITED = 2,  /**< the entry's values changed */
    ANIDB_MYLIST_CHANGE_REMOVED = 3, /**< the entry is gone */
    ANIDB_MYLIST_CHANGE_QUEUED = 4,  /**< could not be sent now: kept in the work queue
                                          and sent later, by any process (reason says why) */
    ANIDB_MYLIST_CHANGE_DONE_FROM_QUEUE = 5 /**< went behind earlier queued work of the file
                                                 and was sent with it now */
} anidb_mylist_change_kind_t;

/** Why queued work waits (the stored numbers of the queue). */
typedef enum {
    ANIDB_QUEUE_REASON_NONE = 0,            /**< due: waits only for its turn */
    ANIDB_QUEUE_REASON_COOLDOWN = 1,        /**< ban (555) or out of service (601) */
    ANIDB_QUEUE_REASON_NO_ANSWER = 2,       /**< AniDB did not answer: back-off */
    ANIDB_QUEUE_REASON_SERVER_BUSY = 3,     /**< 602 / 604 */
    ANIDB_QUEUE_REASON_NO_CREDENTIALS = 4,  /**< no user name / password, or refused */
    ANIDB_QUEUE_REASON_UNKNOWN_FILE = 5,    /**< AniDB does not know the file yet */
    ANIDB_QUEUE_REASON_INTERRUPTED = 6,     /**< its process ended before it finished */
    ANIDB_QUEUE_REASON_LOCAL_ERROR = 7,     /**< the cache or host-wide state failed */
    ANIDB_QUEUE_REASON_SERVER_ERROR = 8,    /**< 6xx on this request */
    ANIDB_QUEUE_REASON_CLIENT_REJECTED = 9  /**< 503 / 504 */
} anidb_queue_reason_t;

typedef struct {
    anidb_mylist_change_kind_t what;
    uint64_t mylist_id;          /**< the entry (0: none now, or not known) */
    uint32_t commands;           /**< AniDB commands sent (0: answered locally) */
    int64_t job_id;              /**< QUEUED: the queued job (anidb_queue_list) */
    anidb_queue_reason_t reason; /**< QUEUED: why it waits */
    int64_t next_try_at;         /**< QUEUED: not tried before (Unix time) */
} anidb_mylist_change_t;

/** A file's MyList entry as last known (anidb_mylist_show). */
typedef struct {
    int in_mylist;             /**< 1: in MyList (the fields below hold); 0: not */
    uint64_t mylist_id, file_id, episode_id, anime_id, group_id;
    int state;                 /**< anidb_mylist_state_t */
    int64_t viewdate;          /**< Unix time; 0: not watched */
    int64_t date_added;        /**< Unix time */
    char* source;              /**< "" when unset */
    char* storage;
    char* other;               /**< may hold newlines */
    int filestate;             /**< AniDB's file state (0 normal, 1 corrupted, ...) */
    int from_local_state;      /**< 1: answered without a packet */
    int64_t confirmed_at;      /**< when AniDB last said so (Unix time) */
} anidb_mylist_entry_t;

/** Where a metadata record came from and how long it is kept. */
typedef struct {
    int from_cache;     /**< 1: from the cache, nothing sent */
    int64_t fetched_at; /**< when AniDB sent it (Unix time) */
    int64_t expires_at; /**< AniDB is asked again after this (Unix time) */
} anidb_record_origin_t;

/** ANIME (anidb_anime_get). Lists are joined by '\n'. */
typedef struct {
    uint64_t anime_id;
    char* title_romaji;
    char* title_kanji;
    char* title_english;
    char* title_other;
    char* short_names;   /**< one per line */
    char* synonyms;      /**< one per line */
    char* type;          /**< "TV Series", "Movie" ... */
    char* year;          /**< "2019" or "2019-2020" */
    int64_t episodes, highest_episode, special_count;
    int64_t air_date, end_date; /**< Unix time; 0 unknown */
    int64_t rating;      /**< x100 */
    int64_t vote_count;
    int is_18_restricted;
    int64_t dateflags;
    char* url;
    char* picname;
    anidb_record_origin_t origin;
} anidb_anime_t;

/** EPISODE (anidb_episode_get). */
typedef struct {
    uint64_t episode_id, anime_id;
    char* epno;          /**< "03", "S1" ... */
    char* title_english;
    char* title_romaji;
    char* title_kanji;
    int64_t length_minutes;
    int64_t rating, votes;
    int64_t aired;       /**< Unix time; 0 unknown */
    int type;            /**< 1 regular, 2 special, 3 credits, 4 trailer, 5 parody, 6 other */
    anidb_record_origin_t origin;
} anidb_episode_t;

/** GROUP (anidb_group_get). */
typedef struct {
    uint64_t group_id;
    char* name;
    char* short_name;
    char* irc_channel;
    char* irc_server;
    char* url;
    char* picname;
    int64_t rating, votes, anime_count, file_count;
    int64_t founded, disbanded, last_release, last_activity; /**< Unix time; 0 unknown */
    anidb_record_origin_t origin;
} anidb_group_t;

/** One anime found by anidb_titles_search. */
typedef struct {
    uint64_t anime_id;
    char* main_title;   /**< the anime's main title */
    char* title;        /**< the title that matched */
    int type;           /**< 1 main, 2 synonym, 3 short, 4 official */
    char* lang;         /**< "en", "x-jat", "ja" ... */
    int score;          /**< higher is better; comparable within one search */
} anidb_title_match_t;

typedef struct {
    anidb_title_match_t* matches; /**< best first, one per anime */
    size_t count;
    uint64_t corrupt_rows;        /**< damaged stored rows left out (anidb_titles_update
                                       with force repairs) */
} anidb_title_search_result_t;

typedef enum {
    ANIDB_TITLES_UPDATED = 0,      /**< downloaded and stored */
    ANIDB_TITLES_NOT_MODIFIED = 1, /**< asked; the server said 304 */
    ANIDB_TITLES_UP_TO_DATE = 2,   /**< not asked: the stored titles are younger than 24 h */
    ANIDB_TITLES_TOO_SOON = 3      /**< not asked: the last request was less than 24 h ago */
} anidb_titles_outcome_t;

typedef struct {
    anidb_titles_outcome_t outcome;
    int64_t next_request_at; /**< earliest Unix time AniDB's 24 h rule allows a request */
    uint64_t titles;         /**< titles stored now */
    uint64_t anime;          /**< anime stored now */
} anidb_titles_update_t;

typedef enum {
    ANIDB_QUEUE_JOB_IDENTIFY = 1,
    ANIDB_QUEUE_JOB_MYLIST_ADD = 2,
    ANIDB_QUEUE_JOB_MYLIST_EDIT = 3,
    ANIDB_QUEUE_JOB_MYLIST_REMOVE = 4,
    ANIDB_QUEUE_JOB_WATCHED = 5      /**< mark watched or unwatched */
} anidb_queue_job_kind_t;

typedef struct {
    int64_t id;                  /**< order of asking */
    anidb_queue_job_kind_t kind;
    uint64_t file_size;
    char* ed2k;
    int failed;                  /**< 1: will not be tried again (anidb_queue_clear drops it) */
    int running;                 /**< 1: a live process runs it now */
    anidb_queue_reason_t reason;
    char* detail;                /**< the last error's message, or "" */
    int attempts;
    int64_t created_at, next_try_at; /**< Unix time */
} anidb_queue_job_t;

typedef struct {
    anidb_queue_job_t* jobs; /**< in the order they were asked for */
    size_t count;
    size_t unreadable;       /**< damaged rows (never run; anidb_queue_clear drops them) */
} anidb_queue_list_t;

typedef struct {
    size_t completed, rescheduled, failed, released;
    anidb_result_t stopped_by; /**< the error that ended the run early, or ANIDB_SUCCESS */
} anidb_queue_run_t;

/* ====================================================================== */
/* Library                                                                 */
/* ====================================================================== */

/** Initialises the library. Call before anything else with
 *  ANIDB_ABI_VERSION; calling it again while initialised is harmless.
 *  Any version from 1 to this library's ANIDB_ABI_VERSION is accepted: the
 *  structures you allocate are then read in the layout of that version
 *  (see "Growing structures" above). When several parts of one process
 *  pass different versions, the lowest since the last anidb_cleanup()
 *  is used for everyone, so no structure is read past its end.
 *  Errors: ANIDB_ERROR_VERSION_MISMATCH when abi_version is 0 or newer
 *  than the library. */
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

/** Copies the calling thread's last error message (set by every failed call
 *  made on this thread, with or without a client) into buffer. "" when there
 *  was none.
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
 *  "anidb.timeout_ms" reply time-out (15000; doubled per resend),
 *  "anidb.retries" resends after a time-out (2), "anidb.give_up_ms" the
 *  longest one request waits for AniDB's answer, resends included (60000;
 *  after that the next requests fail at once with TIMEOUT during a
 *  back-off of 30 s, 2 min, 5 min, ...),
 *  "anidb.interval_scale" (honoured only for a loopback server: tests),
 *  "anidb.file_ttl_days" (30), "anidb.unknown_retry_hours" (24),
 *  "cache.enabled" ("0": stop using the cache from the next call, "1": use it again),
 *  "cache.answers": how identification uses cached AniDB answers: "use" (default:
 *  a fresh cached answer is used), "refresh" (AniDB is always asked and its answer
 *  replaces the cached one), "off" (AniDB is always asked; answers are neither
 *  read from nor stored in the cache; also ANIME / EPISODE / GROUP records),
 *  "io.readers_per_device" files a batch reads at once from one device ("0", the
 *  default: 1 for a spinning disk or a network/FUSE file system, 4 otherwise),
 *  "io.readers_for_path" "PREFIX=N": files under PREFIX share N readers (the
 *  longest matching prefix wins; N "0" removes the rule; may be set repeatedly),
 *  "titles.url" where anidb_titles_update downloads AniDB's anime-titles dump
 *  (default https://anidb.net/api/anime-titles.dat.gz, or $ANIDB_TITLES_URL;
 *  http:// or https:// only, e.g. a mirror).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (unknown key, bad value),
 *  INVALID_UTF8. Thread-safe; takes effect for the next network request. */
ANIDB_API anidb_result_t anidb_client_set_option(anidb_client_handle_t handle, const char* key,
                                                 const char* value);

/** Cancels the client's running operations and batches and ends every
 *  AniDB wait of its calls running on other threads (they return
 *  ANIDB_ERROR_CANCELLED), waits for them, logs out of AniDB when that fits
 *  in half a second (unless the session is kept for reuse by the next
 *  process), wipes the credentials and invalidates the handle and its
 *  operation/batch handles.
 *  Errors: INVALID_HANDLE; BUSY when called from one of this client's own
 *  callbacks (destroy it after the callback returns). */
ANIDB_API anidb_result_t anidb_client_destroy(anidb_client_handle_t handle);

/** Copies the client's last error message for the calling thread into buffer
 *  (truncated at a UTF-8 boundary, always NUL-terminated): the message of the
 *  last failed call this thread made on the client (or on one of its
 *  operations or batches), or a problem the client met on its own (running
 *  without a cache, a cache problem reported to ERROR callbacks) when that
 *  came later. "" when there was none. Another thread's failures never show
 *  here.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (buffer NULL or size 0). */
ANIDB_API anidb_result_t anidb_client_get_last_error(anidb_client_handle_t handle, char* buffer,
                                                     size_t buffer_size);

/** The client's last error message for the calling thread (as
 *  anidb_client_get_last_error) as a new string; free it with
 *  anidb_free_string(). NULL when the handle is invalid or memory is out
 *  (the thread's last error then says which). */
ANIDB_API char* anidb_client_get_last_error_string(anidb_client_handle_t handle);

/* ====================================================================== */
/* Hashing                                                                 */
/* ====================================================================== */

/** Hashes one file (consulting and filling the client's cache) and returns
 *  the result in *result; free it with anidb_free_file_result(). Blocks.
 *  The result lists the algorithms in the order asked. ANIDB_HASH_ED2K_BLUE
 *  is computed as ED2K (ED2K and ED2K_BLUE together: one read, one MD4
 *  pass); events and the cache name it ANIDB_HASH_ED2K.
 *  Errors: INVALID_HANDLE; INVALID_PARAMETER (NULL argument, 0 or more than
 *  6 algorithms, unknown or duplicate algorithm, ED2K_BLUE for a caller of
 *  ABI 1 or 2, not a regular file);
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
 *  40, and 33 for ED2K_BLUE); 0 for an unknown algorithm. Like
 *  anidb_hash_algorithm_name, it describes every value of this header
 *  whatever version was passed to anidb_init. */
ANIDB_API size_t anidb_hash_buffer_size(anidb_hash_algorithm_t algorithm);

/** "ED2K", "CRC32", "MD5", "SHA1", "TTH", "ED2K_BLUE"; "UNKNOWN" otherwise.
 *  Static. */
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

/** The order in which a streaming batch hands its results over. */
typedef enum {
    ANIDB_BATCH_INPUT_ORDER = 0,     /**< in the order of file_paths */
    ANIDB_BATCH_COMPLETION_ORDER = 1 /**< as each file completes */
} anidb_batch_order_t;

/** One file's result of a streaming batch (anidb_process_batch_stream and
 *  _stream_async). `index` is the file's place in file_paths; `file_error`
 *  is ANIDB_SUCCESS for a COMPLETED file and why it failed otherwise (e.g.
 *  ANIDB_ERROR_FILE_NOT_FOUND; ANIDB_ERROR_CANCELLED for a CANCELLED one).
 *  `result` is BORROWED: it is valid only until the callback returns and
 *  the library frees it (copy what you keep; never pass it to
 *  anidb_free_file_result). Calls come one at a time from the batch's
 *  worker threads, serialised with the client's other callbacks. Return 0
 *  to go on, anything else to stop the batch: files not started are not
 *  read, reads under way stop within one buffer (well under 100 ms) and no
 *  further result is handed over. */
typedef int (*anidb_file_result_callback_t)(size_t index, anidb_result_t file_error,
                                            const anidb_file_result_t* result, void* user_data);

/** Like anidb_process_batch, but streams: each file's result goes to
 *  on_result as soon as it is known (in `order`), and nothing is kept, so
 *  memory stays bounded whatever file_count is (in input order a result
 *  waits at most for a few thousand earlier files). Every file of the batch
 *  is handed over exactly once (a file not started because of
 *  continue_on_error = 0, or because the client was destroyed meanwhile,
 *  comes as CANCELLED) unless on_result stops the batch; a result that does
 *  not fit under the memory limit stops it too. options->progress_callback
 *  and completion_callback work as in anidb_process_batch. *failed_files
 *  (when failed_files is not NULL) receives the number of results that
 *  were not COMPLETED; it is 0 on an error. Returns after the last result
 *  was handed over.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL paths, options or
 *  on_result, count 0, bad algorithms, order not an anidb_batch_order_t),
 *  INVALID_UTF8 (any path; nothing is handed over), CANCELLED (on_result
 *  returned non-zero), OUT_OF_MEMORY (a result did not fit under the
 *  memory limit). */
ANIDB_API anidb_result_t anidb_process_batch_stream(anidb_client_handle_t handle,
                                                    const char** file_paths, size_t file_count,
                                                    const anidb_batch_options_t* options,
                                                    anidb_batch_order_t order,
                                                    anidb_file_result_callback_t on_result,
                                                    void* user_data, size_t* failed_files);

/** anidb_process_batch_stream in the background: *batch receives its handle
 *  (destroy with anidb_batch_destroy; paths and options are copied).
 *  anidb_batch_cancel stops it within 100 ms; anidb_batch_get_progress
 *  counts the results handed over; the completion callback says when it
 *  ended. anidb_batch_get_result then gives total_files = 0 (nothing is
 *  kept) with successful_files and failed_files counted.
 *  Errors: as anidb_process_batch_stream (except CANCELLED and
 *  OUT_OF_MEMORY, which end the batch instead), plus INVALID_PARAMETER
 *  (batch NULL). */
ANIDB_API anidb_result_t anidb_process_batch_stream_async(
    anidb_client_handle_t handle, const char** file_paths, size_t file_count,
    const anidb_batch_options_t* options, anidb_batch_order_t order,
    anidb_file_result_callback_t on_result, void* user_data, anidb_batch_handle_t* batch);

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
 * and the entry replaced. Stores are grouped (one transaction per 4096 files
 * or 50 ms, whichever first): a crash loses at most the last group, never
 * corrupts; the client's calls see their own stores at once, other clients
 * and processes once the group is committed. Problems that fail no call -- a
 * damaged entry, hashes that could not be stored (disk full, I/O error) --
 * are reported once per kind, then summed up at the end of a batch and in
 * anidb_client_destroy(): to the ERROR callbacks as ANIDB_ERROR_CACHE, as
 * the client's last error, and as an ANIDB_EVENT_CACHE_MISS event whose
 * context starts with "cache problem: ". See docs/cache.md. */

/** Deletes every cached hash and AniDB answer of the client's database,
 *  and the local MyList state; keeps the work queue (anidb_queue_clear)
 *  and the stored anime titles (AniDB allows one download a day).
 *  Errors: INVALID_HANDLE, CACHE (no usable cache, or SQLite failed). */
ANIDB_API anidb_result_t anidb_cache_clear(anidb_client_handle_t handle);

/** Number of cached file hash entries and the database's size on disk.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL out-pointer), CACHE. */
ANIDB_API anidb_result_t anidb_cache_get_stats(anidb_client_handle_t handle,
                                               size_t* total_entries, uint64_t* cache_size_bytes);

/** *is_cached = 1 when the file, as it is on disk now (path, size, mtime,
 *  inode), has a cached value for algorithm; 0 otherwise. ED2K and
 *  ED2K_BLUE are cached together (both or neither).
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
 *  SERVER_BUSY, SERVER_ERROR, ACCESS_DENIED, PROTOCOL (also: a reply that
 *  is not about this size and ED2K, which is never cached), TIMEOUT,
 *  NETWORK, IO (the host-wide AniDB state folder, /var/tmp/anidb-udp or
 *  $ANIDB_HOST_STATE_DIR, is unusable), CANCELLED (anidb_client_destroy
 *  from another thread), OUT_OF_MEMORY. Blocks for as long as the flood
 *  rules require: every AniDB program of the machine shares one rate limit
 *  (ANIDB_EVENT_NETWORK_WAIT events tell), and an unanswered request gives
 *  up after anidb.give_up_ms (60 s). */
ANIDB_API anidb_result_t anidb_identify_file(anidb_client_handle_t handle, const char* ed2k_hash,
                                             uint64_t file_size, anidb_anime_info_t** info);

/** Hashes the file (through the cache) and identifies it as
 *  anidb_identify_file does, retrying with the other ED2K variant when the
 *  size is a multiple of 9728000 and AniDB does not know the first.
 *  Errors: those of anidb_process_file and anidb_identify_file. */
ANIDB_API anidb_result_t anidb_identify_path(anidb_client_handle_t handle, const char* file_path,
                                             anidb_anime_info_t** info);

/** Adds the file (size + ED2K) to the user's MyList with the options (NULL:
 *  ANIDB_MYLIST_OPTIONS_INIT) and fills *result. It reads and records the
 *  local MyList state that every MyList call shares (so
 *  anidb_mylist_show sees the entry without asking): a file that state
 *  already holds with the same wishes sends nothing (ALREADY_PRESENT,
 *  source 1); one AniDB has with other wishes is edited (UPDATED). With
 *  options->edit = 1 the file's existing entry is changed and none is
 *  added. Sent directly, never queued: an error is returned.
 *  Errors: those of anidb_identify_file, plus INVALID_PARAMETER (bad
 *  option values), INVALID_UTF8 (option text), NO_SUCH_FILE also when
 *  edit = 1 and the file is not in MyList, CACHE (no usable cache: the
 *  local MyList state lives there), BUSY (the cache database stayed locked
 *  30 s). */
ANIDB_API anidb_result_t anidb_mylist_add(anidb_client_handle_t handle, const char* ed2k_hash,
                                          uint64_t file_size,
                                          const anidb_mylist_options_t* options,
                                          anidb_mylist_result_t* result);

/* ====================================================================== */
/* MyList both ways, anime metadata, offline title search, work queue      */
/* (docs/mylist-and-metadata.md)                                           */
/* ====================================================================== */

/* Every MyList call names the file by ED2K (32 hex digits) and size; it is
 * identified first (through the cache, as anidb_identify_file does) and the
 * local MyList state answers when it can, so a call that changes nothing
 * sends nothing. A change that cannot be sent now (a ban or 601 cool-down,
 * no answer, no credentials, a file AniDB does not know yet) is kept in the
 * work queue in the cache database, reported as ANIDB_MYLIST_CHANGE_QUEUED
 * and returns ANIDB_SUCCESS; any later process sends it (anidb_queue_run).
 * The MyList, queue and title calls need the cache (ANIDB_ERROR_CACHE
 * without one). */

/** The file's MyList entry: from the local state when it is trusted (7
 *  days), else asked (MYLIST); refresh = 1 always asks. *entry receives it
 *  (free with anidb_free_mylist_entry).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL, ED2K not 32 hex digits,
 *  size 0, refresh not 0/1), INVALID_UTF8, CACHE, OUT_OF_MEMORY, and those
 *  of anidb_identify_file (NO_SUCH_FILE, NO_CREDENTIALS, LOGIN_FAILED,
 *  BANNED, OUT_OF_SERVICE, CLIENT_REJECTED, SERVER_BUSY, SERVER_ERROR,
 *  ACCESS_DENIED, PROTOCOL, TIMEOUT, NETWORK, IO, CANCELLED). */
ANIDB_API anidb_result_t anidb_mylist_show(anidb_client_handle_t handle, const char* ed2k_hash,
                                           uint64_t file_size, int refresh,
                                           anidb_mylist_entry_t** entry);

/** Removes the file from MyList (MYLISTDEL); nothing is sent when it is
 *  known not to be there. Fills the caller's *change (nothing to free).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER, INVALID_UTF8, CACHE, and
 *  those of anidb_identify_file that waiting cannot help (PROTOCOL,
 *  ACCESS_DENIED, CANCELLED, ...); waiting ones queue the work (above). */
ANIDB_API anidb_result_t anidb_mylist_remove(anidb_client_handle_t handle, const char* ed2k_hash,
                                             uint64_t file_size, anidb_mylist_change_t* change);

/** Sets values on the file's existing entry (MYLISTADD edit=1): state,
 *  viewed, viewdate, source, storage, other of *values (-1 / NULL: left as
 *  they are; values->edit is ignored). Fills *change.
 *  Errors: those of anidb_mylist_remove, plus INVALID_PARAMETER (nothing
 *  to set, bad values), NO_SUCH_FILE (the file is not in MyList). */
ANIDB_API anidb_result_t anidb_mylist_edit(anidb_client_handle_t handle, const char* ed2k_hash,
                                           uint64_t file_size,
                                           const anidb_mylist_options_t* values,
                                           anidb_mylist_change_t* change);

/** "Mark watched" (watched = 1) or unwatched (0), the call a player makes
 *  when an episode ends: adds the file to MyList (state HDD, watched) when
 *  it is not there, sets viewed and the view date otherwise; an unwatched
 *  file is never added. viewdate: Unix time of the viewing, 0 for now (the
 *  first viewing counts). A repeat sends nothing. Fills *change.
 *  Errors: those of anidb_mylist_remove, plus INVALID_PARAMETER (watched
 *  not 0/1, viewdate negative or past 2^31-1). */
ANIDB_API anidb_result_t anidb_mylist_watched(anidb_client_handle_t handle, const char* ed2k_hash,
                                              uint64_t file_size, int watched, int64_t viewdate,
                                              anidb_mylist_change_t* change);

/** anidb_mylist_watched for a file on disk: its ED2K comes from the cache,
 *  or the file is hashed (as anidb_process_file does). For a size that is a
 *  multiple of the 9728000-byte ED2K chunk, the variant AniDB knows the file
 *  by (as anidb_identify_path; both come from the one read or the cache).
 *  Errors: those of anidb_process_file and anidb_mylist_watched. */
ANIDB_API anidb_result_t anidb_mylist_watched_path(anidb_client_handle_t handle,
                                                   const char* file_path, int watched,
                                                   int64_t viewdate, anidb_mylist_change_t* change);

/** ANIME by id (anime_id > 0, name NULL) or by name (anime_id 0; an exact
 *  title, case aside), from the cache while it is fresh (7 days while the
 *  anime airs, 30 once it ended; "no such anime" 3 days), else asked.
 *  *anime receives it (free with anidb_free_anime).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL out-pointer, both or
 *  neither of id and name, id over 2^31-1, a name of more than 512 bytes or
 *  with control characters), INVALID_UTF8, NO_SUCH_FILE (AniDB has no such
 *  anime), OUT_OF_MEMORY, and the AniDB errors of anidb_identify_file. */
ANIDB_API anidb_result_t anidb_anime_get(anidb_client_handle_t handle, uint64_t anime_id,
                                         const char* name, anidb_anime_t** anime);

/** EPISODE by id (episode_id > 0, the rest 0 / NULL) or by anime (anime_id
 *  or anime_name) and episode number (epno: "3", "03", "S1" ...). Kept 7
 *  days until a week after it aired, 30 after. *episode receives it (free
 *  with anidb_free_episode). Errors: those of anidb_anime_get (NO_SUCH_FILE:
 *  no such episode). */
ANIDB_API anidb_result_t anidb_episode_get(anidb_client_handle_t handle, uint64_t episode_id,
                                           uint64_t anime_id, const char* anime_name,
                                           const char* epno, anidb_episode_t** episode);

/** GROUP by id (group_id > 0, name NULL) or by name or short name (group_id
 *  0). Kept 30 days. *group receives it (free with anidb_free_group).
 *  Errors: those of anidb_anime_get (NO_SUCH_FILE: no such group). */
ANIDB_API anidb_result_t anidb_group_get(anidb_client_handle_t handle, uint64_t group_id,
                                         const char* name, anidb_group_t** group);

/** Searches the stored anime titles (every type and language; case and
 *  accents ignored), offline: text, lang ("en", "x-jat" ...; NULL or "" for
 *  any), limit (0: 20; at most 1000). No titles stored: an empty result
 *  (anidb_titles_update downloads them). *result receives the matches (free
 *  with anidb_free_title_search_result).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL, text over 1024 bytes or
 *  without letters or digits, a malformed lang, limit over 1000),
 *  INVALID_UTF8, CACHE, OUT_OF_MEMORY. */
ANIDB_API anidb_result_t anidb_titles_search(anidb_client_handle_t handle, const char* text,
                                             const char* lang, size_t limit,
                                             anidb_title_search_result_t** result);

/** Downloads AniDB's anime-titles dump from the "titles.url" option
 *  (anidb_client_set_option; AniDB's own URL by default) and stores it,
 *  keeping AniDB's rule of at most one request per 24 h: stored titles
 *  younger than 24 h are kept (force = 1 asks anyway, but never twice in
 *  24 h while usable titles are stored). Fills the caller's *result.
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL, force not 0/1),
 *  CANCELLED, TIMEOUT, NETWORK, SERVER_ERROR ("HTTP <status>"), PROTOCOL (a
 *  damaged or oversized dump), OUT_OF_MEMORY, CACHE. The stored titles are
 *  unchanged after any error. */
ANIDB_API anidb_result_t anidb_titles_update(anidb_client_handle_t handle, int force,
                                             anidb_titles_update_t* result);

/** Every job of the work queue, in order. *list receives them (free with
 *  anidb_free_queue_list). Errors: INVALID_HANDLE, INVALID_PARAMETER
 *  (NULL), CACHE, OUT_OF_MEMORY. */
ANIDB_API anidb_result_t anidb_queue_list(anidb_client_handle_t handle,
                                          anidb_queue_list_t** list);

/** Sends the due jobs (every waiting one with include_not_due = 1) in
 *  order, within the flood rules, and fills the caller's *result; a run
 *  stops at the first error every later job would meet too (stopped_by).
 *  Errors: INVALID_HANDLE, INVALID_PARAMETER (NULL, include_not_due not
 *  0/1), CACHE, CANCELLED. */
ANIDB_API anidb_result_t anidb_queue_run(anidb_client_handle_t handle, int include_not_due,
                                         anidb_queue_run_t* result);

/** Drops every job (failed_only = 0) or the failed and unreadable ones (1);
 *  a job a live process runs now finishes. *dropped (may be NULL) receives
 *  the count. Errors: INVALID_HANDLE, INVALID_PARAMETER (failed_only not
 *  0/1), CACHE. */
ANIDB_API anidb_result_t anidb_queue_clear(anidb_client_handle_t handle, int failed_only,
                                           size_t* dropped);

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
/** Frees a MyList entry and its strings. NULL is ignored. */
ANIDB_API void anidb_free_mylist_entry(anidb_mylist_entry_t* entry);
/** Frees an anime record and its strings. NULL is ignored. */
ANIDB_API void anidb_free_anime(anidb_anime_t* anime);
/** Frees an episode record and its strings. NULL is ignored. */
ANIDB_API void anidb_free_episode(anidb_episode_t* episode);
/** Frees a group record and its strings. NULL is ignored. */
ANIDB_API void anidb_free_group(anidb_group_t* group);
/** Frees a title search result, its matches and their strings. */
ANIDB_API void anidb_free_title_search_result(anidb_title_search_result_t* result);
/** Frees a queue listing, its jobs and their strings. */
ANIDB_API void anidb_free_queue_list(anidb_queue_list_t* list);

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
 *  *event_count. The strings they point to (one tracked allocation of type
 *  ANIDB_ALLOCATION_EVENT) stay valid until the next anidb_event_poll on
 *  this client or its destruction. The queue holds at most 4096 events (and
 *  its memory counts against the limit); when full the oldest are dropped,
 *  and the next poll returns an ANIDB_EVENT_EVENTS_DROPPED event whose
 *  data.dropped.count says how many. An ANIDB_EVENT_MEMORY_WARNING has room
 *  of its own: it is never dropped, whatever the memory left, and comes
 *  first (warnings not polled yet are merged into one with the latest
 *  figures). A poll with max_events 0 only gives back the previous poll's
 *  strings. Errors: INVALID_HANDLE, INVALID_PARAMETER (events or
 *  event_count NULL with max_events > 0), OUT_OF_MEMORY (queued events
 *  whose strings do not fit under the limit and nothing else to return:
 *  they stay queued for a later poll). */
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

/** Live count and bytes per allocation type: which kind of result you have
 *  not freed yet. Fills stats[i] for allocation type i (anidb_allocation_type_t)
 *  for i < min(capacity, the types the library knows) and sets *out_count to
 *  that number; never writes past stats[capacity - 1] (pass
 *  ANIDB_ALLOCATION_TYPE_COUNT). A result counts in every type it is made of:
 *  a file result with hashes is one FILE_RESULT, one HASH_RESULT and one
 *  STRING per path and error message; a batch of n files is one
 *  BATCH_RESULT and n FILE_RESULTs with their strings and hash arrays; an
 *  anime info is one ANIME_INFO and 14 STRINGs. Summed over the types other
 *  than BUFFER, live_bytes equals anidb_check_memory_leaks's leaked_bytes.
 *  In debug builds every live allocation is also listed on stderr, as
 *  anidb_check_memory_leaks does. Returns nothing you must free.
 *  Errors: INVALID_PARAMETER (stats or out_count NULL, capacity 0). */
ANIDB_API anidb_result_t anidb_get_allocation_stats(anidb_allocation_stats_t* stats,
                                                    size_t capacity, size_t* out_count);

/** Sets the library-wide memory limit in bytes; 0 restores 524288000. A
 *  limit below current use frees nothing but makes new requests fail until
 *  use drops. Always succeeds. */
ANIDB_API anidb_result_t anidb_set_memory_limit(uint64_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* ANIDB_ANIDB_H */
