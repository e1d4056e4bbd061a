/*
 * events.c — the two ways to receive a client's events: polling the queue
 * with anidb_event_poll, and a callback connected with anidb_event_connect.
 *
 *   events [FILE]
 *
 * Without FILE it uses a file it writes to a temporary directory. Hashing
 * the file twice shows a cache miss, then a cache hit.
 */
#define _POSIX_C_SOURCE 200809L

#include <anidb/anidb.h>

#include <inttypes.h>
#include <stdio.h>

#include "sample_files.h"

static const char* event_name(anidb_event_type_t type) {
    switch (type) {
        case ANIDB_EVENT_FILE_START: return "file start";
        case ANIDB_EVENT_FILE_COMPLETE: return "file complete";
        case ANIDB_EVENT_HASH_START: return "hash start";
        case ANIDB_EVENT_HASH_COMPLETE: return "hash complete";
        case ANIDB_EVENT_CACHE_HIT: return "cache hit";
        case ANIDB_EVENT_CACHE_MISS: return "cache miss";
        case ANIDB_EVENT_NETWORK_START: return "network start";
        case ANIDB_EVENT_NETWORK_COMPLETE: return "network complete";
        case ANIDB_EVENT_MEMORY_WARNING: return "memory warning";
        case ANIDB_EVENT_EVENTS_DROPPED: return "events dropped";
        case ANIDB_EVENT_NETWORK_WAIT: return "network wait";
    }
    return "unknown";
}

/* Prints one event; its strings are borrowed (valid until the next poll,
   or for the duration of the callback). */
static void print_event(const anidb_event_t* event, const char* how) {
    printf("[%s] %-16s", how, event_name(event->type));
    switch (event->type) {
        case ANIDB_EVENT_FILE_START:
        case ANIDB_EVENT_FILE_COMPLETE:
            printf(" %s (%" PRIu64 " bytes)", event->data.file.file_path,
                   event->data.file.file_size);
            break;
        case ANIDB_EVENT_HASH_START:
        case ANIDB_EVENT_HASH_COMPLETE:
            printf(" %s %s", anidb_hash_algorithm_name(event->data.hash.algorithm),
                   event->data.hash.hash_value != NULL ? event->data.hash.hash_value : "");
            break;
        case ANIDB_EVENT_CACHE_HIT:
        case ANIDB_EVENT_CACHE_MISS:
            printf(" %s %s", anidb_hash_algorithm_name(event->data.cache.algorithm),
                   event->data.cache.file_path);
            break;
        case ANIDB_EVENT_NETWORK_START:
        case ANIDB_EVENT_NETWORK_COMPLETE:
            printf(" %s %d", event->data.network.endpoint, event->data.network.status_code);
            break;
        case ANIDB_EVENT_MEMORY_WARNING:
            printf(" %" PRIu64 " of %" PRIu64 " bytes", event->data.memory.current_usage,
                   event->data.memory.max_usage);
            break;
        case ANIDB_EVENT_EVENTS_DROPPED:
            printf(" %" PRIu64 " lost", event->data.dropped.count);
            break;
        case ANIDB_EVENT_NETWORK_WAIT: /* send_at 0: waiting for another AniDB program */
            printf(" %s leaves at %" PRIu64 " ms", event->data.wait.endpoint,
                   event->data.wait.send_at);
            break;
    }
    if (event->context != NULL) printf(" (%s)", event->context);
    printf("\n");
}

/* The connected callback: runs on a library thread, one call at a time. */
static void on_event(const anidb_event_t* event, void* user_data) {
    unsigned* delivered = user_data;
    (*delivered)++;
    print_event(event, "callback");
}

static int hash_once(anidb_client_handle_t client, const char* path) {
    const anidb_hash_algorithm_t algorithms[] = {ANIDB_HASH_ED2K, ANIDB_HASH_MD5};
    anidb_process_options_t options = {.algorithms = algorithms, .algorithm_count = 2};
    anidb_file_result_t* result = NULL;
    anidb_result_t rc = anidb_process_file(client, path, &options, &result);
    if (rc != ANIDB_SUCCESS) {
        fprintf(stderr, "hash: %s\n", anidb_error_string(rc));
        return -1;
    }
    anidb_free_file_result(result);
    return 0;
}

int main(int argc, char** argv) {
    sample_files_t samples = {0};
    const char* path = argc > 1 ? argv[1] : NULL;
    if (path == NULL) {
        const size_t sizes[] = {1024u * 1024u + 5u};
        if (sample_files_make(&samples, sizes, 1) != 0) {
            sample_files_remove(&samples);
            return 1;
        }
        path = samples.paths[0];
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

    int exit_code = 1;
    /* 1. Polling: events queue up until asked for. */
    if (hash_once(client, path) != 0) goto done;
    anidb_event_t events[32];
    size_t count = 0;
    unsigned polled = 0;
    do {
        if (anidb_event_poll(client, events, 32, &count) != ANIDB_SUCCESS) goto done;
        for (size_t i = 0; i < count; i++) print_event(&events[i], "poll");
        polled += (unsigned)count;
    } while (count == 32);

    /* 2. A callback: events are delivered as they happen. */
    unsigned delivered = 0;
    if (anidb_event_connect(client, on_event, &delivered) != ANIDB_SUCCESS) goto done;
    int hashed = hash_once(client, path); /* the second time comes from the cache */
    /* After disconnect returns the callback is not running and never will
       again, so `delivered` may be read (or its storage freed). */
    anidb_event_disconnect(client);
    if (hashed != 0) goto done;

    printf("%u events polled, %u delivered to the callback\n", polled, delivered);
    exit_code = polled > 0 && delivered > 0 ? 0 : 1;

done:
    anidb_client_destroy(client);
    anidb_cleanup();
    sample_files_remove(&samples);
    return exit_code;
}
