// What the hash cache keys a file by, and where the cache lives by default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace anidb::cache {

// A file as the cache sees it: a changed size, mtime or inode means changed
// content; the same size+mtime+inode+device under another path means the
// file was renamed or moved.
struct FileIdentity {
    std::string path;  // absolute and lexically normal (symlinks not resolved)
    uint64_t size = 0;
    int64_t mtime_ns = 0;  // st_mtim in nanoseconds since the epoch
    uint64_t inode = 0;
    uint64_t device = 0;

    bool operator==(const FileIdentity&) const = default;
};

// stat()s `p` (following symlinks). Errors: Errc::invalid_parameter (empty
// path, not a regular file), Errc::file_not_found (ENOENT, ENOTDIR),
// Errc::permission_denied (EACCES, EPERM), Errc::io (anything else).
// Thread-safe.
Result<FileIdentity> identify_file(const std::filesystem::path& p) noexcept;
// The same for a path given as a string, without building a
// std::filesystem::path when the path is already absolute and normal (the
// case of a library scan: saves parsing every path into components).
Result<FileIdentity> identify_native(std::string_view path) noexcept;

// identify_native for many files in a row, as a scan lists them: the
// directory of the last file stays open and a file in the same directory is
// stat()ed relative to it (fstatat), which saves resolving every component
// of its path again. Same results and errors as identify_native (a path that
// is not absolute and normal, or whose directory cannot be opened, goes
// through identify_native). One object per thread; not thread-safe.
class DirectoryStatter {
  public:
    DirectoryStatter() = default;
    ~DirectoryStatter();
    DirectoryStatter(const DirectoryStatter&) = delete;
    DirectoryStatter& operator=(const DirectoryStatter&) = delete;
    Result<FileIdentity> identify(std::string_view path) noexcept;

  private:
    std::string dir_;
    int dir_fd_ = -1;
};

// $XDG_DATA_HOME/anidb/anidb.db when XDG_DATA_HOME is set to an absolute
// path, else $HOME/.local/share/anidb/anidb.db (HOME from the environment or
// the password database). Empty if no home directory can be found, which
// CacheDb::open rejects with Errc::invalid_parameter.
std::filesystem::path default_database_path();

}  // namespace anidb::cache
