#include "watch/writer_check.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace anidb::watch {
namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

bool all_digits(const char* s) {
    if (*s == '\0') return false;
    for (; *s != '\0'; ++s) {
        if (*s < '0' || *s > '9') return false;
    }
    return true;
}

// The "flags:" line of /proc/PID/fdinfo/FD (octal), or -1.
long fd_flags(const std::string& fdinfo) {
    std::FILE* f = std::fopen(fdinfo.c_str(), "re");
    if (f == nullptr) return -1;
    char line[256];
    long flags = -1;
    while (std::fgets(line, sizeof line, f) != nullptr) {
        if (std::strncmp(line, "flags:", 6) == 0) {
            flags = std::strtol(line + 6, nullptr, 8);
            break;
        }
    }
    std::fclose(f);
    return flags;
}

// Whether process `pid` holds (dev, ino) open with write access.
bool process_writes(const std::string& pid, dev_t dev, ino_t ino) {
    const std::string fd_dir = "/proc/" + pid + "/fd";
    DIR* dir = ::opendir(fd_dir.c_str());
    if (dir == nullptr) return false;
    bool writes = false;
    // readdir is safe on a DIR* no other thread uses.
    while (const dirent* e = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe)
        if (!all_digits(e->d_name)) continue;
        struct stat st {};
        if (::stat((fd_dir + '/' + e->d_name).c_str(), &st) != 0) continue;
        if (st.st_dev != dev || st.st_ino != ino) continue;
        const long flags = fd_flags("/proc/" + pid + "/fdinfo/" + e->d_name);
        if (flags >= 0 && (flags & O_ACCMODE) != O_RDONLY) {
            writes = true;
            break;
        }
    }
    ::closedir(dir);
    return writes;
}

}  // namespace

bool open_for_writing_by_proc(const std::string& path) {
    struct stat target {};
    if (::stat(path.c_str(), &target) != 0) return false;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return false;
    bool writes = false;
    // readdir is safe on a DIR* no other thread uses.
    while (const dirent* e = ::readdir(proc)) {  // NOLINT(concurrency-mt-unsafe)
        if (!all_digits(e->d_name)) continue;
        if (process_writes(e->d_name, target.st_dev, target.st_ino)) {
            writes = true;
            break;
        }
    }
    ::closedir(proc);
    return writes;
}

WriterCheck open_for_writing(const std::string& path) {
    Fd file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (file.fd < 0) return WriterCheck::gone;
    if (::fcntl(file.fd, F_SETLEASE, F_RDLCK) == 0) {
        (void)::fcntl(file.fd, F_SETLEASE, F_UNLCK);
        return WriterCheck::none;
    }
    if (errno == EAGAIN || errno == EBUSY) return WriterCheck::writing;
    return open_for_writing_by_proc(path) ? WriterCheck::writing : WriterCheck::none;
}

}  // namespace anidb::watch
