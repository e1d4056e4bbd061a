#include "hash_run.h"

#include <sys/stat.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "status_area.h"
#include "text_escape.h"

namespace anidb::cli {
namespace {

uint64_t size_on_disk(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// The engine's per-file result as the commands expect it: the FileResult of
// a completed file, the error of any other.
Result<client::FileResult> as_result(client::FileResult& r) {
    if (r.status == client::FileStatus::completed) return std::move(r);
    return make_error(r.error, std::move(r.error_message));
}

}  // namespace

size_t hash_files(client::Client& client, const std::vector<std::string>& paths,
                  const HashRunOptions& options, const std::stop_token& stop,
                  const HashResultHandler& handler) {
    if (paths.empty()) return 0;
    StatusArea* status = options.status;
    const bool drawn = status != nullptr && status->enabled();
    if (status != nullptr) {
        // The bar needs the run's bytes up front; nobody sees them otherwise.
        uint64_t total_bytes = 0;
        if (drawn) {
            for (const auto& p : paths) total_bytes += size_on_disk(p);
        }
        const size_t cores = std::max<size_t>(1, std::thread::hardware_concurrency());
        status->begin_hashing(paths.size(), total_bytes,
                              std::min(paths.size(), options.jobs > 0 ? options.jobs : cores));
    }

    std::stop_source run_stop;
    std::stop_callback forward(stop, [&] { run_stop.request_stop(); });
    client::BatchOptions batch;
    batch.algorithms = options.algorithms;
    if (options.ed2k_blue && std::find(batch.algorithms.begin(), batch.algorithms.end(),
                                       hash::Algorithm::ed2k) == batch.algorithms.end()) {
        batch.algorithms.push_back(hash::Algorithm::ed2k);
    }
    batch.use_cache = options.use_cache;
    // Answer from the cache when it can (it keeps the blue ED2K too).
    batch.skip_existing = options.use_cache;
    batch.max_concurrent = options.jobs;
    batch.readers_per_device = options.io_jobs_per_device;
    batch.keep_results = false;
    batch.order = client::BatchOrder::input;

    // Which status line (worker) reads which file, while it is read.
    std::mutex slots_mutex;
    std::unordered_map<size_t, size_t> slot_of;
    if (drawn) {
        batch.on_file_start = [&](size_t worker, size_t index) {
            {
                std::lock_guard lock(slots_mutex);
                slot_of[index] = worker;
            }
            status->file_started(worker, printable(paths[index]));
        };
        batch.on_file_bytes = [&](size_t worker, size_t, uint64_t done) {
            status->file_progress(worker, done);
        };
    }
    size_t reported = 0;
    batch.on_file_done = [&](size_t index, client::FileResult& r) {
        const uint64_t size = r.status == client::FileStatus::completed || r.size != 0
                                  ? r.size
                                  : size_on_disk(paths[index]);
        if (status != nullptr) {
            size_t slot = SIZE_MAX;
            if (drawn) {
                std::lock_guard lock(slots_mutex);
                if (auto it = slot_of.find(index); it != slot_of.end()) {
                    slot = it->second;
                    slot_of.erase(it);
                }
            }
            status->file_finished(slot, size);
        }
        // Files never started after a stop are not reported.
        if (r.status == client::FileStatus::cancelled && run_stop.stop_requested()) return;
        const Result<client::FileResult> result = as_result(r);
        ++reported;
        if (!handler(HashedFile{index, result, size})) run_stop.request_stop();
    };
    (void)client.process_batch(paths, batch, run_stop.get_token());
    return reported;
}

}  // namespace anidb::cli
