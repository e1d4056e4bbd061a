// Whole files hashed side by side in the lanes of one Md4Lanes: one file
// per lane, and a lane whose file ends takes the next one, so a batch of
// thousands of small files hashes 8 (AVX2) or 16 (AVX-512) at a time on
// each thread. For files of at most one ED2K chunk, where Ed2kChunkJob has
// a single chunk and so a single lane to fill; larger files are refused at
// submit() (hash them with hash_file, which spreads their chunks over the
// cores). ED2K and CRC32 only (Ed2kChunkJob::handles): the other
// algorithms have no multi-lane kernel.
//
// The manager style of ISA-L's multi-buffer hashing: submit() files while
// a lane is free, step() to read the next piece of every busy lane (with
// pread, into this object's one pooled buffer) and hash them all in one
// Md4Lanes::update; files that end come back from step() with their
// digests. Each file gets what hash_file would give it: the same digests,
// ed2k_other_variant, and errors (file_not_found, permission_denied,
// invalid_parameter "not a regular file", io including "file changed while
// hashing", out_of_memory, cancelled).
//
// Memory: one buffer of at most Ed2kChunkJob::kWorkerBuffer (smaller under
// a tight memory limit) plus one open file per busy lane. Not thread-safe:
// one object per thread; different objects run in parallel.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stop_token>
#include <vector>

#include "hash/hash_file.h"
#include "hash/md4_lanes.h"
#include "io/sequential_file.h"
#include "memory/buffer_pool.h"

namespace anidb::hash {

class FileLanes {
  public:
    // Largest file submit() takes: one ED2K chunk.
    static constexpr uint64_t kMaxFileSize = kEd2kChunkSize;

    struct Finished {
        size_t tag;  // as given to submit()
        Result<FileHashes> hashes;
    };
    enum class Admission {
        hashing,    // in a lane; comes back from a later step()
        finished,   // already done (an empty file, or an error): appended to `finished`
        too_large,  // bigger than kMaxFileSize; not taken
    };

    // `algorithms` must satisfy Ed2kChunkJob::handles (else invalid_argument).
    // `stop`: when requested, every busy lane ends with Errc::cancelled at
    // the next step() and submit() refuses new files the same way.
    FileLanes(std::vector<Algorithm> algorithms, Ed2kVariant variant, std::stop_token stop = {});

    unsigned width() const noexcept { return md4_.width(); }
    bool has_free_lane() const noexcept { return busy_count_ < width(); }
    bool idle() const noexcept { return busy_count_ == 0; }

    // Opens `path` and starts it in a free lane (has_free_lane() must be true).
    Admission submit(size_t tag, const std::filesystem::path& path,
                     std::vector<Finished>& finished);
    // Reads and hashes the next piece of every busy lane; appends the files
    // that ended (complete, failed or cancelled) to `finished`.
    void step(std::vector<Finished>& finished);

  private:
    struct Lane {
        std::optional<io::SequentialFile> file;
        size_t tag = 0;
        uint64_t at = 0;                // next byte to read
        std::vector<Md4Digest> chunks;  // digests of the finished chunks
        uint32_t crc = 0;
    };

    bool ensure_buffer() noexcept;
    // The lane's results once every byte is hashed.
    Result<FileHashes> results(Lane& lane) const;
    // Frees the lane and reports its file; `mid_chunk`: its MD4 holds bytes.
    void end(unsigned lane, Result<FileHashes> hashes, std::vector<Finished>& finished,
             bool mid_chunk);

    std::vector<Algorithm> algorithms_;
    Ed2kVariant variant_;
    std::stop_token stop_;
    bool want_ed2k_ = false;
    bool want_crc32_ = false;
    Md4Lanes md4_;
    memory::PooledBuffer buffer_;
    size_t piece_ = 0;  // bytes per lane per step
    std::array<Lane, Md4Lanes::kMaxLanes> lane_;
    unsigned busy_count_ = 0;
};

// Hashes every file of `paths` on the calling thread: files of at most one
// chunk side by side in FileLanes, larger ones with hash_file (all cores).
// results[i] is paths[i]'s. options.algorithms must satisfy
// Ed2kChunkJob::handles, else every result is Errc::invalid_parameter;
// options.max_threads and read_pattern apply to the large files,
// options.progress is not called. Never throws.
std::vector<Result<FileHashes>> hash_files_in_lanes(std::span<const std::filesystem::path> paths,
                                                    const FileHashOptions& options);

}  // namespace anidb::hash
