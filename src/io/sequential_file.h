// A regular file opened for one front-to-back read, with the checks hashing
// needs: opening never blocks (O_NONBLOCK, so a FIFO cannot hang us), only
// regular files are accepted, and a file that changes while it is read is
// reported instead of yielding a silently wrong result. "Changes" means what
// stat() can tell: the size, mtime and ctime (both in ns) of the open file
// differ from those at open, or the path now names another file (inode or
// device differ: replaced by rename) or none. A write that leaves size and
// both times as they were (possible only within one tick of the file
// system's clock) cannot be seen.
//
// Errors (anidb::Errc): file_not_found (ENOENT/ENOTDIR), permission_denied
// (EACCES/EPERM), invalid_parameter ("not a regular file": directory, FIFO,
// socket, device), io (any other failure, and "file changed while hashing").
// Thread-safety: read() and verify_unchanged_at_end() are for one thread at a
// time; read_at() may be called from any number of threads at once (it does
// not move the position). Move-only; closes on destruction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "common/result.h"

namespace anidb::io {

// Bytes read from files through SequentialFile by this process so far (one
// relaxed counter; tests prove "read once" with it).
uint64_t bytes_read_total() noexcept;

// What stat() says of a file's identity and state.
struct FileStamp {
    uint64_t size = 0;
    int64_t mtime_ns = 0;  // st_mtim in ns since the epoch
    int64_t ctime_ns = 0;  // st_ctim: also moves when the mtime is set back
    uint64_t inode = 0;
    uint64_t device = 0;
    bool operator==(const FileStamp&) const = default;
};

class SequentialFile {
  public:
    static Result<SequentialFile> open(const std::filesystem::path& path);

    SequentialFile(SequentialFile&& other) noexcept;
    SequentialFile& operator=(SequentialFile&& other) noexcept;
    SequentialFile(const SequentialFile&) = delete;
    SequentialFile& operator=(const SequentialFile&) = delete;
    ~SequentialFile();

    // Size at open time; the reader holds the file to it.
    uint64_t size() const noexcept { return stamp_.size; }
    // The file as fstat() saw it at open: what the bytes read belong to once
    // verify_unchanged_at_end() has passed.
    const FileStamp& stamp() const noexcept { return stamp_; }
    uint64_t position() const noexcept { return position_; }

    // Fills `out` completely unless fewer than out.size() bytes remain before
    // size(), in which case it fills exactly the remainder. Returns the byte
    // count. A short read before size() means the file shrank: Errc::io.
    Result<size_t> read(std::span<std::byte> out);

    // Positional read of bytes [offset, offset + out.size()), clipped to
    // size(), without moving position(); same rules as read(). Thread-safe.
    Result<size_t> read_at(uint64_t offset, std::span<std::byte> out) const;

    // After all size() bytes were read (by read() or read_at()): Errc::io
    // "file changed while hashing" if there are bytes beyond size(), fstat
    // now gives another stamp(), or the path names another file or none.
    Status verify_unchanged_at_end();

  private:
    SequentialFile(int fd, std::string path, const FileStamp& stamp) noexcept
        : fd_(fd), path_(std::move(path)), stamp_(stamp) {}
    void close() noexcept;

    int fd_ = -1;
    std::string path_;  // re-checked at the end: still this file?
    FileStamp stamp_;
    uint64_t position_ = 0;
};

// The Errc for an errno from open/read: file_not_found, permission_denied or io.
Errc errc_from_errno(int error) noexcept;

}  // namespace anidb::io
