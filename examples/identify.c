/*
 * identify.c — identify a file through AniDB and add it to MyList.
 *
 *   identify [-o KEY=VALUE]... HOST:PORT FILE
 *   identify [-o KEY=VALUE]... HOST:PORT ED2K SIZE
 *
 * The AniDB account comes from $ANIDB_USERNAME and $ANIDB_PASSWORD; the
 * registered client from $ANIDB_CLIENT_NAME and $ANIDB_CLIENT_VERSION.
 * -o sets any client option (anidb_client_set_option), e.g.
 * -o anidb.local_port=0. The test suite runs it against the fake AniDB
 * server of tests/support/fake_anidb. Exit status 0 when the file was
 * identified and is in MyList.
 */
#define _POSIX_C_SOURCE 200809L

#include <anidb/anidb.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* env_or(const char* name, const char* fallback) {
    const char* value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : fallback;
}

/* Prints the failed call's code and the client's message. */
static void report(anidb_client_handle_t client, const char* what, anidb_result_t rc) {
    char message[512];
    anidb_client_get_last_error(client, message, sizeof message);
    fprintf(stderr, "%s: %s: %s\n", what, anidb_error_string(rc), message);
}

static int usage(void) {
    fprintf(stderr, "usage: identify [-o KEY=VALUE]... HOST:PORT (FILE | ED2K SIZE)\n");
    return 2;
}

int main(int argc, char** argv) {
    int arg = 1;
    const char* options[16][2];
    size_t option_count = 0;
    char option_text[16][128];
    while (arg + 1 < argc && strcmp(argv[arg], "-o") == 0) {
        const char* kv = argv[arg + 1];
        const char* eq = strchr(kv, '=');
        if (eq == NULL || option_count == 16 || strlen(kv) >= sizeof option_text[0]) return usage();
        strcpy(option_text[option_count], kv);
        option_text[option_count][eq - kv] = '\0';
        options[option_count][0] = option_text[option_count];
        options[option_count][1] = option_text[option_count] + (eq - kv) + 1;
        option_count++;
        arg += 2;
    }
    if (argc - arg != 2 && argc - arg != 3) return usage();
    const char* server = argv[arg];

    if (anidb_init(ANIDB_ABI_VERSION) != ANIDB_SUCCESS) return 1;

    /* The account and the registered client. Strings are copied by the call. */
    anidb_config_t config = {0};
    config.username = env_or("ANIDB_USERNAME", NULL);
    config.password = env_or("ANIDB_PASSWORD", NULL);
    config.client_name = env_or("ANIDB_CLIENT_NAME", "anidbexample");
    config.client_version = env_or("ANIDB_CLIENT_VERSION", "1");
    config.cache_dir = env_or("ANIDB_CACHE_DIR", NULL);
    anidb_client_handle_t client = NULL;
    anidb_result_t rc = anidb_client_create_with_config(&config, &client);
    if (rc != ANIDB_SUCCESS) {
        fprintf(stderr, "client: %s\n", anidb_error_string(rc));
        anidb_cleanup();
        return 1;
    }

    int exit_code = 1;
    anidb_anime_info_t* info = NULL;
    if ((rc = anidb_client_set_option(client, "anidb.server", server)) != ANIDB_SUCCESS) {
        report(client, "anidb.server", rc);
        goto done;
    }
    for (size_t i = 0; i < option_count; i++) {
        if ((rc = anidb_client_set_option(client, options[i][0], options[i][1])) != ANIDB_SUCCESS) {
            report(client, options[i][0], rc);
            goto done;
        }
    }

    /* Identify: by path (hashed through the cache), or by ED2K and size. */
    char ed2k[33] = "";
    uint64_t size = 0;
    if (argc - arg == 2) {
        rc = anidb_identify_path(client, argv[arg + 1], &info);
    } else {
        snprintf(ed2k, sizeof ed2k, "%s", argv[arg + 1]);
        size = strtoull(argv[arg + 2], NULL, 10);
        rc = anidb_identify_file(client, ed2k, size, &info);
    }
    if (rc == ANIDB_ERROR_NO_SUCH_FILE) {
        printf("AniDB does not know this file.\n");
        goto done;
    }
    if (rc != ANIDB_SUCCESS) {
        report(client, "identify", rc);
        goto done;
    }
    printf("%s (%s)\n", info->title, info->title_english);
    printf("  episode %s: %s\n", info->episode_number_text, info->episode_title);
    printf("  group   %s [%s]\n", info->group_name, info->group_short_name);
    printf("  ids     anime %" PRIu64 ", episode %" PRIu64 ", file %" PRIu64 "\n", info->anime_id,
           info->episode_id, info->file_id);
    printf("  answer  from %s, confidence %.2f\n", info->source == 1 ? "the cache" : "AniDB",
           info->confidence);
    /* identify_path hashed the file: AniDB's record has its ED2K and size. */
    snprintf(ed2k, sizeof ed2k, "%s", info->ed2k);
    size = info->file_size;
    anidb_free_anime_info(info);
    info = NULL;

    /* Add it to MyList as "on HDD, watched". Asking twice sends nothing. */
    anidb_mylist_options_t wishes = ANIDB_MYLIST_OPTIONS_INIT;
    wishes.viewed = 1;
    for (int round = 0; round < 2; round++) {
        anidb_mylist_result_t added;
        if ((rc = anidb_mylist_add(client, ed2k, size, &wishes, &added)) != ANIDB_SUCCESS) {
            report(client, "mylist add", rc);
            goto done;
        }
        const char* outcome = added.outcome == ANIDB_MYLIST_ADDED     ? "added"
                              : added.outcome == ANIDB_MYLIST_UPDATED ? "updated"
                                                                      : "already there";
        printf("MyList: %s (entry %" PRIu64 ", answered by %s)\n", outcome, added.mylist_id,
               added.source == 1 ? "the local MyList state" : "AniDB");
    }
    exit_code = 0;

done:
    anidb_free_anime_info(info);
    anidb_client_destroy(client); /* logs out of AniDB */
    anidb_cleanup();
    return exit_code;
}
