// How many files to read at once from where a file lives: a spinning disk
// read by two threads at once seeks itself to a crawl, and a network or
// FUSE file system gains nothing from several readers either (one stream
// over the wire is as fast as it gets); SSDs, NVMe and the page cache do
// not mind several positional reads at once.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace anidb::io {

// Readers for a fast device (SSD, NVMe, RAM, an unknown kind).
inline constexpr size_t kFastDeviceReaders = 4;

// True when the file system holding `path` is a network or FUSE one (NFS,
// SMB/CIFS, 9p, Ceph, AFS, FUSE mounts such as sshfs or rclone), from
// statfs(2)'s magic number; nullopt when statfs fails.
std::optional<bool> on_network_or_fuse(const std::string& path);

// 1 for a spinning disk or a network/FUSE file system, kFastDeviceReaders
// otherwise. Asked once per device per process (a device does not change
// kind while mounted); `path` is a file on device `dev`. Thread-safe.
size_t advised_readers(const std::string& path, dev_t dev);

}  // namespace anidb::io
