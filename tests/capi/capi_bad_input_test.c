/* Drives the C ABI with bad input, compiled as C11 with -Wall -Werror:
 * NULL for every pointer, destroyed and made-up handles, invalid UTF-8,
 * buffers of size 0 and 1, unknown enum values, double frees, cleanup with
 * live clients, init/cleanup/init. Every check must hold; nothing may crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anidb/anidb.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            ++passed;                                                                \
        } else {                                                                     \
            ++failed;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

static const char* bad_utf8 = "\xff\xfe bad \xc3\x28";

static anidb_client_handle_t new_client(const char* dir) {
    anidb_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.cache_dir = dir;
    anidb_client_handle_t h = NULL;
    CHECK(anidb_client_create_with_config(&cfg, &h) == ANIDB_SUCCESS);
    CHECK(h != NULL);
    return h;
}

static void test_library(void) {
    CHECK(anidb_init(ANIDB_ABI_VERSION + 1) == ANIDB_ERROR_VERSION_MISMATCH);
    char why[128];
    CHECK(anidb_get_last_error(why, sizeof why) == ANIDB_SUCCESS && strstr(why, "ABI") != NULL);
    CHECK(anidb_init(0) == ANIDB_ERROR_VERSION_MISMATCH);
    CHECK(anidb_init(ANIDB_ABI_VERSION) == ANIDB_SUCCESS);
    CHECK(anidb_init(ANIDB_ABI_VERSION) == ANIDB_SUCCESS); /* twice is harmless */
    CHECK(anidb_get_abi_version() == ANIDB_ABI_VERSION);
    CHECK(strcmp(anidb_get_version(), ANIDB_VERSION_STRING) == 0);
    CHECK(strcmp(anidb_error_string((anidb_result_t)12345), "unknown error") == 0);
    CHECK(strlen(anidb_error_string(ANIDB_ERROR_INVALID_UTF8)) > 0);
    CHECK(strcmp(anidb_hash_algorithm_name((anidb_hash_algorithm_t)0), "UNKNOWN") == 0);
    CHECK(strcmp(anidb_hash_algorithm_name(ANIDB_HASH_TTH), "TTH") == 0);
    CHECK(anidb_hash_buffer_size((anidb_hash_algorithm_t)77) == 0);
    CHECK(anidb_hash_buffer_size(ANIDB_HASH_ED2K) == 33);
    CHECK(anidb_hash_buffer_size(ANIDB_HASH_CRC32) == 9);
    CHECK(anidb_hash_buffer_size(ANIDB_HASH_SHA1) == 41);
    CHECK(anidb_hash_buffer_size(ANIDB_HASH_TTH) == 40);
    CHECK(anidb_hash_buffer_size(ANIDB_HASH_ED2K_BLUE) == 33);
    CHECK(anidb_hash_buffer_size((anidb_hash_algorithm_t)7) == 0);
    CHECK(strcmp(anidb_hash_algorithm_name(ANIDB_HASH_ED2K_BLUE), "ED2K_BLUE") == 0);
    CHECK(strcmp(anidb_hash_algorithm_name((anidb_hash_algorithm_t)7), "UNKNOWN") == 0);
    CHECK(anidb_get_last_error(NULL, 10) == ANIDB_ERROR_INVALID_PARAMETER);
    char one[1] = {'x'};
    CHECK(anidb_get_last_error(one, 1) == ANIDB_SUCCESS && one[0] == '\0');
    CHECK(anidb_get_memory_stats(NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_check_memory_leaks(NULL, NULL) == ANIDB_ERROR_INVALID_PARAMETER);

    /* Per-type figures: NULLs and capacity 0 refused, never a write past
       the capacity, a huge capacity fills only the types there are. */
    anidb_allocation_stats_t figures[ANIDB_ALLOCATION_TYPE_COUNT + 1];
    memset(figures, 0xAB, sizeof figures);
    size_t count = 99;
    CHECK(anidb_get_allocation_stats(NULL, 7, &count) == ANIDB_ERROR_INVALID_PARAMETER &&
          count == 0);
    CHECK(anidb_get_allocation_stats(figures, ANIDB_ALLOCATION_TYPE_COUNT, NULL) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    count = 99;
    CHECK(anidb_get_allocation_stats(figures, 0, &count) == ANIDB_ERROR_INVALID_PARAMETER &&
          count == 0);
    CHECK(figures[0].live_count == 0xABABABABABABABABULL); /* nothing written */
    CHECK(anidb_get_allocation_stats(figures, 1, &count) == ANIDB_SUCCESS && count == 1);
    CHECK(figures[0].live_count == 0 && figures[1].live_count == 0xABABABABABABABABULL);
    CHECK(anidb_get_allocation_stats(figures, (size_t)-1, &count) == ANIDB_SUCCESS &&
          count == ANIDB_ALLOCATION_TYPE_COUNT);
    CHECK(figures[ANIDB_ALLOCATION_TYPE_COUNT].live_count == 0xABABABABABABABABULL);
    for (size_t i = 0; i < ANIDB_ALLOCATION_TYPE_COUNT; ++i) {
        CHECK(figures[i].live_count == 0 && figures[i].live_bytes == 0);
    }
}

/* Live count of one allocation type. */
static uint64_t live(anidb_allocation_type_t type) {
    anidb_allocation_stats_t figures[ANIDB_ALLOCATION_TYPE_COUNT];
    size_t count = 0;
    if (anidb_get_allocation_stats(figures, ANIDB_ALLOCATION_TYPE_COUNT, &count) != ANIDB_SUCCESS ||
        count != ANIDB_ALLOCATION_TYPE_COUNT) {
        return UINT64_MAX;
    }
    return figures[type].live_count;
}

static void test_handles(const char* dir) {
    anidb_client_handle_t fake = (anidb_client_handle_t)(uintptr_t)0x1234;
    char buf[64];
    CHECK(anidb_client_create(NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_client_create_with_config(NULL, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    anidb_client_handle_t h = (anidb_client_handle_t)(uintptr_t)1;
    CHECK(anidb_client_create_with_config(NULL, &h) == ANIDB_ERROR_INVALID_PARAMETER && h == NULL);
    CHECK(anidb_client_destroy(NULL) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_client_destroy(fake) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_client_get_last_error(fake, buf, sizeof buf) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_client_get_last_error_string(fake) == NULL);
    CHECK(anidb_get_last_error(buf, sizeof buf) == ANIDB_SUCCESS && strlen(buf) > 0);

    anidb_client_handle_t c = new_client(dir);
    CHECK(anidb_client_get_last_error(c, NULL, 10) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_client_get_last_error(c, buf, 0) == ANIDB_ERROR_INVALID_PARAMETER);
    char* s = anidb_client_get_last_error_string(c);
    CHECK(s != NULL);
    anidb_free_string(s);
    anidb_free_string(s);          /* double free: refused, no crash */
    anidb_free_string((char*)buf); /* foreign pointer: refused */
    anidb_free_string(NULL);

    CHECK(anidb_client_destroy(c) == ANIDB_SUCCESS);
    CHECK(anidb_client_destroy(c) == ANIDB_ERROR_INVALID_HANDLE); /* stale */
    anidb_file_result_t* r = (anidb_file_result_t*)(uintptr_t)1;
    anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K};
    anidb_process_options_t opts;
    memset(&opts, 0, sizeof opts);
    opts.algorithms = algos;
    opts.algorithm_count = 1;
    CHECK(anidb_process_file(c, "/etc/hostname", &opts, &r) == ANIDB_ERROR_INVALID_HANDLE &&
          r == NULL);
    size_t count = 7;
    CHECK(anidb_event_poll(c, NULL, 0, &count) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_register_callback(c, ANIDB_CALLBACK_PROGRESS, (void*)buf, NULL) == 0);
    CHECK(anidb_unregister_callback(c, 1) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_cache_clear(c) == ANIDB_ERROR_INVALID_HANDLE);
    anidb_operation_handle_t op = NULL;
    CHECK(anidb_process_file_async(c, "/etc/hostname", &opts, &op) == ANIDB_ERROR_INVALID_HANDLE &&
          op == NULL);
    anidb_status_t st;
    CHECK(anidb_operation_get_status(fake, &st) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_operation_cancel(NULL) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_operation_destroy(fake) == ANIDB_ERROR_INVALID_HANDLE);
    size_t done = 0, total = 0;
    CHECK(anidb_batch_get_progress(fake, &done, &total) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_batch_cancel(NULL) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_batch_destroy(fake) == ANIDB_ERROR_INVALID_HANDLE);
    /* A client handle is not an operation handle. */
    anidb_client_handle_t c2 = new_client(dir);
    CHECK(anidb_operation_get_status(c2, &st) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_client_destroy(c2) == ANIDB_SUCCESS);
}

/* Counts the results a streaming batch hands over (none, for bad input). */
static int results_seen = 0;
static int on_result(size_t index, anidb_result_t file_error, const anidb_file_result_t* result,
                     void* user_data) {
    (void)index;
    (void)file_error;
    (void)result;
    (void)user_data;
    ++results_seen;
    return 0;
}

/* Asks the batch to stop after the first result it hands over. */
static int stop_after_first(size_t index, anidb_result_t file_error,
                            const anidb_file_result_t* result, void* user_data) {
    (void)index;
    (void)file_error;
    (void)user_data;
    ++results_seen;
    return result->status == ANIDB_STATUS_COMPLETED ? 1 : 0;
}

static void test_process_bad_input(const char* dir, const char* file) {
    anidb_client_handle_t c = new_client(dir);
    anidb_file_result_t* r = NULL;
    anidb_hash_algorithm_t ok_algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};
    anidb_hash_algorithm_t bad_algos[] = {(anidb_hash_algorithm_t)42};
    anidb_hash_algorithm_t dup_algos[] = {ANIDB_HASH_MD5, ANIDB_HASH_MD5};
    anidb_hash_algorithm_t six[] = {1, 2, 3, 4, 5, 1};
    anidb_hash_algorithm_t blue_twice[] = {ANIDB_HASH_ED2K_BLUE, ANIDB_HASH_ED2K_BLUE};
    anidb_hash_algorithm_t seven[] = {1, 2, 3, 4, 5, 6, 7};
    anidb_hash_algorithm_t all_and_one[] = {1, 2, 3, 4, 5, 6, 1};
    anidb_process_options_t opts;
    memset(&opts, 0, sizeof opts);
    opts.algorithms = ok_algos;
    opts.algorithm_count = 2;

    CHECK(anidb_process_file(c, NULL, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER && r == NULL);
    CHECK(anidb_process_file(c, file, NULL, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_file(c, file, &opts, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_file(c, bad_utf8, &opts, &r) == ANIDB_ERROR_INVALID_UTF8 && r == NULL);
    CHECK(anidb_process_file(c, "/nonexistent/file.mkv", &opts, &r) == ANIDB_ERROR_FILE_NOT_FOUND);
    CHECK(anidb_process_file(c, dir, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithm_count = 0;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithms = bad_algos;
    opts.algorithm_count = 1;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithms = dup_algos;
    opts.algorithm_count = 2;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithms = six;
    opts.algorithm_count = 6;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithms = blue_twice;
    opts.algorithm_count = 2;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER && r == NULL);
    opts.algorithms = seven;
    opts.algorithm_count = 7;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithm_count = 7 - 1; /* 1..6 is valid: every value once (cache
                                     left alone: later checks expect it empty) */
    CHECK(anidb_client_set_option(c, "cache.enabled", "0") == ANIDB_SUCCESS);
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_SUCCESS && r != NULL &&
          r->hash_count == 6 && r->hashes[5].algorithm == ANIDB_HASH_ED2K_BLUE &&
          strcmp(r->hashes[5].hash_value, r->hashes[0].hash_value) == 0);
    anidb_free_file_result(r);
    r = NULL;
    CHECK(anidb_client_set_option(c, "cache.enabled", "1") == ANIDB_SUCCESS);
    opts.algorithms = seven + 6; /* 7 alone */
    opts.algorithm_count = 1;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithms = all_and_one;
    opts.algorithm_count = 7;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithms = NULL;
    opts.algorithm_count = 1;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);
    opts.algorithms = ok_algos;
    opts.algorithm_count = (size_t)-1;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_ERROR_INVALID_PARAMETER);

    /* The message says why, in the client's last error, truncated safely. */
    char tiny[1] = {'x'};
    CHECK(anidb_client_get_last_error(c, tiny, 1) == ANIDB_SUCCESS && tiny[0] == '\0');
    char small[8];
    CHECK(anidb_client_get_last_error(c, small, sizeof small) == ANIDB_SUCCESS &&
          strlen(small) <= 7);

    /* A good call, then double free of its result. */
    opts.algorithm_count = 2;
    CHECK(anidb_process_file(c, file, &opts, &r) == ANIDB_SUCCESS && r != NULL);
    if (r) {
        CHECK(r->hash_count == 2 && r->hashes[0].algorithm == ANIDB_HASH_ED2K);
        CHECK(r->hashes[1].hash_length == 8 && strlen(r->hashes[1].hash_value) == 8);
        /* Its strings belong to the result: freeing one alone is refused
           and the result stays intact. */
        anidb_free_string(r->file_path);
        anidb_free_string(r->hashes[0].hash_value);
        CHECK(strcmp(r->file_path, file) == 0 && r->hashes[0].hash_length == 32 &&
              strlen(r->hashes[0].hash_value) == 32);
        /* What the caller holds, per type: one file result with its path
           string and its hash array. */
        CHECK(live(ANIDB_ALLOCATION_FILE_RESULT) == 1 && live(ANIDB_ALLOCATION_HASH_RESULT) == 1 &&
              live(ANIDB_ALLOCATION_STRING) == 1 && live(ANIDB_ALLOCATION_BATCH_RESULT) == 0);
        /* Wrong-type and interior frees are refused, the result intact. */
        anidb_free_batch_result((anidb_batch_result_t*)r);
        anidb_free_anime_info((anidb_anime_info_t*)r);
        anidb_free_file_result((anidb_file_result_t*)r->file_path);
        anidb_free_file_result((anidb_file_result_t*)r->hashes);
        CHECK(strcmp(r->file_path, file) == 0 && strlen(r->hashes[1].hash_value) == 8);
        CHECK(live(ANIDB_ALLOCATION_FILE_RESULT) == 1);
        anidb_free_file_result(r);
        anidb_free_file_result(r); /* refused */
        CHECK(live(ANIDB_ALLOCATION_FILE_RESULT) == 0 && live(ANIDB_ALLOCATION_HASH_RESULT) == 0 &&
              live(ANIDB_ALLOCATION_STRING) == 0);
    }
    anidb_free_file_result(NULL);
    anidb_free_batch_result(NULL);
    anidb_free_anime_info(NULL);
    anidb_free_batch_result((anidb_batch_result_t*)small); /* foreign */

    /* Hash buffers of size 0 and 1, unknown algorithms. */
    char hb[64];
    memset(hb, 'Z', sizeof hb);
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, ANIDB_HASH_MD5, hb, 0) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(hb[0] == 'Z'); /* size 0: nothing written */
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, ANIDB_HASH_MD5, hb, 1) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(hb[0] == '\0' && hb[1] == 'Z');
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, ANIDB_HASH_MD5, hb, 32) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(hb[32] == 'Z');
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, (anidb_hash_algorithm_t)0, hb,
                                      sizeof hb) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_calculate_hash_buffer(NULL, 3, ANIDB_HASH_MD5, hb, sizeof hb) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_calculate_hash_buffer(NULL, 0, ANIDB_HASH_MD5, hb, sizeof hb) == ANIDB_SUCCESS);
    CHECK(strcmp(hb, "d41d8cd98f00b204e9800998ecf8427e") == 0);
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, ANIDB_HASH_MD5, hb, 33) ==
          ANIDB_SUCCESS);
    CHECK(strcmp(hb, "900150983cd24fb0d6963f7d28e17f72") == 0);
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, ANIDB_HASH_MD5, NULL, 33) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    /* Every error path leaves the buffer NUL-terminated (size > 0). */
    memset(hb, 'Z', sizeof hb);
    CHECK(anidb_calculate_hash(NULL, ANIDB_HASH_CRC32, hb, sizeof hb) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(hb[0] == '\0');
    memset(hb, 'Z', sizeof hb);
    CHECK(anidb_calculate_hash(bad_utf8, ANIDB_HASH_CRC32, hb, sizeof hb) ==
          ANIDB_ERROR_INVALID_UTF8);
    CHECK(hb[0] == '\0');
    memset(hb, 'Z', sizeof hb);
    CHECK(anidb_calculate_hash("/nonexistent", ANIDB_HASH_CRC32, hb, sizeof hb) ==
          ANIDB_ERROR_FILE_NOT_FOUND);
    CHECK(hb[0] == '\0');
    memset(hb, 'Z', sizeof hb);
    CHECK(anidb_calculate_hash(dir, ANIDB_HASH_CRC32, hb, sizeof hb) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(hb[0] == '\0');
    memset(hb, 'Z', sizeof hb);
    CHECK(anidb_calculate_hash(file, ANIDB_HASH_CRC32, hb, 1) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(hb[0] == '\0' && hb[1] == 'Z');
    CHECK(anidb_calculate_hash(file, ANIDB_HASH_CRC32, hb, sizeof hb) == ANIDB_SUCCESS &&
          strlen(hb) == 8);

    /* Batches. */
    anidb_batch_result_t* b = (anidb_batch_result_t*)(uintptr_t)1;
    const char* paths[] = {file, bad_utf8};
    anidb_batch_options_t bo;
    memset(&bo, 0, sizeof bo);
    bo.algorithms = ok_algos;
    bo.algorithm_count = 2;
    bo.continue_on_error = 1;
    CHECK(anidb_process_batch(c, NULL, 1, &bo, &b) == ANIDB_ERROR_INVALID_PARAMETER && b == NULL);
    CHECK(anidb_process_batch(c, paths, 0, &bo, &b) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_batch(c, paths, 2, &bo, &b) == ANIDB_ERROR_INVALID_UTF8 && b == NULL);
    CHECK(anidb_process_batch(c, paths, 1, NULL, &b) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_batch(c, paths, 1, &bo, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    anidb_batch_handle_t bh = NULL;
    CHECK(anidb_process_batch_async(c, paths, 2, &bo, &bh) == ANIDB_ERROR_INVALID_UTF8 &&
          bh == NULL);
    size_t failed_files = 99;
    CHECK(anidb_process_batch_stream(NULL, paths, 1, &bo, ANIDB_BATCH_INPUT_ORDER, on_result, NULL,
                                     &failed_files) == ANIDB_ERROR_INVALID_HANDLE &&
          failed_files == 0);
    CHECK(anidb_process_batch_stream(c, NULL, 1, &bo, ANIDB_BATCH_INPUT_ORDER, on_result, NULL,
                                     NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_batch_stream(c, paths, 0, &bo, ANIDB_BATCH_INPUT_ORDER, on_result, NULL,
                                     NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_batch_stream(c, paths, 1, NULL, ANIDB_BATCH_INPUT_ORDER, on_result, NULL,
                                     NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_batch_stream(c, paths, 1, &bo, ANIDB_BATCH_INPUT_ORDER, NULL, NULL, NULL) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_batch_stream(c, paths, 1, &bo, (anidb_batch_order_t)7, on_result, NULL,
                                     NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    failed_files = 99;
    CHECK(anidb_process_batch_stream(c, paths, 2, &bo, ANIDB_BATCH_COMPLETION_ORDER, on_result,
                                     NULL, &failed_files) == ANIDB_ERROR_INVALID_UTF8 &&
          failed_files == 0 && results_seen == 0);
    bh = NULL;
    CHECK(anidb_process_batch_stream_async(NULL, paths, 1, &bo, ANIDB_BATCH_INPUT_ORDER, on_result,
                                           NULL, &bh) == ANIDB_ERROR_INVALID_HANDLE &&
          bh == NULL);
    CHECK(anidb_process_batch_stream_async(c, paths, 1, &bo, ANIDB_BATCH_INPUT_ORDER, on_result,
                                           NULL, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_process_batch_stream_async(c, paths, 1, &bo, ANIDB_BATCH_INPUT_ORDER, NULL, NULL,
                                           &bh) == ANIDB_ERROR_INVALID_PARAMETER &&
          bh == NULL);
    CHECK(anidb_process_batch_stream_async(c, paths, 2, &bo, ANIDB_BATCH_INPUT_ORDER, on_result,
                                           NULL, &bh) == ANIDB_ERROR_INVALID_UTF8 &&
          bh == NULL && results_seen == 0);
    /* A sound stream hands every file over once, in input order. */
    const char* good[] = {file, file, file};
    failed_files = 99;
    CHECK(anidb_process_batch_stream(c, good, 3, &bo, ANIDB_BATCH_INPUT_ORDER, on_result, NULL,
                                     &failed_files) == ANIDB_SUCCESS &&
          results_seen == 3 && failed_files == 0);
    /* In the background: every result handed over, none kept. */
    results_seen = 0;
    CHECK(anidb_process_batch_stream_async(c, good, 3, &bo, ANIDB_BATCH_COMPLETION_ORDER, on_result,
                                           NULL, &bh) == ANIDB_SUCCESS &&
          bh != NULL);
    size_t handed = 0, total = 0;
    while (anidb_batch_get_progress(bh, &handed, &total) == ANIDB_SUCCESS && handed < total) {
        const struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    anidb_batch_result_t* summary = NULL;
    while (anidb_batch_get_result(bh, &summary) == ANIDB_ERROR_BUSY) {
        const struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    CHECK(summary != NULL && summary->total_files == 0 && summary->successful_files == 3 &&
          results_seen == 3);
    anidb_free_batch_result(summary);
    CHECK(anidb_batch_destroy(bh) == ANIDB_SUCCESS);
    results_seen = 0;
    CHECK(anidb_process_batch_stream(c, good, 3, &bo, ANIDB_BATCH_INPUT_ORDER, stop_after_first,
                                     NULL, NULL) == ANIDB_ERROR_CANCELLED &&
          results_seen == 1);

    /* Callbacks and events. */
    CHECK(anidb_register_callback(c, (anidb_callback_type_t)99, (void*)hb, NULL) == 0);
    CHECK(anidb_register_callback(c, ANIDB_CALLBACK_PROGRESS, NULL, NULL) == 0);
    CHECK(anidb_unregister_callback(c, 123456) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_event_connect(c, NULL, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    size_t n = 99;
    CHECK(anidb_event_poll(c, NULL, 5, &n) == ANIDB_ERROR_INVALID_PARAMETER);
    anidb_event_t ev[4];
    CHECK(anidb_event_poll(c, ev, 4, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_event_poll(c, ev, 0, &n) == ANIDB_SUCCESS && n == 0);

    /* Options, cache, identification. */
    CHECK(anidb_client_set_option(c, "no.such.option", "1") == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_client_set_option(c, "anidb.server", bad_utf8) == ANIDB_ERROR_INVALID_UTF8);
    {
        anidb_config_t cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.api_key = bad_utf8; /* since ABI 2 */
        anidb_client_handle_t h = (anidb_client_handle_t)1;
        CHECK(anidb_client_create_with_config(&cfg, &h) == ANIDB_ERROR_INVALID_UTF8 && h == NULL);
    }
    CHECK(anidb_client_set_option(c, NULL, "1") == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_client_set_option(c, "anidb.local_port", "not a port") ==
          ANIDB_ERROR_INVALID_PARAMETER);
    size_t entries = 0;
    uint64_t bytes = 0;
    CHECK(anidb_cache_get_stats(c, NULL, &bytes) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_cache_get_stats(c, &entries, &bytes) == ANIDB_SUCCESS && entries >= 1);
    int cached = -1;
    CHECK(anidb_cache_check_file(c, file, (anidb_hash_algorithm_t)9, &cached) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_cache_check_file(c, file, ANIDB_HASH_CRC32, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_cache_check_file(c, file, ANIDB_HASH_CRC32, &cached) == ANIDB_SUCCESS &&
          cached == 1);
    CHECK(anidb_cache_check_file(c, file, ANIDB_HASH_TTH, &cached) == ANIDB_SUCCESS && cached == 0);
    anidb_anime_info_t* info = (anidb_anime_info_t*)(uintptr_t)1;
    CHECK(anidb_identify_file(c, NULL, 100, &info) == ANIDB_ERROR_INVALID_PARAMETER &&
          info == NULL);
    CHECK(anidb_identify_file(c, "xyz", 100, &info) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_identify_file(c, bad_utf8, 100, &info) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_identify_file(c, "0123456789abcdef0123456789abcdef", 0, &info) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    /* No credentials configured: refused before any packet is sent. */
    CHECK(anidb_identify_file(c, "0123456789abcdef0123456789abcdef", 100, &info) ==
          ANIDB_ERROR_NO_CREDENTIALS);
    anidb_mylist_result_t mr;
    anidb_mylist_options_t mo = ANIDB_MYLIST_OPTIONS_INIT;
    mo.state = 9;
    CHECK(anidb_mylist_add(c, "0123456789abcdef0123456789abcdef", 100, &mo, &mr) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_add(c, "0123456789abcdef0123456789abcdef", 100, NULL, NULL) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    /* cleanup with this client still alive (tested by the caller) */
}

/* Issue 16's calls: MyList both ways, metadata, titles, the queue. */
static void test_collection_bad_input(const char* dir) {
    anidb_client_handle_t c = new_client(dir);
    anidb_client_handle_t made_up = (anidb_client_handle_t)(uintptr_t)0xdeadbeef;
    const char* ed2k = "0123456789abcdef0123456789abcdef";
    anidb_mylist_change_t ch;
    anidb_mylist_entry_t* entry = (anidb_mylist_entry_t*)(uintptr_t)1;
    anidb_mylist_options_t mo = ANIDB_MYLIST_OPTIONS_INIT;

    /* handles */
    CHECK(anidb_mylist_show(NULL, ed2k, 100, 0, &entry) == ANIDB_ERROR_INVALID_HANDLE &&
          entry == NULL);
    CHECK(anidb_mylist_show(made_up, ed2k, 100, 0, &entry) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_mylist_remove(made_up, ed2k, 100, &ch) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_mylist_edit(made_up, ed2k, 100, &mo, &ch) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_mylist_watched(made_up, ed2k, 100, 1, 0, &ch) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_mylist_watched_path(made_up, "/x", 1, 0, &ch) == ANIDB_ERROR_INVALID_HANDLE);
    anidb_anime_t* anime = (anidb_anime_t*)(uintptr_t)1;
    anidb_episode_t* episode = (anidb_episode_t*)(uintptr_t)1;
    anidb_group_t* group = (anidb_group_t*)(uintptr_t)1;
    CHECK(anidb_anime_get(made_up, 1, NULL, &anime) == ANIDB_ERROR_INVALID_HANDLE && anime == NULL);
    CHECK(anidb_episode_get(NULL, 1, 0, NULL, NULL, &episode) == ANIDB_ERROR_INVALID_HANDLE &&
          episode == NULL);
    CHECK(anidb_group_get(made_up, 1, NULL, &group) == ANIDB_ERROR_INVALID_HANDLE && group == NULL);
    anidb_title_search_result_t* found = (anidb_title_search_result_t*)(uintptr_t)1;
    CHECK(anidb_titles_search(made_up, "bebop", NULL, 0, &found) == ANIDB_ERROR_INVALID_HANDLE &&
          found == NULL);
    anidb_titles_update_t tu;
    CHECK(anidb_titles_update(made_up, 0, &tu) == ANIDB_ERROR_INVALID_HANDLE);
    anidb_queue_list_t* list = (anidb_queue_list_t*)(uintptr_t)1;
    CHECK(anidb_queue_list(made_up, &list) == ANIDB_ERROR_INVALID_HANDLE && list == NULL);
    anidb_queue_run_t run;
    CHECK(anidb_queue_run(made_up, 0, &run) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_queue_clear(made_up, 0, NULL) == ANIDB_ERROR_INVALID_HANDLE);

    /* NULL out-pointers and strings, bad UTF-8, bad flags and values */
    CHECK(anidb_mylist_show(c, ed2k, 100, 0, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_show(c, NULL, 100, 0, &entry) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_show(c, bad_utf8, 100, 0, &entry) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_mylist_show(c, ed2k, 100, 2, &entry) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_show(c, "xyz", 100, 0, &entry) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_show(c, ed2k, 0, 0, &entry) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_remove(c, ed2k, 100, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_remove(c, bad_utf8, 100, &ch) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_mylist_remove(c, ed2k, 0, &ch) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_edit(c, ed2k, 100, NULL, &ch) == ANIDB_ERROR_INVALID_PARAMETER);
    mo.state = 9;
    CHECK(anidb_mylist_edit(c, ed2k, 100, &mo, &ch) == ANIDB_ERROR_INVALID_PARAMETER);
    mo.state = -1;
    mo.source = bad_utf8;
    CHECK(anidb_mylist_edit(c, ed2k, 100, &mo, &ch) == ANIDB_ERROR_INVALID_UTF8);
    mo.source = NULL;
    CHECK(anidb_mylist_edit(c, ed2k, 100, &mo, &ch) == ANIDB_ERROR_INVALID_PARAMETER); /* nothing */
    CHECK(anidb_mylist_watched(c, ed2k, 100, 2, 0, &ch) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_watched(c, ed2k, 100, 1, -5, &ch) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_watched(c, ed2k, 100, 1, 1LL << 40, &ch) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_watched(c, ed2k, 100, 1, 0, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_watched_path(c, NULL, 1, 0, &ch) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_mylist_watched_path(c, bad_utf8, 1, 0, &ch) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_mylist_watched_path(c, "/no/such/file.mkv", 1, 0, &ch) ==
          ANIDB_ERROR_FILE_NOT_FOUND);
    CHECK(anidb_anime_get(c, 1, NULL, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_anime_get(c, 0, NULL, &anime) == ANIDB_ERROR_INVALID_PARAMETER && anime == NULL);
    CHECK(anidb_anime_get(c, 1, "Bebop", &anime) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_anime_get(c, 0, bad_utf8, &anime) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_anime_get(c, 1ULL << 40, NULL, &anime) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_anime_get(c, 0, "line\nbreak", &anime) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_episode_get(c, 1, 0, NULL, "3", &episode) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_episode_get(c, 0, 1, NULL, NULL, &episode) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_episode_get(c, 0, 1, NULL, bad_utf8, &episode) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_episode_get(c, 0, 1, NULL, "x!", &episode) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_episode_get(c, 1, 0, NULL, NULL, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_group_get(c, 0, NULL, &group) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_group_get(c, 0, bad_utf8, &group) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_group_get(c, 1, NULL, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    /* No credentials: refused before any packet (ids are fine). */
    CHECK(anidb_anime_get(c, 1, NULL, &anime) == ANIDB_ERROR_NO_CREDENTIALS && anime == NULL);
    CHECK(anidb_titles_search(c, NULL, NULL, 0, &found) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_titles_search(c, bad_utf8, NULL, 0, &found) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_titles_search(c, "bebop", bad_utf8, 0, &found) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_titles_search(c, "bebop", "not a lang!", 0, &found) ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_titles_search(c, "bebop", NULL, 5000, &found) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_titles_search(c, "!!!", NULL, 0, &found) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_titles_search(c, "bebop", NULL, 0, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    /* No titles stored: an empty result. */
    CHECK(anidb_titles_search(c, "bebop", "en", 0, &found) == ANIDB_SUCCESS && found != NULL &&
          found->count == 0 && found->matches == NULL);
    anidb_free_title_search_result(found);
    anidb_free_title_search_result(found); /* double free: refused */
    CHECK(anidb_titles_update(c, 2, &tu) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_titles_update(c, 0, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_client_set_option(c, "titles.url", "file:///etc/passwd") ==
          ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_client_set_option(c, "titles.url", bad_utf8) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(anidb_queue_list(c, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_queue_run(c, 2, &run) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_queue_run(c, 0, NULL) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_queue_clear(c, 3, NULL) == ANIDB_ERROR_INVALID_PARAMETER);

    /* Without credentials a change waits in the queue (nothing is sent). */
    CHECK(anidb_mylist_watched(c, ed2k, 100, 1, 0, &ch) == ANIDB_SUCCESS &&
          ch.what == ANIDB_MYLIST_CHANGE_QUEUED && ch.reason == ANIDB_QUEUE_REASON_NO_CREDENTIALS &&
          ch.job_id > 0);
    CHECK(anidb_queue_list(c, &list) == ANIDB_SUCCESS && list != NULL && list->count == 1 &&
          list->jobs[0].kind == ANIDB_QUEUE_JOB_WATCHED && list->jobs[0].file_size == 100 &&
          strcmp(list->jobs[0].ed2k, ed2k) == 0);
    /* A free function of another type refuses the pointer and keeps it. */
    anidb_free_anime((anidb_anime_t*)list);
    anidb_free_mylist_entry((anidb_mylist_entry_t*)list);
    CHECK(list->count == 1);
    anidb_free_queue_list(list);
    anidb_free_queue_list(NULL);
    anidb_free_mylist_entry(NULL);
    anidb_free_anime(NULL);
    anidb_free_episode(NULL);
    anidb_free_group(NULL);
    anidb_free_title_search_result(NULL);
    anidb_free_episode((anidb_episode_t*)(uintptr_t)0x1234); /* never issued: refused */
    CHECK(anidb_queue_run(c, 1, &run) == ANIDB_SUCCESS && run.completed == 0 &&
          run.stopped_by == ANIDB_ERROR_NO_CREDENTIALS);
    size_t dropped = 0;
    CHECK(anidb_queue_clear(c, 0, &dropped) == ANIDB_SUCCESS && dropped == 1);
    CHECK(anidb_client_destroy(c) == ANIDB_SUCCESS);
}

static void test_memory_limit(void) {
    CHECK(anidb_set_memory_limit(4096) == ANIDB_SUCCESS);
    anidb_memory_stats_t st;
    CHECK(anidb_get_memory_stats(&st) == ANIDB_SUCCESS && st.memory_limit == 4096);
    CHECK(anidb_set_memory_limit(0) == ANIDB_SUCCESS);
    CHECK(anidb_get_memory_stats(&st) == ANIDB_SUCCESS && st.memory_limit == 524288000ULL);
    CHECK(anidb_memory_gc() == ANIDB_SUCCESS);
}

int main(void) {
    char dir[] = "/tmp/anidb-capi-XXXXXX";
    if (mkdtemp(dir) == NULL) return 2;
    char file[256];
    snprintf(file, sizeof file, "%s/sample.bin", dir);
    FILE* f = fopen(file, "wb");
    if (f == NULL) return 2;
    for (int i = 0; i < 100000; ++i) fputc(i * 7 % 251, f);
    fclose(f);

    /* Before anidb_init: creating a client is refused. */
    anidb_client_handle_t early = NULL;
    CHECK(anidb_client_create(&early) != ANIDB_SUCCESS && early == NULL);

    test_library();
    test_handles(dir);
    test_process_bad_input(dir, file);
    test_collection_bad_input(dir);
    test_memory_limit();

    /* anidb_cleanup with live clients destroys them; init works again. */
    anidb_client_handle_t live = new_client(dir);
    anidb_cleanup();
    CHECK(anidb_client_destroy(live) == ANIDB_ERROR_INVALID_HANDLE);
    CHECK(anidb_init(ANIDB_ABI_VERSION) == ANIDB_SUCCESS);
    anidb_client_handle_t again = new_client(dir);
    CHECK(anidb_client_destroy(again) == ANIDB_SUCCESS);

    uint64_t leaks = 1, leaked = 1;
    CHECK(anidb_check_memory_leaks(&leaks, &leaked) == ANIDB_SUCCESS);
    CHECK(leaks == 0 && leaked == 0);
    anidb_cleanup();

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
