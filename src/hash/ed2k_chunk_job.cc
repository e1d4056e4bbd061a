#include "hash/ed2k_chunk_job.h"

#include <algorithm>
#include <exception>

#include "hash/ed2k_chunks.h"
#include "hash/file_hash_job.h"
#include "hash/worker_pool.h"

namespace anidb::hash {

namespace {

// A lane's buffer: kPieceSize, or the largest smaller power of four down to
// one TTH leaf (1 KiB) that fits under the memory limit; empty if none does.
memory::PooledBuffer acquire_lane_buffer() noexcept {
    for (size_t size = Ed2kChunkJob::kPieceSize; size >= kMinBlockSize; size /= 4) {
        memory::PooledBuffer buffer = memory::BufferPool::instance().acquire(size);
        if (buffer) return buffer;
    }
    return {};
}
}  // namespace

Ed2kChunkJob::Ed2kChunkJob(io::SequentialFile& file, const FileHashOptions& options)
    : file_(file), options_(options) {
    chunk_count_ = (file.size() + kEd2kChunkSize - 1) / kEd2kChunkSize;
    chunk_digests_.resize(static_cast<size_t>(chunk_count_));
}

Result<FileHashes> Ed2kChunkJob::run() {
    report_progress(false);
    if (error_) return *error_;

    const unsigned pool = WorkerPool::instance().size();
    const unsigned cap = options_.max_threads == 0 ? pool : std::min(options_.max_threads, pool);
    const auto lanes = static_cast<unsigned>(std::min<uint64_t>(cap, chunk_count_));

    // The caller's own lane; an empty file has no chunk and needs no buffer.
    memory::PooledBuffer own;
    if (chunk_count_ > 0) {
        own = acquire_lane_buffer();
        if (!own) {
            return make_error(Errc::out_of_memory,
                              "not enough memory under the library limit for a 1 KiB read buffer");
        }
    }
    // More lanes on the pool, as many as get a buffer (fewer under a tight
    // memory limit: the job slows down instead of failing).
    std::vector<memory::PooledBuffer> pool_buffers;
    pool_buffers.reserve(lanes > 0 ? lanes - 1 : 0);
    for (unsigned i = 1; i < lanes; ++i) {
        memory::PooledBuffer buffer = acquire_lane_buffer();
        if (!buffer) break;
        pool_buffers.push_back(std::move(buffer));
    }
    for (auto& buffer : pool_buffers) {
        {
            std::lock_guard guard(mutex_);
            ++pool_lanes_running_;
        }
        try {
            WorkerPool::instance().submit([this, &buffer] {
                hash_chunks(buffer, false);
                std::lock_guard guard(mutex_);
                --pool_lanes_running_;
                lanes_done_.notify_all();
            });
        } catch (const std::exception&) {
            std::lock_guard guard(mutex_);
            --pool_lanes_running_;  // one lane fewer; the others take its chunks
        }
    }

    if (own) hash_chunks(own, true);

    // Every pool lane must end before the job (on the caller's stack) goes.
    {
        std::unique_lock lock(mutex_);
        while (pool_lanes_running_ > 0) {
            lanes_done_.wait_for(lock, kProgressInterval);
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

    FileHashes out;
    out.size = file_.size();
    add_ed2k_result(out, chunk_digests_, options_.ed2k_variant);
    return out;
}

void Ed2kChunkJob::hash_chunks(memory::PooledBuffer& buffer, bool reports) noexcept {
    try {
        Md4 md4;
        for (;;) {
            if (should_stop()) return;
            const uint64_t chunk = next_chunk_.fetch_add(1, std::memory_order_relaxed);
            if (chunk >= chunk_count_) return;
            if (Status hashed = hash_chunk(chunk, md4, buffer.span(), reports); !hashed) {
                fail(hashed.error());
                return;
            }
        }
    } catch (const std::exception&) {
        fail(make_error(Errc::out_of_memory, "cannot allocate hashing state"));
    }
}

Status Ed2kChunkJob::hash_chunk(uint64_t chunk, Md4& md4, std::span<std::byte> buffer,
                                bool reports) {
    const uint64_t begin = chunk * kEd2kChunkSize;
    const uint64_t end = std::min(file_.size(), begin + kEd2kChunkSize);
    for (uint64_t at = begin; at < end;) {
        if (should_stop()) return {};  // run() reports why
        const auto want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), end - at));
        Result<size_t> got = file_.read_at(at, buffer.first(want));
        if (!got) return got.error();
        md4.update(buffer.first(*got));
        at += *got;
        done_bytes_.fetch_add(*got, std::memory_order_relaxed);
        if (reports) report_progress(false);
    }
    chunk_digests_[static_cast<size_t>(chunk)] = md4.finish();
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
