/*
 * batch_progress.c — hash several files in the background with a progress
 * callback, watch how many are done, then read every file's result.
 *
 *   batch_progress [FILE...]
 *
 * Without FILEs it hashes three files it writes to a temporary directory.
 * Exit status 0 when every file was hashed.
 */
#define _POSIX_C_SOURCE 200809L

#include <anidb/anidb.h>

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "sample_files.h"

/* What the progress callback keeps between calls (its user_data). */
typedef struct {
    int last_decile; /* the last 10 % step printed */
    unsigned calls;
} progress_state_t;

/* Called on a library thread, serially, ending with 100 %. */
static void on_progress(float percentage, uint64_t bytes_processed, uint64_t total_bytes,
                        void* user_data) {
    progress_state_t* state = user_data;
    state->calls++;
    int decile = (int)(percentage / 10.0f);
    if (decile > state->last_decile) {
        state->last_decile = decile;
        printf("  progress %5.1f %% (%" PRIu64 " of %" PRIu64 " bytes)\n", (double)percentage,
               bytes_processed, total_bytes);
    }
}

static void on_complete(anidb_result_t result, void* user_data) {
    (void)user_data;
    printf("  batch finished: %s\n", anidb_error_string(result));
}

int main(int argc, char** argv) {
    sample_files_t samples = {0};
    const char* paths[64];
    size_t count = 0;
    for (int i = 1; i < argc && count < 64; i++) paths[count++] = argv[i];
    if (count == 0) {
        const size_t sizes[] = {9728000u + 1u, 2u * 1024u * 1024u, 4096u};
        if (sample_files_make(&samples, sizes, 3) != 0) {
            perror("sample files");
            sample_files_remove(&samples);
            return 1;
        }
        for (size_t i = 0; i < samples.count; i++) paths[count++] = samples.paths[i];
    }

    if (anidb_init(ANIDB_ABI_VERSION) != ANIDB_SUCCESS) return 1;
    anidb_config_t config = {0};
    config.cache_dir = samples.dir[0] != '\0' ? samples.dir : NULL;
    anidb_client_handle_t client = NULL;
    if (anidb_client_create_with_config(&config, &client) != ANIDB_SUCCESS) {
        anidb_cleanup();
        sample_files_remove(&samples);
        return 1;
    }

    const anidb_hash_algorithm_t algorithms[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32,
                                                 ANIDB_HASH_SHA1};
    progress_state_t progress = {.last_decile = -1, .calls = 0};
    anidb_batch_options_t options = {
        .algorithms = algorithms,
        .algorithm_count = 3,
        .max_concurrent = 2,
        .continue_on_error = 1,
        .progress_callback = on_progress,
        .completion_callback = on_complete,
        .user_data = &progress,
    };

    int exit_code = 1;
    anidb_batch_handle_t batch = NULL;
    anidb_result_t rc = anidb_process_batch_async(client, paths, count, &options, &batch);
    if (rc != ANIDB_SUCCESS) {
        char message[256];
        anidb_client_get_last_error(client, message, sizeof message);
        fprintf(stderr, "batch: %s: %s\n", anidb_error_string(rc), message);
        goto done;
    }

    /* Poll how many files are finished while the batch runs. */
    size_t completed = 0, total = 0;
    const struct timespec pause = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
    anidb_batch_result_t* results = NULL;
    while ((rc = anidb_batch_get_result(batch, &results)) == ANIDB_ERROR_BUSY) {
        if (anidb_batch_get_progress(batch, &completed, &total) == ANIDB_SUCCESS)
            fprintf(stderr, "  %zu of %zu files done\r", completed, total);
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "\n");
    if (rc != ANIDB_SUCCESS) {
        fprintf(stderr, "results: %s\n", anidb_error_string(rc));
        anidb_batch_destroy(batch);
        goto done;
    }

    /* Results come in input order; each file has its own status. */
    for (size_t i = 0; i < results->total_files; i++) {
        const anidb_file_result_t* file = &results->results[i];
        if (file->status != ANIDB_STATUS_COMPLETED) {
            printf("%s: failed: %s\n", file->file_path,
                   file->error_message != NULL ? file->error_message : "?");
            continue;
        }
        printf("%s (%" PRIu64 " bytes, %" PRIu64 " ms)\n", file->file_path, file->file_size,
               file->processing_time_ms);
        for (size_t h = 0; h < file->hash_count; h++)
            printf("  %-5s %s\n", anidb_hash_algorithm_name(file->hashes[h].algorithm),
                   file->hashes[h].hash_value);
    }
    printf("%zu ok, %zu failed in %" PRIu64 " ms\n", results->successful_files,
           results->failed_files, results->total_time_ms);
    exit_code = results->failed_files == 0 ? 0 : 1;
    anidb_free_batch_result(results);
    /* Destroy waits for the batch: no callback runs after it returns, so
       the callback's state may be read (and freed) now. */
    anidb_batch_destroy(batch);
    printf("%u progress calls\n", progress.calls);

done:
    anidb_client_destroy(client);
    anidb_cleanup();
    sample_files_remove(&samples);
    return exit_code;
}
