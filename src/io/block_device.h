// What kind of block device holds a file: a spinning disk wants one reader
// going front to back; SSDs, NVMe and the page cache do not mind several
// positional reads at once. Read from sysfs
// (/sys/dev/block/MAJOR:MINOR[/..]/queue/rotational).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace anidb::io {

// Whether the block device `dev` spins, from sysfs under `sysfs_root`
// (tests pass a fake tree); nullopt when unknown (tmpfs, overlay, network
// file systems: no block device). Reads two small files; thread-safe.
std::optional<bool> device_is_rotational(dev_t dev, const std::string& sysfs_root = "/sys");

// device_is_rotational(dev) == true, asked once per device per process
// (devices do not change kind while mounted): cheap enough for every file
// of a batch. Thread-safe.
bool device_spins(dev_t dev);

}  // namespace anidb::io
