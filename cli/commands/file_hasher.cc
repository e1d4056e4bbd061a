#include "file_hasher.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "device_io.h"
#include "status_area.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

struct FileFacts {
    uint64_t size = 0;
    dev_t device = 0;
};

}  // namespace

size_t hash_files(client::Client& client, const std::vector<std::string>& paths,
                  const HashRunOptions& options, std::stop_token stop,
                  const HashResultHandler& handler) {
    if (paths.empty()) return 0;
    std::vector<FileFacts> facts(paths.size());
    std::vector<dev_t> devices(paths.size());
    uint64_t total_bytes = 0;
    for (size_t i = 0; i < paths.size(); ++i) {
        struct stat st {};
        if (::stat(paths[i].c_str(), &st) == 0)
            facts[i] = {static_cast<uint64_t>(st.st_size), st.st_dev};
        devices[i] = facts[i].device;
        total_bytes += facts[i].size;
    }
    std::map<dev_t, size_t> limits;
    for (dev_t dev : devices) {
        if (limits.count(dev) == 0) {
            limits[dev] = options.io_jobs_per_device > 0
                              ? options.io_jobs_per_device
                              : default_io_jobs(device_is_rotational(dev));
        }
    }
    const size_t cores = std::max<size_t>(1, std::thread::hardware_concurrency());
    const size_t workers = std::min(paths.size(), options.jobs > 0 ? options.jobs : cores);

    DeviceScheduler scheduler(devices, limits);
    StatusArea* status = options.status;
    if (status != nullptr) status->begin_hashing(paths.size(), total_bytes, workers);

    // Results wait here until every earlier one was handed out.
    std::mutex order_mutex;
    std::map<size_t, Result<client::FileResult>> finished;
    size_t next_to_report = 0;
    size_t reported = 0;
    bool handler_running = false;
    std::stop_source run_stop;
    std::stop_callback forward(stop, [&] { run_stop.request_stop(); });

    const auto deliver = [&](std::unique_lock<std::mutex>& lock) {
        // Only one thread drains at a time; others leave their result behind.
        if (handler_running) return;
        handler_running = true;
        while (true) {
            auto it = finished.find(next_to_report);
            if (it == finished.end()) break;
            Result<client::FileResult> result = std::move(it->second);
            finished.erase(it);
            const size_t index = next_to_report++;
            lock.unlock();
            bool keep_going = true;
            if (!(result.code() == Errc::cancelled && run_stop.stop_requested())) {
                keep_going = handler(HashedFile{index, result, facts[index].size});
                ++reported;
            }
            lock.lock();
            if (!keep_going) {
                run_stop.request_stop();
                scheduler.cancel();
            }
        }
        handler_running = false;
    };

    std::vector<std::thread> threads;
    for (size_t slot = 0; slot < workers; ++slot) {
        threads.emplace_back([&, slot] {
            while (!run_stop.stop_requested()) {
                const std::optional<size_t> item = scheduler.acquire();
                if (!item) break;
                if (status != nullptr) status->file_started(slot, printable(paths[*item]));
                client::ProcessOptions po;
                po.algorithms = options.algorithms;
                po.use_cache = options.use_cache;
                if (status != nullptr) {
                    po.progress = [status, slot](float, uint64_t done, uint64_t) {
                        status->file_progress(slot, done);
                    };
                }
                auto result = client.process_file(paths[*item], po, run_stop.get_token());
                scheduler.release(*item);
                if (status != nullptr) status->file_finished(slot, facts[*item].size);
                std::unique_lock lock(order_mutex);
                finished.emplace(*item, std::move(result));
                deliver(lock);
            }
        });
    }
    for (auto& t : threads) t.join();
    if (run_stop.stop_requested()) scheduler.cancel();
    // Files that finished after a stop but before earlier ones: deliver the
    // contiguous rest so nothing completed is lost.
    std::unique_lock lock(order_mutex);
    deliver(lock);
    return reported;
}

}  // namespace anidb::cli
