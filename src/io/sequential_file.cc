#include "io/sequential_file.h"

#include <fcntl.h>

#include <sys/stat.h>
#include <unistd.h>
#include <atomic>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace anidb::io {

namespace {
Error errno_error(int error, const std::string& what, const std::filesystem::path& path) {
    return make_error(errc_from_errno(error),
                      what + " " + path.string() + ": " + std::strerror(error));
}

Error changed_error() {
    return make_error(Errc::io, "file changed while hashing");
}

int64_t nanoseconds(const timespec& t) {
    return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

FileStamp stamp_of(const struct stat& st) {
    return FileStamp{static_cast<uint64_t>(st.st_size), nanoseconds(st.st_mtim),
                     nanoseconds(st.st_ctim), static_cast<uint64_t>(st.st_ino),
                     static_cast<uint64_t>(st.st_dev)};
}
}  // namespace

Errc errc_from_errno(int error) noexcept {
    switch (error) {
        case ENOENT:
        case ENOTDIR:
            return Errc::file_not_found;
        case EACCES:
        case EPERM:
            return Errc::permission_denied;
        default:
            return Errc::io;
    }
}

namespace {
// The kernel's default read-ahead window (128 KiB).
constexpr off_t kAdviseFrom = 128 * 1024;
std::atomic<uint64_t> g_bytes_read{0};
}  // namespace

uint64_t bytes_read_total() noexcept {
    return g_bytes_read.load(std::memory_order_relaxed);
}

Result<SequentialFile> SequentialFile::open(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO without a writer must not wait for one.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno_error(errno, "cannot open", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        return errno_error(error, "cannot stat", path);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(Errc::invalid_parameter, "not a regular file: " + path.string());
    }
    // Regular files never block; clear the flag so reads are plain reads
    // (some FUSE file systems honour it). F_SETFL changes only the status
    // flags it may change, so no F_GETFL is needed first. Read-ahead advice
    // matters only for files larger than the kernel's read-ahead window.
    ::fcntl(fd, F_SETFL, 0);
    if (st.st_size > kAdviseFrom) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return SequentialFile(fd, path.string(), stamp_of(st));
}

SequentialFile::SequentialFile(SequentialFile&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      stamp_(other.stamp_),
      position_(other.position_) {
    other.fd_ = -1;
}

SequentialFile& SequentialFile::operator=(SequentialFile&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.fd_;
        path_ = std::move(other.path_);
        stamp_ = other.stamp_;
        position_ = other.position_;
        other.fd_ = -1;
    }
    return *this;
}

SequentialFile::~SequentialFile() {
    close();
}

void SequentialFile::close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

Result<size_t> SequentialFile::read(std::span<std::byte> out) {
    Result<size_t> got = read_at(position_, out);
    if (got) position_ += *got;
    return got;
}

Result<size_t> SequentialFile::read_at(uint64_t offset, std::span<std::byte> out) const {
    const uint64_t left = offset < stamp_.size ? stamp_.size - offset : 0;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(out.size(), left));
    size_t got = 0;
    while (got < want) {
        const ssize_t n =
            ::pread(fd_, out.data() + got, want - got, static_cast<off_t>(offset + got));
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(errc_from_errno(errno),
                              std::string("read failed: ") + std::strerror(errno));
        }
        if (n == 0) return changed_error();  // shrank: EOF before the size we started with
        got += static_cast<size_t>(n);
    }
    g_bytes_read.fetch_add(got, std::memory_order_relaxed);
    return got;
}

Status SequentialFile::verify_unchanged_at_end() {
    std::byte probe[1];
    ssize_t n;
    do {
        n = ::pread(fd_, probe, sizeof probe, static_cast<off_t>(stamp_.size));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return make_error(errc_from_errno(errno),
                          std::string("read failed: ") + std::strerror(errno));
    }
    if (n > 0) return changed_error();  // grew: data beyond the size we started with
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        return make_error(Errc::io, std::string("cannot stat: ") + std::strerror(errno));
    }
    if (!(stamp_of(st) == stamp_)) return changed_error();  // written, truncated, touched
    // The path may name another file by now (replaced by rename) or none.
    struct stat now {};
    if (::stat(path_.c_str(), &now) != 0 || static_cast<uint64_t>(now.st_ino) != stamp_.inode ||
        static_cast<uint64_t>(now.st_dev) != stamp_.device) {
        return changed_error();
    }
    return {};
}

}  // namespace anidb::io
