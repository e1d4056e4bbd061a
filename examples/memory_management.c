/*
 * memory_management.c — the complete memory-management cycle of libanidb:
 * initialise, create a client, hash a file, read the result, free it with
 * its own free function, check that nothing leaked, destroy, clean up.
 *
 *   memory_management [FILE]
 *
 * Without FILE it hashes a file it writes to a temporary directory (which
 * also holds the client's cache). Exit status 0 on success.
 */
#define _POSIX_C_SOURCE 200809L

#include <anidb/anidb.h>

#include <inttypes.h>
#include <stdio.h>

#include "sample_files.h"

int main(int argc, char** argv) {
    sample_files_t samples = {0};
    const char* path = argc > 1 ? argv[1] : NULL;
    if (path == NULL) {
        const size_t sizes[] = {3u * 1024u * 1024u + 17u};
        if (sample_files_make(&samples, sizes, 1) != 0) {
            perror("sample file");
            sample_files_remove(&samples);
            return 1;
        }
        path = samples.paths[0];
    }

    /* Initialise with the ABI version this program was compiled against. */
    if (anidb_init(ANIDB_ABI_VERSION) != ANIDB_SUCCESS) {
        fprintf(stderr, "libanidb %s does not speak ABI %d\n", anidb_get_version(),
                ANIDB_ABI_VERSION);
        sample_files_remove(&samples);
        return 1;
    }

    /* Create a client (its cache in the temporary directory, if any). */
    anidb_config_t config = {0};
    config.cache_dir = samples.dir[0] != '\0' ? samples.dir : NULL;
    anidb_client_handle_t handle = NULL;
    if (anidb_client_create_with_config(&config, &handle) != ANIDB_SUCCESS) {
        char error[256];
        anidb_get_last_error(error, sizeof error);
        fprintf(stderr, "client: %s\n", error);
        anidb_cleanup();
        sample_files_remove(&samples);
        return 1;
    }

    /* Process the file: ED2K and CRC32 in one read. */
    const anidb_hash_algorithm_t algorithms[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};
    anidb_process_options_t options = {
        .algorithms = algorithms,
        .algorithm_count = 2,
        .enable_progress = 1,
    };

    anidb_file_result_t* result = NULL;
    anidb_result_t status = anidb_process_file(handle, path, &options, &result);
    int exit_code = 0;
    if (status == ANIDB_SUCCESS) {
        /* Use the result. */
        printf("File: %s\n", result->file_path);
        printf("Size: %" PRIu64 "\n", result->file_size);
        for (size_t i = 0; i < result->hash_count; i++) {
            printf("%s: %s\n", anidb_hash_algorithm_name(result->hashes[i].algorithm),
                   result->hashes[i].hash_value);
        }
        /* What is held now, per allocation type: the result is one file
           result with its hash array and its path string. */
        anidb_allocation_stats_t held[ANIDB_ALLOCATION_TYPE_COUNT];
        size_t types = 0;
        if (anidb_get_allocation_stats(held, ANIDB_ALLOCATION_TYPE_COUNT, &types) ==
            ANIDB_SUCCESS) {
            printf("Held: %" PRIu64 " file result, %" PRIu64 " hash array, %" PRIu64 " string\n",
                   held[ANIDB_ALLOCATION_FILE_RESULT].live_count,
                   held[ANIDB_ALLOCATION_HASH_RESULT].live_count,
                   held[ANIDB_ALLOCATION_STRING].live_count);
        }
        /* The library allocated it: free it with its one free function. */
        anidb_free_file_result(result);
    } else {
        /* Handle the error: the client keeps the message. */
        char error_buf[256];
        anidb_client_get_last_error(handle, error_buf, sizeof error_buf);
        fprintf(stderr, "Error: %s: %s\n", anidb_error_string(status), error_buf);
        exit_code = 1;
    }

    /* Check for leaks before cleanup: everything handed out was freed. */
    uint64_t leaks = 0, leaked = 0;
    anidb_check_memory_leaks(&leaks, &leaked);
    printf("Leaks: %" PRIu64 " allocations, %" PRIu64 " bytes\n", leaks, leaked);
    if (leaks != 0) exit_code = 1;

    anidb_memory_stats_t stats;
    if (anidb_get_memory_stats(&stats) == ANIDB_SUCCESS) {
        printf("Memory: %" PRIu64 " of %" PRIu64 " bytes in use, pool %" PRIu64
               " bytes (%" PRIu64 " hits, %" PRIu64 " misses)\n",
               stats.total_memory_used, stats.memory_limit, stats.pool_memory, stats.pool_hits,
               stats.pool_misses);
    }

    /* Cleanup. */
    anidb_client_destroy(handle);
    anidb_cleanup();
    sample_files_remove(&samples);
    return exit_code;
}
