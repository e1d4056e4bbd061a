#include "hash/hash_file.h"

#include <new>

#include "hash/ed2k_chunk_job.h"
#include "hash/file_hash_job.h"
#include "io/sequential_file.h"
#include "memory/memory_budget.h"

namespace anidb::hash {

namespace {
// Runs a job whose own state (contexts, queues) is charged like any other
// library memory; its read buffers are charged by the pool.
template <class Job>
Result<FileHashes> run_charged(io::SequentialFile& file, const FileHashOptions& options) {
    memory::Charge state = memory::Charge::take(sizeof(Job));
    if (!state.ok()) {
        return make_error(Errc::out_of_memory,
                          "not enough memory under the library limit for hashing state");
    }
    Job job(file, options);
    return job.run();
}
}  // namespace

Result<FileHashes> hash_file(const std::filesystem::path& path, const FileHashOptions& options) {
    if (Status valid = validate_algorithms(options.algorithms); !valid) return valid.error();
    try {
        Result<io::SequentialFile> file = io::SequentialFile::open(path);
        if (!file) return file.error();
        // ED2K alone has no serial lane: every core reads and hashes its own
        // chunks. Anything else goes through the shared-reader engine.
        Result<FileHashes> hashed =
            options.algorithms.size() == 1 && options.algorithms.front() == Algorithm::ed2k
                ? run_charged<Ed2kChunkJob>(*file, options)
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
