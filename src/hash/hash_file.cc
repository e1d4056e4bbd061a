#include "hash/hash_file.h"

#include <sys/stat.h>

#include <new>

#include "hash/ed2k_chunk_job.h"
#include "hash/file_hash_job.h"
#include "io/block_device.h"
#include "io/page_cache.h"
#include "io/sequential_file.h"
#include "memory/memory_budget.h"

namespace anidb::hash {

namespace {
// Runs a job whose own state (contexts, queues) is charged like any other
// library memory; its read buffers are charged by the pool.
template <class Job, class... Args>
Result<FileHashes> run_charged(io::SequentialFile& file, const FileHashOptions& options,
                               Args... args) {
    memory::Charge state = memory::Charge::take(sizeof(Job));
    if (!state.ok()) {
        return make_error(Errc::out_of_memory,
                          "not enough memory under the library limit for hashing state");
    }
    Job job(file, options, args...);
    return job.run();
}

// Whether to read front to back: only a file of several chunks can be read
// in several places at once, and only a spinning disk minds, unless (nearly)
// every byte is in the page cache: the few pages another process's memory
// use pushed out do not make reading in parallel seek much.
bool reads_sequentially(const std::filesystem::path& path, uint64_t size, ReadPattern pattern) {
    if (pattern != ReadPattern::automatic || size <= kEd2kChunkSize) {
        return pattern == ReadPattern::sequential;
    }
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && io::device_spins(st.st_dev) &&
           io::page_cache_share(path) < kCachedEnoughForParallelReads;
}
}  // namespace

Result<FileHashes> hash_file(const std::filesystem::path& path, const FileHashOptions& options) {
    if (Status valid = validate_algorithms(options.algorithms); !valid) return valid.error();
    try {
        Result<io::SequentialFile> file = io::SequentialFile::open(path);
        if (!file) return file.error();
        // ED2K and CRC32 have no serial lane: every core reads and hashes
        // its own chunks. Anything else goes through the shared-reader engine.
        Result<FileHashes> hashed =
            Ed2kChunkJob::handles(options.algorithms)
                ? run_charged<Ed2kChunkJob>(
                      *file, options, reads_sequentially(path, file->size(), options.read_pattern))
                : run_charged<FileHashJob>(*file, options);
        if (hashed) hashed->stamp = file->stamp();
        return hashed;
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory while hashing");
    } catch (const std::exception& e) {
        return make_error(Errc::unknown, std::string("hashing failed: ") + e.what());
    }
}

}  // namespace anidb::hash
