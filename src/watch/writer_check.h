// Whether some process holds a file open for writing.
//
// First choice, a read lease (fcntl F_SETLEASE, F_RDLCK): the kernel grants
// it only when no one has the file open for writing, so it answers for
// every process of every user at once, in one system call, without reading
// /proc. It is released at once. While it is held, a process that opens
// the file for writing makes the kernel send the lease holder the
// lease-break signal, SIGIO by default, whose default action ends the
// process: a program using this must ignore SIGIO first (`anidb watch`
// does). Leases need the file to belong to this process's user (or
// CAP_LEASE) and a local file system; when the kernel refuses (EACCES,
// EINVAL: another user's file, NFS, FUSE), the answer comes from
// /proc/*/fdinfo instead: the flags of every descriptor open on the file
// (by device and inode) in the processes this user may inspect, which are
// all of them for root and this user's own otherwise.
//
// Thread-safe (no state). Never throws.
#pragma once

#include <string>

namespace anidb::watch {

enum class WriterCheck {
    none,     // no writer
    writing,  // some process has it open for writing
    gone,     // the file cannot be opened (removed, renamed away, no access)
};

WriterCheck open_for_writing(const std::string& path);

// The /proc half alone (for tests and for file systems without leases).
bool open_for_writing_by_proc(const std::string& path);

}  // namespace anidb::watch
