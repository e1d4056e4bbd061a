#include "hash/hash_file.h"

#include <new>

#include "hash/file_hash_job.h"
#include "io/sequential_file.h"
#include "memory/memory_budget.h"

namespace anidb::hash {

Result<FileHashes> hash_file(const std::filesystem::path& path, const FileHashOptions& options) {
    if (Status valid = validate_algorithms(options.algorithms); !valid) return valid.error();
    try {
        Result<io::SequentialFile> file = io::SequentialFile::open(path);
        if (!file) return file.error();
        // The job's own state (contexts, queues) is charged like any other
        // library memory; the read buffers are charged by the pool.
        memory::Charge state = memory::Charge::take(sizeof(FileHashJob));
        if (!state.ok()) {
            return make_error(Errc::out_of_memory,
                              "not enough memory under the library limit for hashing state");
        }
        FileHashJob job(*file, options);
        return job.run();
    } catch (const std::bad_alloc&) {
        return make_error(Errc::out_of_memory, "out of memory while hashing");
    } catch (const std::exception& e) {
        return make_error(Errc::unknown, std::string("hashing failed: ") + e.what());
    }
}

}  // namespace anidb::hash
