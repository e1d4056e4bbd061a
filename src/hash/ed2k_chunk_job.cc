#include "hash/ed2k_chunk_job.h"

#include <algorithm>
#include <array>
#include <exception>

#include "hash/ed2k_chunks.h"
#include "hash/encoding.h"
#include "hash/file_hash_job.h"
#include "hash/md4_lanes.h"
#include "hash/worker_pool.h"

namespace anidb::hash {

memory::PooledBuffer acquire_worker_buffer(Md4Kernel kernel) noexcept {
    // The scalar kernel has one lane: a 256 KiB piece stays in a core's L2
    // while it is hashed, and a bigger one saves no measurable time.
    const size_t preferred =
        kernel == Md4Kernel::scalar ? size_t{256} << 10 : Ed2kChunkJob::kWorkerBuffer;
    for (size_t size = preferred; size >= kMinBlockSize; size /= 4) {
        memory::PooledBuffer buffer = memory::BufferPool::instance().acquire(size);
        if (buffer) return buffer;
    }
    return {};
}

namespace {

bool contains(std::span<const Algorithm> algorithms, Algorithm a) noexcept {
    return std::find(algorithms.begin(), algorithms.end(), a) != algorithms.end();
}

}  // namespace

bool Ed2kChunkJob::handles(std::span<const Algorithm> algorithms) noexcept {
    return !algorithms.empty() && std::all_of(algorithms.begin(), algorithms.end(), [](auto a) {
        return a == Algorithm::ed2k || a == Algorithm::crc32;
    });
}

Ed2kChunkJob::Ed2kChunkJob(io::SequentialFile& file, const FileHashOptions& options,
                           bool sequential)
    : file_(file), options_(options), sequential_(sequential) {
    want_ed2k_ = contains(options.algorithms, Algorithm::ed2k);
    want_crc32_ = contains(options.algorithms, Algorithm::crc32);
    kernel_ = sequential ? Md4Kernel::scalar : active_md4_kernel();
    chunk_count_ = (file.size() + kEd2kChunkSize - 1) / kEd2kChunkSize;
    chunk_digests_.resize(static_cast<size_t>(chunk_count_));
    if (want_crc32_) chunk_crcs_.resize(static_cast<size_t>(chunk_count_));
}

Result<FileHashes> Ed2kChunkJob::run() {
    report_progress(false);
    if (error_) return *error_;

    const unsigned pool = WorkerPool::instance().size();
    unsigned cap = options_.max_threads == 0 ? pool : std::min(options_.max_threads, pool);
    if (sequential_) cap = 1;
    const auto wanted = static_cast<unsigned>(std::min<uint64_t>(cap, chunk_count_));

    // The caller's own worker; an empty file has no chunk and needs no buffer.
    memory::PooledBuffer own;
    if (chunk_count_ > 0) {
        own = acquire_worker_buffer(kernel_);
        if (!own) {
            return make_error(Errc::out_of_memory,
                              "not enough memory under the library limit for a 1 KiB read buffer");
        }
    }
    // More workers on the pool, as many as get a buffer (fewer under a
    // tight memory limit: the job slows down instead of failing).
    std::vector<memory::PooledBuffer> pool_buffers;
    pool_buffers.reserve(wanted > 0 ? wanted - 1 : 0);
    for (unsigned i = 1; i < wanted; ++i) {
        memory::PooledBuffer buffer = acquire_worker_buffer(kernel_);
        if (!buffer) break;
        pool_buffers.push_back(std::move(buffer));
    }
    workers_ = 1 + static_cast<unsigned>(pool_buffers.size());
    for (auto& buffer : pool_buffers) {
        {
            std::lock_guard guard(mutex_);
            ++pool_workers_running_;
        }
        try {
            WorkerPool::instance().submit([this, &buffer] {
                hash_groups(buffer, false);
                std::lock_guard guard(mutex_);
                --pool_workers_running_;
                workers_done_.notify_all();
            });
        } catch (const std::exception&) {
            std::lock_guard guard(mutex_);
            --pool_workers_running_;  // one worker fewer; the others take its chunks
        }
    }

    if (own) hash_groups(own, true);

    // Every pool worker must end before the job (on the caller's stack) goes.
    {
        std::unique_lock lock(mutex_);
        while (pool_workers_running_ > 0) {
            workers_done_.wait_for(lock, kProgressInterval);
            lock.unlock();
            report_progress(false);
            lock.lock();
        }
    }
    if (!aborted_ && options_.stop.stop_requested()) fail(make_error(Errc::cancelled, "cancelled"));
    if (error_) return *error_;
    report_progress(true);
    if (error_) return *error_;
    if (Status unchanged = file_.verify_unchanged_at_end(); !unchanged) return unchanged.error();
    return collect_results();
}

FileHashes Ed2kChunkJob::collect_results() const {
    FileHashes out;
    out.size = file_.size();
    for (const Algorithm a : options_.algorithms) {
        if (a == Algorithm::ed2k) {
            add_ed2k_result(out, chunk_digests_, options_.ed2k_variant);
        } else {
            uint32_t crc = 0;
            for (uint64_t chunk = 0; chunk < chunk_count_; ++chunk) {
                const uint64_t length = std::min(kEd2kChunkSize, out.size - chunk * kEd2kChunkSize);
                crc = Crc32::combine(crc, chunk_crcs_[static_cast<size_t>(chunk)], length);
            }
            out.digests.push_back({Algorithm::crc32, crc32_to_hex(crc)});
        }
    }
    return out;
}

std::pair<uint64_t, unsigned> Ed2kChunkJob::claim(unsigned lanes, unsigned round) noexcept {
    uint64_t first = next_chunk_.load(std::memory_order_relaxed);
    for (;;) {
        if (first >= chunk_count_) return {first, 0};
        // An even share of what is left, so that the workers end together;
        // but never fewer than one smallest vector round takes (`round`):
        // any number of busy lanes up to it costs the same.
        const uint64_t remaining = chunk_count_ - first;
        const uint64_t share = (remaining + workers_ - 1) / workers_;
        const auto count = static_cast<unsigned>(
            std::min<uint64_t>(lanes, std::max(share, std::min<uint64_t>(remaining, round))));
        if (next_chunk_.compare_exchange_weak(first, first + count, std::memory_order_relaxed)) {
            return {first, count};
        }
    }
}

void Ed2kChunkJob::hash_groups(memory::PooledBuffer& buffer, bool reports) noexcept {
    try {
        Md4Lanes md4(kernel_);
        // Each lane gets an equal, whole-block part of the buffer.
        const unsigned lanes =
            std::max(1U, std::min(md4.width(), static_cast<unsigned>(buffer.size() / 64)));
        for (;;) {
            if (should_stop()) return;
            const auto [first, count] = claim(lanes, std::min(lanes, md4.smallest_round()));
            if (count == 0) return;
            if (Status hashed = hash_group(first, count, md4, buffer.span(), reports); !hashed) {
                fail(hashed.error());
                return;
            }
        }
    } catch (const std::exception&) {
        fail(make_error(Errc::out_of_memory, "cannot allocate hashing state"));
    }
}

Status Ed2kChunkJob::hash_group(uint64_t first, unsigned count, Md4Lanes& md4,
                                std::span<std::byte> buffer, bool reports) {
    const size_t piece = buffer.size() / count / 64 * 64;
    std::array<uint64_t, Md4Lanes::kMaxLanes> at{};
    std::array<uint64_t, Md4Lanes::kMaxLanes> end{};
    std::array<uint32_t, Md4Lanes::kMaxLanes> crc{};
    for (unsigned lane = 0; lane < count; ++lane) {
        at[lane] = (first + lane) * kEd2kChunkSize;
        end[lane] = std::min(file_.size(), at[lane] + kEd2kChunkSize);
    }
    std::array<std::span<const std::byte>, Md4Lanes::kMaxLanes> input{};
    for (;;) {
        if (should_stop()) return {};  // run() reports why
        uint64_t read = 0;
        for (unsigned lane = 0; lane < count; ++lane) {
            const auto want = static_cast<size_t>(std::min<uint64_t>(piece, end[lane] - at[lane]));
            input[lane] = {};
            if (want == 0) continue;
            const std::span<std::byte> part = buffer.subspan(lane * piece, want);
            Result<size_t> got = file_.read_at(at[lane], part);
            if (!got) return got.error();
            input[lane] = part.first(*got);
            if (want_crc32_) {
                Crc32 chunk_crc(crc[lane]);
                chunk_crc.update(input[lane]);
                crc[lane] = chunk_crc.value();
            }
            at[lane] += *got;
            read += *got;
        }
        if (read == 0) break;
        if (want_ed2k_) md4.update(std::span(input).first(count));
        done_bytes_.fetch_add(read, std::memory_order_relaxed);
        if (reports) report_progress(false);
    }
    std::array<unsigned, Md4Lanes::kMaxLanes> lanes{};
    std::array<Md4Digest, Md4Lanes::kMaxLanes> digests{};
    for (unsigned lane = 0; lane < count; ++lane) lanes[lane] = lane;
    if (want_ed2k_) md4.finish(std::span(lanes).first(count), digests);
    for (unsigned lane = 0; lane < count; ++lane) {
        const auto chunk = static_cast<size_t>(first + lane);
        chunk_digests_[chunk] = digests[lane];
        if (want_crc32_) chunk_crcs_[chunk] = crc[lane];
    }
    return {};
}

bool Ed2kChunkJob::should_stop() const noexcept {
    return aborted_.load(std::memory_order_relaxed) || options_.stop.stop_requested();
}

void Ed2kChunkJob::fail(Error error) {
    std::lock_guard guard(mutex_);
    if (!error_) error_ = std::move(error);
    aborted_ = true;
}

void Ed2kChunkJob::report_progress(bool final) {
    const uint64_t done = done_bytes_.load(std::memory_order_relaxed);
    if (!options_.progress || !throttle_.due(done, final)) return;
    if (Status called = call_progress(options_.progress, done, file_.size()); !called) {
        fail(called.error());
    }
}

}  // namespace anidb::hash
