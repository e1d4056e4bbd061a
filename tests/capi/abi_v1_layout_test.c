/* A program built against the ABI 1 header: its anidb_config_t ends after
 * client_version (a test-only copy of that layout below). It passes 1 to
 * anidb_init and hands the library a structure that ends right at a page
 * the process cannot read: reading one byte past the ABI 1 layout would
 * crash. Then, as a caller of this header's ABI, the appended fields are read (a bad
 * api_key is refused). Compiled as C11 with -Werror. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "anidb/anidb.h"

/* anidb_config_t as ABI 1 declared it. */
typedef struct {
    const char* cache_dir;
    size_t max_concurrent_files;
    size_t chunk_size;
    size_t max_memory_usage;
    int enable_debug_logging;
    const char* username;
    const char* password;
    const char* client_name;
    const char* client_version;
} config_abi1_t;

static int failed = 0;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            ++failed;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

int main(int argc, char** argv) {
    const char* dir = argc > 1 ? argv[1] : ".";
    const long page = sysconf(_SC_PAGESIZE);
    /* Two pages: the second unreadable, the ABI 1 structure flush against it. */
    char* pages =
        mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED || mprotect(pages + page, (size_t)page, PROT_NONE) != 0) {
        perror("mmap");
        return 1;
    }
    config_abi1_t* old = (config_abi1_t*)(pages + page - sizeof(config_abi1_t));
    memset(old, 0, sizeof *old);
    old->cache_dir = dir;
    old->client_name = "abionetest";

    /* The structure grew since ABI 1 (at its end only). */
    CHECK(sizeof(anidb_config_t) > sizeof(config_abi1_t));
    CHECK(offsetof(anidb_config_t, client_version) == offsetof(config_abi1_t, client_version));

    CHECK(anidb_init(1) == ANIDB_SUCCESS);
    anidb_client_handle_t client = NULL;
    CHECK(anidb_client_create_with_config((const anidb_config_t*)old, &client) == ANIDB_SUCCESS);
    CHECK(client != NULL);
    CHECK(anidb_client_set_option(client, "anidb.timeout_ms", "1000") == ANIDB_SUCCESS);
    /* Hash algorithm 6 (ANIDB_HASH_ED2K_BLUE) is since ABI 3: to this caller
     * it is an unknown value, refused like any other. */
    char hash[33];
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, (anidb_hash_algorithm_t)6, hash,
                                      sizeof hash) == ANIDB_ERROR_INVALID_PARAMETER);
    CHECK(anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, ANIDB_HASH_ED2K, hash,
                                      sizeof hash) == ANIDB_SUCCESS);
    CHECK(anidb_client_destroy(client) == ANIDB_SUCCESS);
    /* A caller of a newer ABI in the same process does not make the library read
     * ABI 1 structures as newer ones: the lowest version wins. */
    CHECK(anidb_init(ANIDB_ABI_VERSION) == ANIDB_SUCCESS);
    client = NULL;
    CHECK(anidb_client_create_with_config((const anidb_config_t*)old, &client) == ANIDB_SUCCESS);
    CHECK(anidb_client_destroy(client) == ANIDB_SUCCESS);
    anidb_cleanup();

    /* After cleanup, a caller of this header's ABI: the appended fields are read. */
    CHECK(anidb_init(ANIDB_ABI_VERSION) == ANIDB_SUCCESS);
    anidb_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.cache_dir = dir;
    cfg.api_key = "\xff not UTF-8";
    client = (anidb_client_handle_t)1;
    CHECK(anidb_client_create_with_config(&cfg, &client) == ANIDB_ERROR_INVALID_UTF8);
    CHECK(client == NULL);
    cfg.api_key = "secretkey";
    cfg.encrypt = 1;
    CHECK(anidb_client_create_with_config(&cfg, &client) == ANIDB_SUCCESS);
    CHECK(anidb_client_destroy(client) == ANIDB_SUCCESS);
    anidb_cleanup();

    uint64_t leaks = 0, bytes = 0;
    CHECK(anidb_check_memory_leaks(&leaks, &bytes) == ANIDB_SUCCESS && leaks == 0);
    munmap(pages, (size_t)page * 2);
    if (failed == 0) printf("ABI 1 layout: OK\n");
    return failed == 0 ? 0 : 1;
}
