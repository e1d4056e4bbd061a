// BatchEngine (batch_engine.h): the library's one batch engine (the CLI, the C
// ABI and the Python binding all run on it). Many files, max_concurrent at
// a time. Each file's hashing already spreads over the process-wide worker
// pool, so the batch threads here are mostly readers: running a few files
// at once keeps the cores busy on small files without oversubscribing
// them.
//
// - Cache lookups are grouped (one read transaction for up to 64 files).
// - A batch of ED2K and/or CRC32 only hashes the files a worker reads side
//   by side in SIMD lanes (BatchLanes).
// - Reads pass a per-device gate (ReadGate): 1 reader per spinning disk or
//   network/FUSE file system, more for SSD/NVMe, or as configured; a file
//   all in the page cache does not wait for a busy slot.
// - Results go through a ResultSink: in input or completion order, kept
//   or streamed (then memory stays bounded whatever the file count).
// - Every wait ends on the batch's stop token or client shutdown.
#include "client/batch/batch_engine.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "client/batch/batch_lanes.h"
#include "client/batch/batch_progress.h"
#include "client/batch/read_gate.h"
#include "client/batch/result_sink.h"
#include "client/joint_stop.h"

namespace anidb::client {
namespace {

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

// True when every algorithm asked for is answered by the cache: the file
// is not read, so it does not pass the read gate.
bool answered_by_cache(const CacheLookup& lookup, const std::vector<hash::Algorithm>& algorithms) {
    return std::all_of(algorithms.begin(), algorithms.end(), [&](hash::Algorithm a) {
        return lookup.cached.count(static_cast<int>(a)) > 0;
    });
}

// The device a file is read from: the cache lookup's stat() tells it; a
// batch without the cache asks for the file's folder once per folder (a
// worker's files mostly share one), not for every file.
class DeviceOf {
  public:
    dev_t operator()(const std::string& path, const CacheLookup& lookup) {
        if (lookup.identity) return static_cast<dev_t>(lookup.identity->device);
        const size_t slash = path.rfind('/');
        const std::string folder = slash == std::string::npos ? "."
                                   : slash == 0               ? "/"
                                                              : path.substr(0, slash);
        if (folder != folder_) {
            struct stat st {};
            device_ = ::stat(folder.c_str(), &st) == 0 ? st.st_dev : 0;
            folder_ = folder;
        }
        return device_;
    }

  private:
    std::string folder_;
    dev_t device_ = 0;
};

}  // namespace

Result<BatchResult> BatchEngine::process(const std::vector<std::string>& paths,
                                         const BatchOptions& options, const std::stop_token& stop) {
    auto outcome = process_silently(paths, options, stop);
    report_outcome(outcome, stop.stop_requested());
    return outcome;
}

Errc BatchEngine::outcome_code(const Result<BatchResult>& outcome, bool cancelled) {
    if (!outcome) return outcome.error().code;
    return cancelled ? Errc::cancelled : Errc::ok;
}

// The batch's own report, once at its end (each file reported its own
// ERROR as it finished): what a C, C++ or Python caller hears alike.
void BatchEngine::report_outcome(const Result<BatchResult>& outcome, bool cancelled) {
    const Errc code = outcome_code(outcome, cancelled);
    if (!outcome) context_.events().error(code, outcome.error().message, "");
    context_.events().completion(code);
}

Result<BatchResult> BatchEngine::process_silently(const std::vector<std::string>& paths,
                                                  const BatchOptions& options,
                                                  const std::stop_token& stop) {
    if (paths.empty()) return make_error(Errc::invalid_parameter, "the batch has no files");
    if (auto valid = hash::validate_algorithms(options.algorithms); !valid) return valid.error();
    const auto started = std::chrono::steady_clock::now();
    const ClientConfig config = context_.config_snapshot();

    size_t workers =
        options.max_concurrent != 0 ? options.max_concurrent : config.max_concurrent_files;
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

    // The batch's own stop: the caller's token or client shutdown.
    JointStop joint(stop, context_.shutdown_token());
    const std::stop_token batch_stop = joint.token();
    BatchProgress progress(options.progress, context_.events(), total_bytes);
    ReadGate gate(
        options.readers_per_device != 0 ? options.readers_per_device : config.readers_per_device,
        config.readers_by_prefix);
    ResultSink sink(paths.size(), options.order, options.keep_results,
                    [&](size_t i, FileResult& r) {
                        if (options.on_file_done) {
                            context_.events().call_serialized([&] { options.on_file_done(i, r); });
                        }
                    });
    std::atomic<size_t> next{0};
    std::atomic<bool> stop_scheduling{false};

    // A re-scan is thousands of exact cache hits, a first scan thousands of
    // clean misses: either needs a stat() and a lookup per file, so files are
    // looked up in groups (one lock and one read transaction per group, see
    // CacheDb::find_exact_hashes). A worker's group grows (1, 2, 4 ...
    // kMaxLookupGroup files) while the lookup answered every file of its last
    // group (a hit, or a miss: no moved entry to take over) and the files it
    // had to read there came to at most kMaxGroupBytesRead; otherwise it
    // falls back to one file, so that large files are still handed out one
    // at a time and the workers stay balanced.
    const bool group_lookups = options.skip_existing && options.use_cache &&
                               context_.cache() != nullptr && context_.cache_enabled();
    // Why file i does not start, if it does not.
    auto not_started = [&](size_t i) -> std::optional<FileResult> {
        if (batch_stop.stop_requested()) {
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
            context_.events().error(r.error, r.error_message, r.path);
            if (!options.continue_on_error) stop_scheduling = true;
        }
        return r;
    };
    ProcessOptions file_options;
    file_options.algorithms = options.algorithms;
    file_options.use_cache = options.use_cache;
    file_options.read_cache = options.skip_existing;

    // One file, hashed on its own (hash_file spreads it over the cores).
    auto process_one = [&](size_t worker, DeviceOf& device_of, WorkerSlots& slots, size_t i,
                           std::optional<CacheLookup> looked_up) {
        if (auto early = not_started(i)) return std::move(*early);
        if (!looked_up) {
            auto lookup = files_.look_up(paths[i], file_options);
            if (!lookup) return conclude(i, lookup.error(), 0);
            looked_up = std::move(lookup).value();
        }
        std::optional<ReadGate::Key> key;
        if (!answered_by_cache(*looked_up, options.algorithms)) {
            key = gate.key_for(paths[i], device_of(paths[i], *looked_up));
            const auto taken = slots.take(*key, paths[i], batch_stop, {});
            if (taken == WorkerSlots::Taken::stopped) {
                return conclude(i, make_error(Errc::cancelled, "the batch was cancelled"), 0);
            }
            if (taken == WorkerSlots::Taken::cached) key.reset();  // read without a slot
        }
        ProcessOptions po = file_options;
        uint64_t reported = 0;
        po.progress = [&](float, uint64_t done, uint64_t) {
            if (done > reported) {
                progress.add(done - reported);
                reported = done;
            }
            if (options.on_file_bytes) options.on_file_bytes(worker, i, done);
        };
        auto processed = files_.process_looked_up(paths[i], po, batch_stop, std::move(*looked_up));
        if (key) slots.done(*key);
        return conclude(i, std::move(processed), reported);
    };

    const bool use_lanes = BatchLanes::applies(options.algorithms);

    auto work = [&](size_t worker) {
        DeviceOf device_of;
        std::optional<BatchLanes> lanes;
        std::map<size_t, PendingFile> pending;  // in a lane, by index
        // The read slots this worker holds; its lanes count as one reader
        // of each device they read from.
        WorkerSlots slots(gate);
        std::map<size_t, ReadGate::Key> lane_keys;  // files in a lane
        // The one large file a worker may be hashing (with hash_file) and
        // the bytes of it already added to the batch's progress.
        size_t large_index = SIZE_MAX;
        uint64_t large_reported = 0;
        if (use_lanes) {
            lanes.emplace(
                options.algorithms, batch_stop,
                [&](size_t i, Result<hash::FileHashes> hashed) {
                    auto node = pending.extract(i);
                    if (auto k = lane_keys.find(i); k != lane_keys.end()) {
                        slots.done(k->second);
                        lane_keys.erase(k);
                    }
                    Result<FileResult> processed =
                        hashed ? files_.finish_file(std::move(node.mapped()), file_options,
                                                    &hashed.value())
                               : Result<FileResult>(hashed.error());
                    const uint64_t reported = i == large_index ? large_reported : 0;
                    sink.put(i, conclude(i, std::move(processed), reported));
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
                    if (options.on_file_bytes) options.on_file_bytes(worker, i, done);
                });
        }
        // Holds a read slot for file i's device in this worker's lanes;
        // false when the batch stopped while waiting for one.
        auto hold_slot = [&](size_t i, const ReadGate::Key& key) {
            const auto taken = slots.take(key, paths[i], batch_stop, [&] { lanes->drain(); });
            if (taken == WorkerSlots::Taken::stopped) return false;
            if (taken == WorkerSlots::Taken::slot) lane_keys.emplace(i, key);
            return true;
        };
        // Starts file i in a lane; its result when it ends here already.
        auto start_in_lanes =
            [&](size_t i, std::optional<CacheLookup> looked_up) -> std::optional<FileResult> {
            if (auto early = not_started(i)) return early;
            auto lookup = looked_up ? Result<CacheLookup>(std::move(*looked_up))
                                    : files_.look_up(paths[i], file_options);
            if (!lookup) return conclude(i, lookup.error(), 0);
            const dev_t device =
                answered_by_cache(*lookup, options.algorithms) ? 0 : device_of(paths[i], *lookup);
            PendingFile file = files_.begin_file(paths[i], file_options, std::move(lookup).value());
            if (file.to_hash.empty()) {
                return conclude(i, files_.finish_file(std::move(file), file_options, nullptr), 0);
            }
            if (!hold_slot(i, gate.key_for(paths[i], device))) {
                return conclude(i, make_error(Errc::cancelled, "the batch was cancelled"), 0);
            }
            pending.emplace(i, std::move(file));
            lanes->add(i, paths[i]);
            return std::nullopt;
        };

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
            if (last - first > 1 && !batch_stop.stop_requested()) {
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
                if (!context_.cache()->find_exact_hashes(ids, lookups)) ids.clear();
            }
            bool all_answered = true;
            uint64_t bytes_read = 0;
            size_t k = 0;
            for (size_t i = first; i < last; ++i) {
                std::optional<CacheLookup> looked_up;
                // A group of one is looked up file by file.
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
                // A streaming batch in input order runs at most a window
                // ahead of its first undelivered result; the files this
                // worker holds in lanes may be what that result waits for.
                if (!sink.may_start(i)) {
                    if (lanes) lanes->drain();
                    slots.release_idle();
                    (void)sink.wait_to_start(i, batch_stop);
                }
                if (options.on_file_start && !batch_stop.stop_requested()) {
                    options.on_file_start(worker, i);
                }
                std::optional<FileResult> r =
                    lanes ? start_in_lanes(i, std::move(looked_up))
                          : process_one(worker, device_of, slots, i, std::move(looked_up));
                if (r) {
                    all_answered = all_answered && (answered || r->from_cache) &&
                                   r->status == FileStatus::completed;
                    if (!r->from_cache) bytes_read += r->size;
                    sink.put(i, std::move(*r));
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
        for (size_t t = 1; t < workers; ++t) threads.emplace_back(work, t);
        work(0);
    }
    // The batch's hashes are in the database when it returns (stores are
    // grouped), and cache problems it met beyond the first are summed up.
    context_.flush_cache();
    progress.finish();

    BatchResult batch;
    batch.results = sink.take_results();
    batch.successful = sink.successful();
    batch.failed = sink.failed();
    batch.total_time_ms =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count());
    return batch;
}

}  // namespace anidb::client
