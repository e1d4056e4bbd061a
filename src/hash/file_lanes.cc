#include "hash/file_lanes.h"

#include <algorithm>
#include <new>
#include <stdexcept>

#include "hash/ed2k_chunk_job.h"
#include "hash/ed2k_chunks.h"
#include "hash/encoding.h"
#include "hash/md4_kernels.h"

namespace anidb::hash {

FileLanes::FileLanes(std::vector<Algorithm> algorithms, Ed2kVariant variant, std::stop_token stop)
    : algorithms_(std::move(algorithms)), variant_(variant), stop_(std::move(stop)) {
    if (!Ed2kChunkJob::handles(algorithms_) || !validate_algorithms(algorithms_)) {
        throw std::invalid_argument("FileLanes hashes ED2K and CRC32 only");
    }
    want_ed2k_ =
        std::find(algorithms_.begin(), algorithms_.end(), Algorithm::ed2k) != algorithms_.end();
    want_crc32_ =
        std::find(algorithms_.begin(), algorithms_.end(), Algorithm::crc32) != algorithms_.end();
}

bool FileLanes::ensure_buffer() noexcept {
    if (buffer_) return true;
    buffer_ = acquire_worker_buffer(md4_.kernel());
    if (!buffer_) return false;
    // An equal, whole-block part per lane; a 1 KiB buffer still gives 16 x 64.
    piece_ = buffer_.size() / width() / md4::kBlockSize * md4::kBlockSize;
    return true;
}

FileLanes::Admission FileLanes::submit(size_t tag, const std::filesystem::path& path,
                                       std::vector<Finished>& finished) {
    if (stop_.stop_requested()) {
        finished.push_back({tag, make_error(Errc::cancelled, "cancelled")});
        return Admission::finished;
    }
    Result<io::SequentialFile> file = io::SequentialFile::open(path);
    if (!file) {
        finished.push_back({tag, file.error()});
        return Admission::finished;
    }
    if (file->size() > kMaxFileSize) return Admission::too_large;
    if (!ensure_buffer()) {
        finished.push_back({tag, make_error(Errc::out_of_memory,
                                            "not enough memory under the library limit for a "
                                            "1 KiB read buffer")});
        return Admission::finished;
    }
    unsigned index = 0;
    while (lane_[index].file) ++index;  // a free lane exists (precondition)
    Lane& lane = lane_[index];
    lane.file.emplace(std::move(file).value());
    lane.tag = tag;
    lane.at = 0;
    lane.chunks.clear();
    lane.crc = 0;
    ++busy_count_;
    if (lane.file->size() == 0) {
        end(index, results(lane), finished, false);
        return Admission::finished;
    }
    return Admission::hashing;
}

void FileLanes::step(std::vector<Finished>& finished) {
    if (idle()) return;
    if (stop_.stop_requested()) {
        for (unsigned i = 0; i < width(); ++i) {
            if (!lane_[i].file) continue;
            end(i, make_error(Errc::cancelled, "cancelled"), finished,
                lane_[i].at % kEd2kChunkSize != 0);
        }
        return;
    }
    std::array<std::span<const std::byte>, Md4Lanes::kMaxLanes> input{};
    std::array<uint64_t, Md4Lanes::kMaxLanes> chunk_end{};
    for (unsigned i = 0; i < width(); ++i) {
        Lane& lane = lane_[i];
        if (!lane.file) continue;
        // Never across a chunk boundary: the lane's MD4 ends there.
        chunk_end[i] = std::min(lane.file->size(), (lane.at / kEd2kChunkSize + 1) * kEd2kChunkSize);
        const auto want = static_cast<size_t>(std::min<uint64_t>(piece_, chunk_end[i] - lane.at));
        const std::span<std::byte> part = buffer_.span().subspan(i * piece_, want);
        Result<size_t> got = lane.file->read_at(lane.at, part);
        if (!got) {
            end(i, got.error(), finished, lane.at % kEd2kChunkSize != 0);
            continue;
        }
        input[i] = part.first(*got);
        lane.at += *got;
        if (want_crc32_) {
            Crc32 crc(lane.crc);
            crc.update(input[i]);
            lane.crc = crc.value();
        }
    }
    if (want_ed2k_) md4_.update(std::span(input).first(width()));

    // Lanes at the end of a chunk finish their MD4 together.
    std::array<unsigned, Md4Lanes::kMaxLanes> ending{};
    std::array<Md4Digest, Md4Lanes::kMaxLanes> digests{};
    unsigned count = 0;
    for (unsigned i = 0; i < width(); ++i) {
        if (lane_[i].file && lane_[i].at == chunk_end[i]) ending[count++] = i;
    }
    if (want_ed2k_ && count > 0) md4_.finish(std::span(ending).first(count), digests);
    for (unsigned j = 0; j < count; ++j) {
        Lane& lane = lane_[ending[j]];
        if (want_ed2k_) lane.chunks.push_back(digests[j]);
        if (lane.at == lane.file->size()) end(ending[j], results(lane), finished, false);
    }
}

Result<FileHashes> FileLanes::results(Lane& lane) const {
    if (Status unchanged = lane.file->verify_unchanged_at_end(); !unchanged) {
        return unchanged.error();
    }
    FileHashes out;
    out.size = lane.file->size();
    out.stamp = lane.file->stamp();
    for (const Algorithm a : algorithms_) {
        if (a == Algorithm::ed2k) {
            add_ed2k_result(out, lane.chunks, variant_);
        } else {
            out.digests.push_back({Algorithm::crc32, crc32_to_hex(lane.crc)});
        }
    }
    return out;
}

void FileLanes::end(unsigned index, Result<FileHashes> hashes, std::vector<Finished>& finished,
                    bool mid_chunk) {
    Lane& lane = lane_[index];
    // A lane that stopped inside a chunk still holds part of its message.
    if (want_ed2k_ && mid_chunk) md4_.finish(index);
    finished.push_back({lane.tag, std::move(hashes)});
    lane.file.reset();
    --busy_count_;
}

std::vector<Result<FileHashes>> hash_files_in_lanes(std::span<const std::filesystem::path> paths,
                                                    const FileHashOptions& options) {
    if (!Ed2kChunkJob::handles(options.algorithms)) {
        return {paths.size(), make_error(Errc::invalid_parameter,
                                         "hash_files_in_lanes hashes ED2K and CRC32 only")};
    }
    if (Status valid = validate_algorithms(options.algorithms); !valid) {
        return {paths.size(), valid.error()};
    }
    // Every file is answered below; one still holding this when memory ran
    // out could not be hashed.
    std::vector<Result<FileHashes>> results(
        paths.size(), make_error(Errc::out_of_memory, "out of memory while hashing"));
    FileHashOptions large = options;
    large.progress = nullptr;
    try {
        size_t next = 0;
        FileLanes lanes(options.algorithms, options.ed2k_variant, options.stop);
        std::vector<FileLanes::Finished> finished;
        while (next < paths.size() || !lanes.idle()) {
            while (next < paths.size() && lanes.has_free_lane()) {
                const size_t i = next++;
                if (lanes.submit(i, paths[i], finished) == FileLanes::Admission::too_large) {
                    results[i] = hash_file(paths[i], large);
                }
            }
            lanes.step(finished);
            for (auto& f : finished) results[f.tag] = std::move(f.hashes);
            finished.clear();
        }
    } catch (const std::bad_alloc&) {
        // The files not answered yet keep their out_of_memory result.
    }
    return results;
}

}  // namespace anidb::hash
