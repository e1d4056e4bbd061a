// Hashing a file: every requested algorithm from one read, ED2K chunks and
// TTH leaf groups in parallel on the process-wide WorkerPool, MD5/SHA1/CRC32
// serially beside them, reading ahead on pooled buffers (FileHashJob). ED2K
// and CRC32 without the others have their own engine, where each worker
// reads whole chunks and hashes up to 16 of them at once in the lanes of a
// SIMD MD4 (Ed2kChunkJob). Memory is bounded whatever the file size (16 MiB
// of buffers in flight on two cores for FileHashJob, 1 MiB per worker for
// Ed2kChunkJob); under a low memory limit fewer and smaller buffers are used.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/result.h"
#include "hash/algorithm.h"
#include "io/sequential_file.h"

namespace anidb::hash {

// How Ed2kChunkJob reads a file bigger than one ED2K chunk: `parallel`,
// several chunks at once with positional reads (SSDs, NVMe, the page
// cache); `sequential`, front to back by one thread, as a spinning disk
// wants (reading two places at once makes it seek); `automatic` is
// sequential for a file on a spinning disk (io::device_spins) of which less
// than kCachedEnoughForParallelReads is in the page cache
// (io::page_cache_share), else parallel. FileHashJob always reads front to
// back.
enum class ReadPattern { automatic, parallel, sequential };
inline constexpr double kCachedEnoughForParallelReads = 0.9;

struct FileHashOptions {
    std::vector<Algorithm> algorithms;
    Ed2kVariant ed2k_variant = Ed2kVariant::red;
    unsigned max_threads = 0;  // parallel tasks of this file at once; 0 = all cores
    ReadPattern read_pattern = ReadPattern::automatic;
    // Called serially on the thread that called hash_file, at most ~20 times
    // a second: once with 0 before reading, then as blocks are hashed, and a
    // final call with done == total once every byte is hashed (not after an
    // error). Never called after hash_file returns. It may throw nothing; an
    // exception from it ends hashing with Errc::unknown.
    std::function<void(uint64_t bytes_done, uint64_t total_bytes)> progress;
    // When stop is requested, hash_file returns Errc::cancelled within one buffer.
    std::stop_token stop;
};

struct FileHashes {
    uint64_t size = 0;
    std::vector<Digest> digests;  // in the order requested
    // The other ED2K variant, set only when ED2K was requested and the size is
    // a non-zero multiple of kEd2kChunkSize (where the variants differ).
    std::string ed2k_other_variant;
    // The file as it was opened and, checked after the last byte, still is:
    // what a cache should key these digests by.
    io::FileStamp stamp;
};

// Errors: invalid_parameter (bad algorithm list, or not a regular file),
// file_not_found, permission_denied, io (read failure, or "file changed while
// hashing": see io::SequentialFile for what is compared), out_of_memory (not even 1 KiB
// buffers fit the memory limit), cancelled. Thread-safe: any number of calls
// may run at once on caller threads; they share the worker pool. Do not call
// it from a WorkerPool task (it waits for pool tasks). Never throws.
Result<FileHashes> hash_file(const std::filesystem::path& path, const FileHashOptions& options);

}  // namespace anidb::hash
