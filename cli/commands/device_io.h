// How many files to read at once from one disk (--io-jobs-per-device), and
// handing files to worker threads so no disk gets more than that: a
// spinning disk read by two threads at once seeks itself to a crawl.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io/block_device.h"

namespace anidb::cli {

// Whether a device spins: the library's answer (src/io/block_device.h).
using io::device_is_rotational;

// 1 for a spinning disk, 4 otherwise (SSD, NVMe, RAM, unknown).
size_t default_io_jobs(std::optional<bool> rotational);

// Hands out work items (index into the caller's list) so that at most
// `limit(device)` items of one device are out at once; items come in list
// order, skipping ones whose device is saturated. Thread-safe.
class DeviceScheduler {
  public:
    // devices[i] is item i's device; limits maps device -> concurrent items.
    DeviceScheduler(std::vector<dev_t> devices, std::map<dev_t, size_t> limits);

    // The next item, or nullopt when all are handed out (or cancel() ran).
    // Blocks while every remaining item's device is saturated.
    std::optional<size_t> acquire();
    void release(size_t item);
    void cancel();

  private:
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<dev_t> devices_;
    std::vector<bool> taken_;
    std::map<dev_t, size_t> limits_;
    std::map<dev_t, size_t> busy_;
    size_t first_open_ = 0;
    size_t remaining_;
    bool cancelled_ = false;
};

}  // namespace anidb::cli
