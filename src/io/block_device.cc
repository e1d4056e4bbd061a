#include "io/block_device.h"

#include <sys/sysmacros.h>

#include <fstream>
#include <map>
#include <mutex>

namespace anidb::io {

std::optional<bool> device_is_rotational(dev_t dev, const std::string& sysfs_root) {
    const std::string base =
        sysfs_root + "/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
    // A partition has no queue/ of its own; its parent disk does.
    for (const char* rel : {"/queue/rotational", "/../queue/rotational"}) {
        std::ifstream in(base + rel);
        int value = -1;
        if (in >> value && (value == 0 || value == 1)) return value == 1;
    }
    return std::nullopt;
}

bool device_spins(dev_t dev) {
    static std::mutex mutex;
    static std::map<dev_t, bool> known;
    {
        std::lock_guard lock(mutex);
        if (auto it = known.find(dev); it != known.end()) return it->second;
    }
    const bool spins = device_is_rotational(dev).value_or(false);
    std::lock_guard lock(mutex);
    known.emplace(dev, spins);
    return spins;
}

}  // namespace anidb::io
