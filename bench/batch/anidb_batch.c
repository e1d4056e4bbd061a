/*
 * anidb-batch: hashes a list of files and directory trees through the C ABI
 * of libanidb (anidb_process_batch, or anidb_process_file in a loop) and
 * prints files/s and MB/s (1 MB = 10^6 bytes). Used by bench/compare-batch
 * and bench/compare-cache; it is a benchmark tool, not a test.
 *
 *   anidb-batch [options] PATH...      (a PATH may be a file or a directory,
 *                                       walked recursively, symlinks not followed)
 *     -a LIST   algorithms, comma separated: ed2k,crc32,md5,sha1,tth (default ed2k)
 *     -j N      max_concurrent of the batch; 0 = one per core (default 0)
 *     -c DIR    cache_dir of the client (the hash cache database goes there)
 *     -n        no cache: the client is given a cache_dir that cannot be
 *               created (under /dev/null), so it runs without a cache, as the
 *               C ABI documents for an unusable cache (the C ABI has no
 *               "cache off" field in anidb_config_t)
 *     -D        call anidb_client_set_option(h, "cache.enabled", "0") after
 *               creating the client (to see whether it takes effect)
 *     -R N      anidb_client_set_option(h, "io.readers_per_device", N): files
 *               read at once per device (default: 1 for a disk that reports
 *               itself as spinning, e.g. many virtual disks; 4 otherwise)
 *     -s        skip_existing = 1 (answer cached files from the cache)
 *     -S        streaming: anidb_process_batch_stream (input order), each result
 *               handed over and dropped (peak RSS stays bounded)
 *     -l        loop: anidb_process_file per file (one thread) instead of a batch
 *     -r        reference loop: plain open + read (1 MiB buffer) + close per
 *               file, no library (to compare the per-file overhead with)
 *     -p        print "<hash> <path>" per file (first algorithm)
 *     -q        print only the one summary line
 * Summary line (stdout):
 *   mode=batch files=N ok=N failed=N bytes=B walk_s=S run_s=S files_per_s=X
 *   mb_per_s=Y us_per_file=Z cache_entries=E max_rss_kib=K
 * run_s covers only the hashing call(s), not the directory walk or client
 * creation; a wrapper timing the whole process sees both.
 * Exit status: 0 when every file hashed, 1 when some failed, 2 on usage or
 * setup errors.
 */
#define _XOPEN_SOURCE 700
#include <anidb/anidb.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The file list, filled by the directory walk. */
static char** g_paths = NULL;
static size_t g_count = 0;
static size_t g_capacity = 0;

static int add_path(const char* path) {
    if (g_count == g_capacity) {
        size_t cap = g_capacity == 0 ? 1024 : g_capacity * 2;
        char** grown = realloc(g_paths, cap * sizeof *grown);
        if (grown == NULL) return -1;
        g_paths = grown;
        g_capacity = cap;
    }
    g_paths[g_count] = strdup(path);
    if (g_paths[g_count] == NULL) return -1;
    ++g_count;
    return 0;
}

static int walk_entry(const char* path, const struct stat* st, int type, struct FTW* ftw) {
    (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode)) return add_path(path) == 0 ? 0 : 1;
    return 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_algorithms(const char* list, anidb_hash_algorithm_t* out, size_t* count) {
    static const struct {
        const char* name;
        anidb_hash_algorithm_t algorithm;
    } names[] = {{"ed2k", ANIDB_HASH_ED2K},
                 {"crc32", ANIDB_HASH_CRC32},
                 {"md5", ANIDB_HASH_MD5},
                 {"sha1", ANIDB_HASH_SHA1},
                 {"tth", ANIDB_HASH_TTH}};
    char buffer[128];
    if (strlen(list) >= sizeof buffer) return -1;
    strcpy(buffer, list);
    *count = 0;
    for (char* tok = strtok(buffer, ","); tok != NULL; tok = strtok(NULL, ",")) {
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] && strcmp(names[i].name, tok) != 0) ++i;
        if (i == sizeof names / sizeof names[0] || *count == 5) return -1;
        out[(*count)++] = names[i].algorithm;
    }
    return *count > 0 ? 0 : -1;
}

/* The -r reference: what reading each file costs without the library. */
static int reference_loop(uint64_t* bytes, size_t* failed) {
    static char buffer[1 << 20];
    for (size_t i = 0; i < g_count; ++i) {
        int fd = open(g_paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            ++*failed;
            continue;
        }
        ssize_t n;
        while ((n = read(fd, buffer, sizeof buffer)) > 0) *bytes += (uint64_t)n;
        if (n < 0) ++*failed;
        close(fd);
    }
    return 0;
}

static void usage(void) {
    fprintf(stderr,
            "usage: anidb-batch [-a ed2k,crc32,md5,sha1,tth] [-j N] [-c DIR | -n] [-D] [-s] "
            "[-l | -r] [-p] [-q] PATH...\n");
}

/* What a streaming batch hands over, summed up (results are not kept). */
struct stream_tally {
    size_t ok, failed;
    uint64_t bytes;
    int print, quiet;
};

static int on_streamed(size_t index, anidb_result_t file_error, const anidb_file_result_t* r,
                       void* user_data) {
    struct stream_tally* t = user_data;
    (void)index;
    if (file_error == ANIDB_SUCCESS) {
        ++t->ok;
        t->bytes += r->file_size;
        if (t->print) printf("%s %s\n", r->hashes[0].hash_value, r->file_path);
    } else {
        ++t->failed;
        if (!t->quiet) {
            fprintf(stderr, "anidb-batch: %s: %s\n", r->file_path,
                    r->error_message != NULL ? r->error_message : "failed");
        }
    }
    return 0;
}

static long max_rss_kib(void) {
    struct rusage usage;
    return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : -1;
}

int main(int argc, char** argv) {
    anidb_hash_algorithm_t algorithms[5] = {ANIDB_HASH_ED2K};
    size_t algorithm_count = 1;
    size_t jobs = 0;
    const char* cache_dir = NULL;
    int no_cache = 0, disable_after = 0, skip_existing = 0, loop = 0, reference = 0;
    int print = 0, quiet = 0, stream = 0;
    const char* readers = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "a:j:c:nDR:sSlrpq")) != -1) {
        switch (opt) {
            case 'a':
                if (parse_algorithms(optarg, algorithms, &algorithm_count) != 0) {
                    fprintf(stderr, "anidb-batch: bad algorithm list '%s'\n", optarg);
                    return 2;
                }
                break;
            case 'j':
                jobs = (size_t)strtoul(optarg, NULL, 10);
                break;
            case 'c':
                cache_dir = optarg;
                break;
            case 'n':
                no_cache = 1;
                break;
            case 'D':
                disable_after = 1;
                break;
            case 's':
                skip_existing = 1;
                break;
            case 'R':
                readers = optarg;
                break;
            case 'S':
                stream = 1;
                break;
            case 'l':
                loop = 1;
                break;
            case 'r':
                reference = 1;
                break;
            case 'p':
                print = 1;
                break;
            case 'q':
                quiet = 1;
                break;
            default:
                usage();
                return 2;
        }
    }
    if (optind >= argc || (cache_dir != NULL && no_cache) || (loop && reference)) {
        usage();
        return 2;
    }

    const double walk_start = now_s();
    for (int i = optind; i < argc; ++i) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "anidb-batch: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        int rc = S_ISDIR(st.st_mode) ? nftw(argv[i], walk_entry, 64, FTW_PHYS) : add_path(argv[i]);
        if (rc != 0) {
            fprintf(stderr, "anidb-batch: cannot list %s\n", argv[i]);
            return 2;
        }
    }
    const double walk_s = now_s() - walk_start;
    if (g_count == 0) {
        fprintf(stderr, "anidb-batch: no files\n");
        return 2;
    }

    uint64_t bytes = 0;
    size_t ok = 0, failed = 0;
    size_t cache_entries = 0;
    double run_s = 0;
    const char* mode = reference ? "reference" : loop ? "loop" : stream ? "stream" : "batch";

    if (reference) {
        const double t0 = now_s();
        reference_loop(&bytes, &failed);
        run_s = now_s() - t0;
        ok = g_count - failed;
    } else {
        if (anidb_init(ANIDB_ABI_VERSION) != ANIDB_SUCCESS) {
            fprintf(stderr, "anidb-batch: anidb_init failed\n");
            return 2;
        }
        anidb_config_t config;
        memset(&config, 0, sizeof config);
        config.cache_dir = no_cache ? "/dev/null/anidb-batch-no-cache" : cache_dir;
        anidb_client_handle_t client = NULL;
        if (anidb_client_create_with_config(&config, &client) != ANIDB_SUCCESS) {
            char message[512];
            anidb_get_last_error(message, sizeof message);
            fprintf(stderr, "anidb-batch: cannot create a client: %s\n", message);
            return 2;
        }
        if (readers != NULL &&
            anidb_client_set_option(client, "io.readers_per_device", readers) != ANIDB_SUCCESS) {
            fprintf(stderr, "anidb-batch: io.readers_per_device %s refused\n", readers);
            return 2;
        }
        if (disable_after &&
            anidb_client_set_option(client, "cache.enabled", "0") != ANIDB_SUCCESS) {
            fprintf(stderr, "anidb-batch: set_option cache.enabled refused\n");
            return 2;
        }
        /* The batch forms' options (-S and the default). */
        anidb_batch_options_t bo;
        memset(&bo, 0, sizeof bo);
        bo.algorithms = algorithms;
        bo.algorithm_count = algorithm_count;
        bo.max_concurrent = jobs;
        bo.continue_on_error = 1;
        bo.skip_existing = skip_existing;
        if (loop) {
            anidb_process_options_t po;
            memset(&po, 0, sizeof po);
            po.algorithms = algorithms;
            po.algorithm_count = algorithm_count;
            const double t0 = now_s();
            for (size_t i = 0; i < g_count; ++i) {
                anidb_file_result_t* r = NULL;
                anidb_result_t rc = anidb_process_file(client, g_paths[i], &po, &r);
                if (rc == ANIDB_SUCCESS && r != NULL && r->status == ANIDB_STATUS_COMPLETED) {
                    ++ok;
                    bytes += r->file_size;
                    if (print) printf("%s %s\n", r->hashes[0].hash_value, r->file_path);
                } else {
                    ++failed;
                    if (!quiet) {
                        fprintf(stderr, "anidb-batch: %s: %s\n", g_paths[i],
                                anidb_error_string(rc));
                    }
                }
                anidb_free_file_result(r);
            }
            run_s = now_s() - t0;
        } else if (stream) {
            struct stream_tally tally = {0, 0, 0, print, quiet};
            const double t0 = now_s();
            anidb_result_t rc =
                anidb_process_batch_stream(client, (const char**)g_paths, g_count, &bo,
                                           ANIDB_BATCH_INPUT_ORDER, on_streamed, &tally, NULL);
            run_s = now_s() - t0;
            if (rc != ANIDB_SUCCESS) {
                fprintf(stderr, "anidb-batch: stream failed: %s\n", anidb_error_string(rc));
                return 2;
            }
            ok = tally.ok;
            failed = tally.failed;
            bytes = tally.bytes;
        } else {
            anidb_batch_result_t* result = NULL;
            const double t0 = now_s();
            anidb_result_t rc =
                anidb_process_batch(client, (const char**)g_paths, g_count, &bo, &result);
            run_s = now_s() - t0;
            if (rc != ANIDB_SUCCESS) {
                char message[512];
                anidb_client_get_last_error(client, message, sizeof message);
                fprintf(stderr, "anidb-batch: batch failed: %s (%s)\n", anidb_error_string(rc),
                        message);
                return 2;
            }
            for (size_t i = 0; i < result->total_files; ++i) {
                const anidb_file_result_t* r = &result->results[i];
                if (r->status == ANIDB_STATUS_COMPLETED) {
                    bytes += r->file_size;
                    if (print) printf("%s %s\n", r->hashes[0].hash_value, r->file_path);
                } else if (!quiet) {
                    fprintf(stderr, "anidb-batch: %s: %s\n", r->file_path,
                            r->error_message != NULL ? r->error_message : "failed");
                }
            }
            ok = result->successful_files;
            failed = result->failed_files;
            anidb_free_batch_result(result);
        }
        uint64_t db_bytes = 0;
        if (anidb_cache_get_stats(client, &cache_entries, &db_bytes) != ANIDB_SUCCESS) {
            cache_entries = 0; /* no usable cache (-n) */
        }
        anidb_client_destroy(client);
        anidb_cleanup();
    }

    printf(
        "mode=%s files=%zu ok=%zu failed=%zu bytes=%llu walk_s=%.4f run_s=%.4f "
        "files_per_s=%.1f mb_per_s=%.1f us_per_file=%.2f cache_entries=%zu max_rss_kib=%ld\n",
        mode, g_count, ok, failed, (unsigned long long)bytes, walk_s, run_s,
        (double)g_count / run_s, (double)bytes / 1e6 / run_s, run_s * 1e6 / (double)g_count,
        cache_entries, max_rss_kib());
    for (size_t i = 0; i < g_count; ++i) free(g_paths[i]);
    free(g_paths);
    return failed == 0 ? 0 : 1;
}
