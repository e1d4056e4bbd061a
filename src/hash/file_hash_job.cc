#include "hash/file_hash_job.h"

#include <algorithm>
#include <bit>
#include <stop_token>

#include "hash/ed2k_chunks.h"
#include "hash/encoding.h"

namespace anidb::hash {

namespace {

bool contains(const std::vector<Algorithm>& v, Algorithm a) {
    return std::find(v.begin(), v.end(), a) != v.end();
}

// A Tiger context per worker thread, reused by every TTH item it runs.
Tiger& thread_tiger() {
    thread_local Tiger tiger;
    return tiger;
}
}  // namespace

FileHashJob::FileHashJob(io::SequentialFile& file, const FileHashOptions& options)
    : file_(file), options_(options), serial_(options.algorithms) {
    want_ed2k_ = contains(options.algorithms, Algorithm::ed2k);
    want_tth_ = contains(options.algorithms, Algorithm::tth);
    const unsigned pool = WorkerPool::instance().size();
    cap_ = options.max_threads == 0 ? pool : std::min(options.max_threads, pool);
    // Small files get a block no bigger than they are (still a power of two,
    // so TTH groups stay aligned).
    const uint64_t size = file.size();
    block_size_ = size >= kMaxBlockSize
                      ? kMaxBlockSize
                      : std::max<size_t>(kMinBlockSize, std::bit_ceil(static_cast<size_t>(size)));
    chunk_digests_.resize(static_cast<size_t>((size + kEd2kChunkSize - 1) / kEd2kChunkSize));
}

Result<FileHashes> FileHashJob::run() {
    const uint64_t size = file_.size();
    // Wake the waits below as soon as a stop is requested. Registered before
    // taking the lock: it runs at once if the stop was already requested.
    std::stop_callback on_stop(options_.stop, [this] {
        std::lock_guard guard(mutex_);
        changed_.notify_all();
    });
    std::unique_lock lock(mutex_);
    report_progress(lock, false);
    uint64_t offset = 0;
    while (offset < size && !aborted_) {
        max_in_flight_ = blocks_in_flight_limit();
        wait_for(lock, [&] { return blocks_.size() < max_in_flight_; });
        if (aborted_) break;
        memory::PooledBuffer buffer;
        if (!acquire_buffer(lock, buffer)) break;
        auto block = std::make_unique<Block>();
        block->offset = offset;
        block->length = static_cast<size_t>(std::min<uint64_t>(block_size_, size - offset));
        block->tth_level = static_cast<unsigned>(std::countr_zero(block_size_ / kTthLeafSize));
        block->buffer = std::move(buffer);
        // Read without the lock: workers keep hashing earlier blocks meanwhile.
        lock.unlock();
        Result<size_t> got = file_.read(block->buffer.span().first(block->length));
        lock.lock();
        if (!got) {
            fail(got.error());
            break;
        }
        offset += block->length;
        enqueue_block(std::move(block));
        report_progress(lock, false);
    }
    // Every submitted task must end before the job (on the caller's stack) goes.
    wait_for(lock, [&] { return blocks_.empty() && active_ == 0; });
    if (!aborted_ && options_.stop.stop_requested()) fail(make_error(Errc::cancelled, "cancelled"));
    if (error_) return *error_;
    report_progress(lock, true);
    if (error_) return *error_;
    lock.unlock();
    if (Status unchanged = file_.verify_unchanged_at_end(); !unchanged) return unchanged.error();
    return collect_results();
}

void FileHashJob::wait_for(std::unique_lock<std::mutex>& lock, const std::function<bool()>& ready) {
    for (;;) {
        if (!aborted_ && options_.stop.stop_requested()) {
            fail(make_error(Errc::cancelled, "cancelled"));
        }
        // After an abort the reader only waits for running tasks to drain.
        if (ready() || (aborted_ && active_ == 0 && blocks_.empty())) return;
        changed_.wait_for(lock, kProgressInterval);
        report_progress(lock, false);
    }
}

size_t FileHashJob::blocks_in_flight_limit() const noexcept {
    return std::clamp<size_t>(read_ahead_bytes(cap_) / block_size_, 2, kMaxBlocksInFlight);
}

bool FileHashJob::acquire_buffer(std::unique_lock<std::mutex>& lock, memory::PooledBuffer& out) {
    for (;;) {
        if (!spare_.empty()) {
            out = std::move(spare_.back());
            spare_.pop_back();
            return true;
        }
        out = memory::BufferPool::instance().acquire(block_size_);
        if (out) return true;
        // Under a tight memory limit: first fewer buffers (wait until one in
        // flight comes back), then smaller ones, and give up only when even a
        // single smallest buffer does not fit.
        const size_t in_flight = blocks_.size();
        if (in_flight >= 2 || (in_flight == 1 && block_size_ == kMinBlockSize)) {
            wait_for(lock, [&, in_flight] { return blocks_.size() < in_flight; });
            if (aborted_) return false;
            continue;
        }
        if (block_size_ > kMinBlockSize) {
            block_size_ = std::max(kMinBlockSize, block_size_ / 4);
            spare_.clear();  // wrong size from now on
            max_in_flight_ = blocks_in_flight_limit();
            continue;
        }
        fail(make_error(Errc::out_of_memory,
                        "not enough memory under the library limit for a 1 KiB read buffer"));
        return false;
    }
}

void FileHashJob::enqueue_block(std::unique_ptr<Block> owned) {
    Block* block = owned.get();
    const uint64_t size = file_.size();
    if (serial_.active()) {
        serial_pending_.push_back({Kind::serial, block, 0, block->length});
        ++block->refs;
    }
    if (want_ed2k_) {
        size_t begin = 0;
        while (begin < block->length) {
            const uint64_t at = block->offset + begin;
            const uint64_t chunk = at / kEd2kChunkSize;
            const uint64_t chunk_end = std::min(size, (chunk + 1) * kEd2kChunkSize);
            const size_t end =
                static_cast<size_t>(std::min<uint64_t>(block->length, chunk_end - block->offset));
            const bool ends = block->offset + end == chunk_end;
            chunk_lanes_[chunk].pending.push_back({Kind::ed2k, block, begin, end, chunk, ends});
            ++block->refs;
            begin = end;
        }
    }
    if (want_tth_) {
        tth_pending_.push_back({Kind::tth, block, 0, block->length});
        ++block->refs;
    }
    blocks_.emplace(block->offset, std::move(owned));
    pump();
}

void FileHashJob::pump() {
    while (active_ < cap_) {
        if (!serial_busy_ && !serial_pending_.empty()) {
            serial_busy_ = true;
            Item item = serial_pending_.front();
            serial_pending_.pop_front();
            dispatch(item, WorkerPool::Priority::high);
            continue;
        }
        // Otherwise the oldest ready parallel item: it frees its buffer soonest.
        ChunkLane* lane = nullptr;
        for (auto& [index, l] : chunk_lanes_) {
            if (!l.busy && !l.pending.empty()) {
                lane = &l;
                break;
            }
        }
        const bool tth_ready = !tth_pending_.empty();
        if (lane && (!tth_ready ||
                     lane->pending.front().block->offset <= tth_pending_.front().block->offset)) {
            lane->busy = true;
            Item item = lane->pending.front();
            lane->pending.pop_front();
            dispatch(item, WorkerPool::Priority::normal);
        } else if (tth_ready) {
            Item item = tth_pending_.front();
            tth_pending_.pop_front();
            dispatch(item, WorkerPool::Priority::normal);
        } else {
            return;
        }
    }
}

void FileHashJob::dispatch(Item item, WorkerPool::Priority priority) {
    ++active_;
    WorkerPool::instance().submit([this, item] { execute(item); }, priority);
}

void FileHashJob::execute(Item item) noexcept {
    const auto bytes =
        std::span<const std::byte>(item.block->buffer.data() + item.begin, item.end - item.begin);
    const bool skip = aborted_.load(std::memory_order_relaxed);
    Md4Digest chunk_digest{};
    TigerDigest tth_root{};
    std::optional<Error> failure;
    if (!skip) {
        try {
            switch (item.kind) {
                case Kind::serial:
                    serial_.update(bytes);
                    break;
                case Kind::ed2k: {
                    // The lane is busy and ours: no lock needed for its MD4.
                    ChunkLane* lane;
                    {
                        std::lock_guard guard(mutex_);
                        lane = &chunk_lanes_[item.chunk];
                    }
                    lane->md4.update(bytes);
                    if (item.ends_chunk) chunk_digest = lane->md4.finish();
                    break;
                }
                case Kind::tth:
                    tth_root = tth_subtree_root(bytes, thread_tiger());
                    break;
            }
        } catch (const std::exception&) {
            failure = make_error(Errc::out_of_memory, "cannot allocate hashing state");
        }
    }
    memory::PooledBuffer released;
    {
        std::lock_guard guard(mutex_);
        --active_;
        if (failure) fail(*failure);
        switch (item.kind) {
            case Kind::serial:
                serial_busy_ = false;
                break;
            case Kind::ed2k: {
                auto it = chunk_lanes_.find(item.chunk);
                it->second.busy = false;
                if (item.ends_chunk) {
                    chunk_digests_[static_cast<size_t>(item.chunk)] = chunk_digest;
                    chunk_lanes_.erase(it);
                }
                break;
            }
            case Kind::tth:
                if (!skip) {
                    tth_roots_.emplace(item.block->offset,
                                       std::make_pair(tth_root, item.block->tth_level));
                    // Fold finished groups into the tree in file order.
                    for (auto next = tth_roots_.begin();
                         next != tth_roots_.end() && next->first == tth_next_offset_;
                         next = tth_roots_.begin()) {
                        tth_tree_.add(next->second.first, fold_tiger_, next->second.second);
                        tth_next_offset_ += kTthLeafSize << next->second.second;
                        tth_roots_.erase(next);
                    }
                }
                break;
        }
        if (--item.block->refs == 0) {
            done_bytes_ += item.block->length;
            auto it = blocks_.find(item.block->offset);
            // Keep the buffer for the next block: recycling inside the job
            // avoids pool and allocator churn (and the RSS it costs). A
            // buffer of a size no longer used goes back to the pool.
            if (it->second->buffer.capacity() == block_size_) {
                spare_.push_back(std::move(it->second->buffer));
            } else {
                released = std::move(it->second->buffer);
            }
            blocks_.erase(it);
        }
        pump();
        changed_.notify_all();
    }
    // `released` returns to the pool here, outside the job lock.
}

void FileHashJob::fail(Error error) {
    if (!error_) error_ = std::move(error);
    aborted_ = true;
    changed_.notify_all();
}

void FileHashJob::report_progress(std::unique_lock<std::mutex>& lock, bool final) {
    const uint64_t done = done_bytes_;
    if (!options_.progress || !throttle_.due(done, final)) return;
    // Called without the lock so that it may take its time; workers go on.
    lock.unlock();
    Status called = call_progress(options_.progress, done, file_.size());
    lock.lock();
    if (!called) fail(called.error());
}

FileHashes FileHashJob::collect_results() {
    FileHashes out;
    out.size = file_.size();
    for (const Algorithm a : options_.algorithms) {
        switch (a) {
            case Algorithm::ed2k:
                add_ed2k_result(out, chunk_digests_, options_.ed2k_variant);
                break;
            case Algorithm::tth:
                out.digests.push_back({a, to_base32(tth_tree_.root(fold_tiger_))});
                break;
            default:
                out.digests.push_back({a, serial_.finish(a)});
                break;
        }
    }
    return out;
}

}  // namespace anidb::hash
