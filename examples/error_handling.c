/*
 * error_handling.c — how libanidb reports errors: a result code from every
 * call, and a message kept per client (anidb_client_get_last_error) or per
 * thread (anidb_get_last_error) for calls without a valid client.
 *
 *   error_handling
 *
 * Provokes each kind of error on purpose and checks that it is reported as
 * documented. Exit status 0 when every check held.
 */
#define _POSIX_C_SOURCE 200809L

#include <anidb/anidb.h>

#include <stdio.h>
#include <string.h>

#include "sample_files.h"

static int failures = 0;

/* Compares a result with the expected one and prints the message. */
static void expect(const char* what, anidb_result_t got, anidb_result_t want, const char* message) {
    int ok = got == want;
    if (!ok) failures++;
    printf("%-4s %-40s %s (%d): %s\n", ok ? "ok" : "FAIL", what, anidb_error_string(got), (int)got,
           message != NULL ? message : "");
}

/* The message of the last failed call on this client. */
static const char* client_error(anidb_client_handle_t client, char* buffer, size_t size) {
    if (anidb_client_get_last_error(client, buffer, size) != ANIDB_SUCCESS) buffer[0] = '\0';
    return buffer;
}

/* The message of the last failed call on this thread without a client. */
static const char* thread_error(char* buffer, size_t size) {
    if (anidb_get_last_error(buffer, size) != ANIDB_SUCCESS) buffer[0] = '\0';
    return buffer;
}

int main(void) {
    char message[512];
    sample_files_t samples = {0};
    const size_t sizes[] = {64u * 1024u};
    if (sample_files_make(&samples, sizes, 1) != 0) {
        sample_files_remove(&samples);
        return 1;
    }

    /* A program built against another ABI is refused. */
    expect("init with a wrong ABI version", anidb_init(ANIDB_ABI_VERSION + 1),
           ANIDB_ERROR_VERSION_MISMATCH, thread_error(message, sizeof message));
    expect("init", anidb_init(ANIDB_ABI_VERSION), ANIDB_SUCCESS, NULL);

    anidb_config_t config = {0};
    config.cache_dir = samples.dir;
    anidb_client_handle_t client = NULL;
    expect("create a client", anidb_client_create_with_config(&config, &client), ANIDB_SUCCESS,
           NULL);

    const anidb_hash_algorithm_t ed2k[] = {ANIDB_HASH_ED2K};
    anidb_process_options_t options = {.algorithms = ed2k, .algorithm_count = 1};
    anidb_file_result_t* result = NULL;

    /* A missing file: the code says which kind, the client's message says more. */
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such-file.mkv", samples.dir);
    anidb_result_t rc = anidb_process_file(client, missing, &options, &result);
    expect("hash a missing file", rc, ANIDB_ERROR_FILE_NOT_FOUND,
           client_error(client, message, sizeof message));
    if (result != NULL) failures++; /* on error the out-pointer is NULL */

    /* A directory is not a regular file. */
    rc = anidb_process_file(client, samples.dir, &options, &result);
    expect("hash a directory", rc, ANIDB_ERROR_INVALID_PARAMETER,
           client_error(client, message, sizeof message));

    /* Every string passed in must be UTF-8. */
    rc = anidb_process_file(client, "/tmp/\xff\xfe-not-utf8.mkv", &options, &result);
    expect("a path that is not UTF-8", rc, ANIDB_ERROR_INVALID_UTF8,
           client_error(client, message, sizeof message));

    /* Unknown enum values and bad counts are refused, not trusted. */
    const anidb_hash_algorithm_t bogus[] = {(anidb_hash_algorithm_t)42};
    anidb_process_options_t bad_options = {.algorithms = bogus, .algorithm_count = 1};
    rc = anidb_process_file(client, samples.paths[0], &bad_options, &result);
    expect("an unknown hash algorithm", rc, ANIDB_ERROR_INVALID_PARAMETER,
           client_error(client, message, sizeof message));
    rc = anidb_process_file(client, samples.paths[0], NULL, &result);
    expect("NULL options", rc, ANIDB_ERROR_INVALID_PARAMETER,
           client_error(client, message, sizeof message));

    /* A caller's buffer that is too small is never overrun. */
    char small[8];
    rc = anidb_calculate_hash(samples.paths[0], ANIDB_HASH_ED2K, small, sizeof small);
    expect("a hash buffer that is too small", rc, ANIDB_ERROR_INVALID_PARAMETER,
           thread_error(message, sizeof message));
    if (small[0] != '\0') failures++;

    /* Short error buffers are truncated and NUL-terminated. */
    char tiny[6];
    anidb_client_get_last_error(client, tiny, sizeof tiny);
    printf("     a 6-byte error buffer holds \"%s\"\n", tiny);
    if (strlen(tiny) >= sizeof tiny) failures++;

    /* The library-wide memory limit: requests that would cross it fail,
       and the library works again once the limit allows. */
    anidb_set_memory_limit(1);
    rc = anidb_process_file(client, samples.paths[0], &options, &result);
    expect("hash under a 1-byte memory limit", rc, ANIDB_ERROR_OUT_OF_MEMORY,
           client_error(client, message, sizeof message));
    anidb_set_memory_limit(0); /* back to the default */
    rc = anidb_process_file(client, samples.paths[0], &options, &result);
    expect("hash after restoring the limit", rc, ANIDB_SUCCESS, NULL);
    anidb_free_file_result(result);
    result = NULL;

    /* A destroyed handle is detected, never dereferenced; the message of a
       call with an invalid handle is kept for the thread. */
    anidb_client_destroy(client);
    rc = anidb_process_file(client, samples.paths[0], &options, &result);
    expect("use a destroyed client", rc, ANIDB_ERROR_INVALID_HANDLE,
           thread_error(message, sizeof message));
    expect("destroy it twice", anidb_client_destroy(client), ANIDB_ERROR_INVALID_HANDLE, NULL);

    /* Free functions accept NULL. */
    anidb_free_file_result(NULL);
    anidb_free_string(NULL);

    uint64_t leaks = 0, leaked = 0;
    anidb_check_memory_leaks(&leaks, &leaked);
    if (leaks != 0) failures++;

    anidb_cleanup();
    sample_files_remove(&samples);
    printf("%d check(s) failed\n", failures);
    return failures == 0 ? 0 : 1;
}
