#include "client/batch/batch_lanes.h"

#include "hash/ed2k_chunk_job.h"

namespace anidb::client {

bool BatchLanes::applies(const std::vector<hash::Algorithm>& algorithms) noexcept {
    return hash::Ed2kChunkJob::handles(algorithms);
}

BatchLanes::BatchLanes(std::vector<hash::Algorithm> algorithms, std::stop_token stop, Done done,
                       Progress progress)
    : lanes_(algorithms, hash::Ed2kVariant::red, stop),
      done_(std::move(done)),
      progress_(std::move(progress)) {
    large_.algorithms = std::move(algorithms);
    large_.stop = std::move(stop);
}

void BatchLanes::add(size_t index, const std::string& path) {
    while (!lanes_.has_free_lane()) step();
    if (lanes_.submit(index, path, finished_) == hash::FileLanes::Admission::too_large) {
        if (progress_) {
            large_.progress = [&](uint64_t bytes_done, uint64_t) { progress_(index, bytes_done); };
        }
        auto hashed = hash::hash_file(path, large_);
        large_.progress = nullptr;
        done_(index, std::move(hashed));
    }
    for (auto& f : finished_) done_(f.tag, std::move(f.hashes));
    finished_.clear();
}

void BatchLanes::drain() {
    while (!lanes_.idle()) step();
}

void BatchLanes::step() {
    lanes_.step(finished_);
    for (auto& f : finished_) done_(f.tag, std::move(f.hashes));
    finished_.clear();
}

}  // namespace anidb::client
