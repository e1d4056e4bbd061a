// Client::process_batch: many files, max_concurrent at a time. Each file's
// hashing already spreads over the process-wide worker pool, so the batch
// threads here are mostly readers: running a few files at once keeps the
// cores busy on small files without oversubscribing them. A batch of ED2K
// and/or CRC32 only hashes the files each worker reads side by side in
// SIMD lanes (BatchLanes).
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "client/batch_lanes.h"
#include "client/client.h"
#include "client/client_impl.h"

namespace anidb::client {
namespace {

// Throttled whole-batch progress by bytes: at most ~20 calls a second.
class BatchProgress {
  public:
    BatchProgress(const ProgressFn& fn, EventHub& hub, uint64_t total)
        : fn_(fn), hub_(hub), total_(total) {}

    void add(uint64_t delta) {
        const uint64_t done = done_.fetch_add(delta) + delta;
        if (!fn_) return;
        const auto now = std::chrono::steady_clock::now();
        std::unique_lock lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock() || now - last_ < std::chrono::milliseconds(50)) return;
        last_ = now;
        hub_.call_serialized([&] { fn_(percent(done), done, total_); });
    }
    void finish() {
        if (!fn_) return;
        std::lock_guard lock(mutex_);
        hub_.call_serialized([&] { fn_(100.0F, std::max(done_.load(), total_), total_); });
    }

  private:
    float percent(uint64_t done) const {
        if (total_ == 0) return 0.0F;
        return static_cast<float>(
            std::min(100.0, static_cast<double>(done) * 100.0 / static_cast<double>(total_)));
    }
    const ProgressFn& fn_;
    EventHub& hub_;
    uint64_t total_;
    std::atomic<uint64_t> done_{0};
    std::mutex mutex_;
    std::chrono::steady_clock::time_point last_{};
};

constexpr size_t kMaxLookupGroup = 64;
constexpr uint64_t kMaxGroupBytesRead = uint64_t{4} << 20;

FileResult failed_result(const std::string& path, const Error& error) {
    FileResult r;
    r.path = path;
    r.status = error.code == Errc::cancelled ? FileStatus::cancelled : FileStatus::failed;
    r.error = error.code;
    r.error_message = error.message.empty() ? errc_description(error.code) : error.message;
    return r;
}

}  // namespace

Result<BatchResult> Client::process_batch(const std::vector<std::string>& paths,
                                          const BatchOptions& options, std::stop_token stop) {
    if (paths.empty()) return make_error(Errc::invalid_parameter, "the batch has no files");
    if (auto valid = hash::validate_algorithms(options.algorithms); !valid) return valid.error();
    const auto started = std::chrono::steady_clock::now();

    size_t workers =
        options.max_concurrent != 0 ? options.max_concurrent : config_.max_concurrent_files;
    if (workers == 0) workers = std::max(1U, std::thread::hardware_concurrency());
    workers = std::min(workers, paths.size());

    // Progress is by bytes, so the total is needed only when it is reported.
    uint64_t total_bytes = 0;
    if (options.progress) {
        for (const auto& p : paths) {
            struct stat st {};
            if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
                total_bytes += static_cast<uint64_t>(st.st_size);
            }
        }
    }

    BatchResult batch;
    batch.results.resize(paths.size());
    BatchProgress progress(options.progress, events_, total_bytes);
    std::atomic<size_t> next{0};
    std::atomic<bool> stop_scheduling{false};
    std::mutex done_mutex;

    // A re-scan is thousands of exact cache hits, a first scan thousands of
    // clean misses: either needs a stat() and a lookup per file, so files are
    // looked up in groups (one lock and one read transaction per group, see
    // CacheDb::find_exact_hashes). A worker's group grows (1, 2, 4 ...
    // kMaxLookupGroup files) while the lookup answered every file of its last
    // group (a hit, or a miss: no moved entry to take over) and the files it
    // had to read there came to at most kMaxGroupBytesRead; otherwise it
    // falls back to one file, so that large files are still handed out one
    // at a time and the workers stay balanced.
    const bool group_lookups =
        options.skip_existing && options.use_cache && impl_->cache && cache_enabled();
    // Why file i does not start, if it does not.
    auto not_started = [&](size_t i) -> std::optional<FileResult> {
        if (stop.stop_requested() || impl_->shutting_down) {
            return failed_result(paths[i], make_error(Errc::cancelled, "the batch was cancelled"));
        }
        if (stop_scheduling) {
            return failed_result(paths[i], make_error(Errc::cancelled,
                                                      "not started: an earlier file failed and "
                                                      "continue_on_error is off"));
        }
        return std::nullopt;
    };
    // A file's end: its result, the rest of its progress (`reported` bytes
    // were counted already), ERROR, and continue_on_error.
    auto conclude = [&](size_t i, Result<FileResult> processed, uint64_t reported) {
        FileResult r;
        if (processed.ok()) {
            r = std::move(processed).value();
            if (r.size > reported) progress.add(r.size - reported);
        } else {
            r = failed_result(paths[i], processed.error());
        }
        if (r.status == FileStatus::failed) {
            events_.error(r.error, r.error_message, r.path);
            if (!options.continue_on_error) stop_scheduling = true;
        }
        return r;
    };
    auto record = [&](size_t i, FileResult r) {
        std::lock_guard lock(done_mutex);
        batch.results[i] = std::move(r);
        if (options.on_file_done) {
            events_.call_serialized([&] { options.on_file_done(i, batch.results[i]); });
        }
    };
    ProcessOptions file_options;
    file_options.algorithms = options.algorithms;
    file_options.use_cache = options.use_cache;
    file_options.read_cache = options.skip_existing;

    auto process_one = [&](size_t i, std::optional<CacheLookup> looked_up) {
        if (auto early = not_started(i)) return std::move(*early);
        ProcessOptions po = file_options;
        uint64_t reported = 0;
        po.progress = [&](float, uint64_t done, uint64_t) {
            if (done > reported) {
                progress.add(done - reported);
                reported = done;
            }
        };
        auto processed = looked_up ? process_looked_up(paths[i], po, stop, std::move(*looked_up))
                                   : process_file_silently(std::filesystem::path(paths[i]), po, stop);
        return conclude(i, std::move(processed), reported);
    };

    // ED2K and/or CRC32 only: the files a worker has to read are hashed 8 or
    // 16 at a time in SIMD lanes (BatchLanes); each finishes when its lane
    // does, so its result is recorded from there.
    const bool use_lanes = BatchLanes::applies(options.algorithms);
    auto start_in_lanes = [&](size_t i, std::optional<CacheLookup> looked_up, BatchLanes& lanes,
                              std::map<size_t, PendingFile>& pending) -> std::optional<FileResult> {
        if (auto early = not_started(i)) return early;
        auto lookup = looked_up ? Result<CacheLookup>(std::move(*looked_up))
                                : look_up(paths[i], file_options);
        if (!lookup) return conclude(i, lookup.error(), 0);
        PendingFile file = begin_file(paths[i], file_options, std::move(lookup).value());
        if (file.to_hash.empty()) {
            return conclude(i, finish_file(std::move(file), file_options, nullptr), 0);
        }
        pending.emplace(i, std::move(file));
        lanes.add(i, paths[i]);
        return std::nullopt;
    };

    auto work = [&] {
        std::optional<BatchLanes> lanes;
        std::map<size_t, PendingFile> pending;  // in a lane, by index
        std::stop_source lanes_stop;            // the batch's stop or client shutdown
        std::stop_callback from_batch(stop, [&] { lanes_stop.request_stop(); });
        std::stop_callback from_client(impl_->shutdown_source.get_token(),
                                       [&] { lanes_stop.request_stop(); });
        // The one large file a worker may be hashing (with hash_file) and
        // the bytes of it already added to the batch's progress.
        size_t large_index = SIZE_MAX;
        uint64_t large_reported = 0;
        if (use_lanes) {
            lanes.emplace(
                options.algorithms, lanes_stop.get_token(),
                [&](size_t i, Result<hash::FileHashes> hashed) {
                    auto node = pending.extract(i);
                    Result<FileResult> processed =
                        hashed
                            ? finish_file(std::move(node.mapped()), file_options, &hashed.value())
                            : Result<FileResult>(hashed.error());
                    const uint64_t reported = i == large_index ? large_reported : 0;
                    record(i, conclude(i, std::move(processed), reported));
                },
                [&](size_t i, uint64_t done) {
                    if (i != large_index) {
                        large_index = i;
                        large_reported = 0;
                    }
                    if (done > large_reported) {
                        progress.add(done - large_reported);
                        large_reported = done;
                    }
                });
        }
        size_t group = 1;
        std::vector<cache::FileIdentity> ids;
        std::vector<size_t> id_index;  // ids[k] is the file paths[id_index[k]]
        std::vector<cache::CacheDb::Lookup> lookups;
        for (;;) {
            const size_t first = next.fetch_add(group);
            if (first >= paths.size()) break;
            const size_t last = std::min(paths.size(), first + group);
            ids.clear();
            id_index.clear();
            if (last - first > 1) {
                // One per group: a directory stays open for at most one group.
                cache::DirectoryStatter statter;
                for (size_t i = first; i < last; ++i) {
                    // A file that cannot be stat()ed goes the single-file
                    // way, which reports why.
                    if (auto id = statter.identify(paths[i]); id.ok()) {
                        ids.push_back(std::move(id).value());
                        id_index.push_back(i);
                    }
                }
                if (!impl_->cache->find_exact_hashes(ids, lookups)) ids.clear();
            }
            bool all_answered = true;
            uint64_t bytes_read = 0;
            size_t k = 0;
            for (size_t i = first; i < last; ++i) {
                std::optional<CacheLookup> looked_up;
                // A group of one is looked up by process_file itself.
                bool answered = last - first == 1;
                uint64_t size = 0;  // known from a grouped lookup
                if (k < ids.size() && id_index[k] == i) {
                    size = ids[k].size;
                    auto& found = lookups[k];
                    if (found.state != cache::CacheDb::Lookup::State::check) {
                        looked_up.emplace();
                        looked_up->usable = true;
                        looked_up->identity = std::move(ids[k]);
                        looked_up->cached = std::move(found.digests);
                        looked_up->corrupt = found.corrupt;
                        answered = true;
                    }
                    ++k;
                }
                std::optional<FileResult> r =
                    lanes ? start_in_lanes(i, std::move(looked_up), *lanes, pending)
                          : process_one(i, std::move(looked_up));
                if (r) {
                    all_answered = all_answered && (answered || r->from_cache) &&
                                   r->status == FileStatus::completed;
                    if (!r->from_cache) bytes_read += r->size;
                    record(i, std::move(*r));
                } else {  // being read in a lane
                    all_answered = all_answered && answered;
                    bytes_read += size;
                }
            }
            group = group_lookups && all_answered && bytes_read <= kMaxGroupBytesRead
                        ? std::min(group * 2, kMaxLookupGroup)
                        : 1;
        }
        if (lanes) lanes->drain();
    };

    {
        std::vector<std::jthread> threads;
        threads.reserve(workers - 1);
        for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
        work();
    }
    // The batch's hashes are in the database when it returns (stores are
    // grouped), and cache problems it met beyond the first are summed up.
    flush_cache();
    progress.finish();

    // Cancelled files count as not successful, like failed ones.
    for (const auto& r : batch.results) {
        if (r.status == FileStatus::completed) {
            ++batch.successful;
        } else {
            ++batch.failed;
        }
    }
    batch.total_time_ms =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count());
    return batch;
}

}  // namespace anidb::client
