// Whether inotify sees every change in a folder. On network and FUSE file
// systems it sees only what this machine does there (a file written by
// the NAS or another client raises no event), so the watcher scans those
// periodically instead. Decided by statfs(2)'s f_type. Thread-safe.
#pragma once

#include <string>

namespace anidb::watch {

struct FsKind {
    bool inotify_reliable = true;
    std::string name;  // "nfs", "cifs", "fuse" ...; "" for a local file system
};

// Errors (a path that cannot be statfs'ed) read as local.
FsKind file_system_kind(const std::string& path);

}  // namespace anidb::watch
