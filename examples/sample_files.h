/*
 * sample_files.h — helpers the examples share to make their own input when
 * run without arguments: a temporary directory with a few files of known
 * content, removed again at the end. Not part of libanidb.
 */
#ifndef ANIDB_EXAMPLES_SAMPLE_FILES_H
#define ANIDB_EXAMPLES_SAMPLE_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char dir[64];        /* the temporary directory ("" when not made) */
    char paths[4][96];   /* the files made in it */
    size_t count;
} sample_files_t;

/* Writes size bytes of a pattern seeded by `seed`; 0 on success. */
static int sample_write(const char* path, size_t size, unsigned seed) {
    FILE* f = fopen(path, "wb");
    if (f == NULL) return -1;
    unsigned x = seed * 2654435761u + 1u;
    for (size_t i = 0; i < size; i++) {
        x = x * 1103515245u + 12345u;
        if (fputc((int)((x >> 16) & 0xffu), f) == EOF) {
            fclose(f);
            return -1;
        }
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* Makes a temporary directory holding `count` (<= 4) files of the given sizes. */
static int sample_files_make(sample_files_t* s, const size_t* sizes, size_t count) {
    memset(s, 0, sizeof *s);
    const char* tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/anidb-example-XXXXXX",
             tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
    if (count > 4 || mkdtemp(s->dir) == NULL) {
        s->dir[0] = '\0';
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        snprintf(s->paths[i], sizeof s->paths[i], "%s/sample-%zu.bin", s->dir, i);
        if (sample_write(s->paths[i], sizes[i], (unsigned)i + 1u) != 0) return -1;
        s->count = i + 1;
    }
    return 0;
}

/* Removes the directory and everything in it (the files and any cache). */
static void sample_files_remove(sample_files_t* s) {
    if (s->dir[0] == '\0') return;
    DIR* d = opendir(s->dir);
    if (d != NULL) {
        struct dirent* entry;
        char path[sizeof s->dir + 300];
        while ((entry = readdir(d)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
            snprintf(path, sizeof path, "%s/%s", s->dir, entry->d_name);
            remove(path);
        }
        closedir(d);
    }
    rmdir(s->dir);
    s->dir[0] = '\0';
}

#endif /* ANIDB_EXAMPLES_SAMPLE_FILES_H */
