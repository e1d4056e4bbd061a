#include "device_io.h"

namespace anidb::cli {

size_t default_io_jobs(std::optional<bool> rotational) {
    return rotational.value_or(false) ? 1 : 4;
}

DeviceScheduler::DeviceScheduler(std::vector<dev_t> devices, std::map<dev_t, size_t> limits)
    : devices_(std::move(devices)),
      taken_(devices_.size(), false),
      limits_(std::move(limits)),
      remaining_(devices_.size()) {}

std::optional<size_t> DeviceScheduler::acquire() {
    std::unique_lock lock(mutex_);
    while (true) {
        if (cancelled_ || remaining_ == 0) return std::nullopt;
        for (size_t i = first_open_; i < devices_.size(); ++i) {
            if (taken_[i]) continue;
            const dev_t dev = devices_[i];
            const auto limit = limits_.find(dev);
            const size_t cap = limit == limits_.end() || limit->second == 0 ? 1 : limit->second;
            if (busy_[dev] >= cap) continue;
            taken_[i] = true;
            ++busy_[dev];
            --remaining_;
            while (first_open_ < taken_.size() && taken_[first_open_]) ++first_open_;
            return i;
        }
        freed_.wait(lock);
    }
}

void DeviceScheduler::release(size_t item) {
    {
        std::lock_guard lock(mutex_);
        --busy_[devices_[item]];
    }
    freed_.notify_all();
}

void DeviceScheduler::cancel() {
    {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
    }
    freed_.notify_all();
}

}  // namespace anidb::cli
