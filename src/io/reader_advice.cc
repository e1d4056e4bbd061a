#include "io/reader_advice.h"

#include <sys/vfs.h>

#include <array>
#include <map>
#include <mutex>

#include "io/block_device.h"

namespace anidb::io {
namespace {

// statfs(2) f_type values of file systems that live across a network or
// in a user-space daemon (linux/magic.h and the file systems' sources).
constexpr std::array<unsigned long, 12> kRemoteMagic = {
    0x6969UL,      // NFS
    0x517BUL,      // SMB
    0xFF534D42UL,  // CIFS
    0xFE534D42UL,  // SMB2
    0x65735546UL,  // FUSE (sshfs, rclone, s3fs ...)
    0x01021997UL,  // 9p (v9fs)
    0x00C36400UL,  // Ceph
    0x5346414FUL,  // AFS
    0x6B414653UL,  // kAFS
    0x73757245UL,  // Coda
    0x564CUL,      // NCP
    0x47504653UL,  // GPFS
};

}  // namespace

std::optional<bool> on_network_or_fuse(const std::string& path) {
    struct statfs fs {};
    if (::statfs(path.c_str(), &fs) != 0) return std::nullopt;
    const auto type = static_cast<unsigned long>(fs.f_type) & 0xFFFFFFFFUL;
    for (unsigned long magic : kRemoteMagic) {
        if (type == magic) return true;
    }
    return false;
}

size_t advised_readers(const std::string& path, dev_t dev) {
    static std::mutex mutex;
    static std::map<dev_t, size_t> known;
    {
        std::lock_guard lock(mutex);
        if (auto it = known.find(dev); it != known.end()) return it->second;
    }
    const bool slow = on_network_or_fuse(path).value_or(false) || device_spins(dev);
    const size_t readers = slow ? 1 : kFastDeviceReaders;
    std::lock_guard lock(mutex);
    known.emplace(dev, readers);
    return readers;
}

}  // namespace anidb::io
