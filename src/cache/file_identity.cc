#include "cache/file_identity.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <vector>

namespace anidb::cache {

namespace {

Error stat_error(int err, const std::string& path) {
    const std::string what = path + ": " + std::strerror(err);
    switch (err) {
        case ENOENT:
        case ENOTDIR:
            return make_error(Errc::file_not_found, "file not found: " + what);
        case EACCES:
        case EPERM:
            return make_error(Errc::permission_denied, "permission denied: " + what);
        default:
            return make_error(Errc::io, "cannot stat " + what);
    }
}

std::string home_directory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') return home;
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buf(size > 0 ? static_cast<size_t>(size) : 16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
        found->pw_dir != nullptr && found->pw_dir[0] == '/') {
        return found->pw_dir;
    }
    return {};
}

// True when `p` is absolute and lexically_normal() would return it as it is:
// no empty, "." or ".." component and no trailing slash. Library scans pass
// such paths; for them the two std::filesystem::path rebuilds are skipped.
bool is_normal_absolute(std::string_view p) {
    if (p.size() < 2 || p.front() != '/' || p.back() == '/') return false;
    size_t start = 1;
    while (start <= p.size()) {
        size_t end = p.find('/', start);
        if (end == std::string_view::npos) end = p.size();
        const std::string_view part = p.substr(start, end - start);
        if (part.empty() || part == "." || part == "..") return false;
        start = end + 1;
    }
    return true;
}

// Completes `id` (path set) from its stat: regular files only.
Result<FileIdentity> with_stat(FileIdentity id, const struct stat& st) {
    if (!S_ISREG(st.st_mode)) {
        return make_error(Errc::invalid_parameter, "not a regular file: " + id.path);
    }
    id.size = static_cast<uint64_t>(st.st_size);
    id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    id.inode = static_cast<uint64_t>(st.st_ino);
    id.device = static_cast<uint64_t>(st.st_dev);
    return id;
}

}  // namespace

Result<FileIdentity> identify_file(const std::filesystem::path& p) noexcept {
    return identify_native(p.native());
}

Result<FileIdentity> identify_native(std::string_view p) noexcept {
    try {
        if (p.empty()) return make_error(Errc::invalid_parameter, "empty file path");
        FileIdentity id;
        if (is_normal_absolute(p)) {
            id.path = p;
        } else {
            std::error_code ec;
            std::filesystem::path abs = std::filesystem::absolute(std::filesystem::path(p), ec);
            if (ec) return stat_error(ec.value(), std::string(p));
            id.path = abs.lexically_normal().string();
        }
        struct stat st {};
        if (::stat(id.path.c_str(), &st) != 0) return stat_error(errno, id.path);
        return with_stat(std::move(id), st);
    } catch (const std::bad_alloc&) {
        return Error{Errc::out_of_memory, {}};
    } catch (...) {
        return Error{Errc::io, {}};
    }
}

DirectoryStatter::~DirectoryStatter() {
    if (dir_fd_ >= 0) ::close(dir_fd_);
}

Result<FileIdentity> DirectoryStatter::identify(std::string_view path) noexcept {
    try {
        const size_t slash = path.rfind('/');
        if (!is_normal_absolute(path) || slash == 0) return identify_native(path);
        const std::string_view dir = path.substr(0, slash);
        if (dir_fd_ < 0 || dir != dir_) {
            if (dir_fd_ >= 0) ::close(dir_fd_);
            dir_.assign(dir);
            dir_fd_ = ::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        // A directory that cannot be opened: the plain way says why.
        if (dir_fd_ < 0) return identify_native(path);
        FileIdentity id;
        id.path = path;
        struct stat st {};
        if (::fstatat(dir_fd_, id.path.c_str() + slash + 1, &st, 0) != 0) {
            return stat_error(errno, id.path);
        }
        return with_stat(std::move(id), st);
    } catch (const std::bad_alloc&) {
        return Error{Errc::out_of_memory, {}};
    } catch (...) {
        return Error{Errc::io, {}};
    }
}

std::filesystem::path default_database_path() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
        return std::filesystem::path(xdg) / "anidb" / "anidb.db";
    }
    const std::string home = home_directory();
    if (home.empty()) return {};
    return std::filesystem::path(home) / ".local" / "share" / "anidb" / "anidb.db";
}

}  // namespace anidb::cache
