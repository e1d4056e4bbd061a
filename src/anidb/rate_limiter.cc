#include "anidb/rate_limiter.h"

#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

namespace anidb::udp {
namespace {

int64_t scaled_ns(std::chrono::nanoseconds d, double scale) {
    return static_cast<int64_t>(static_cast<double>(d.count()) * scale);
}

// An open, flock()ed lock file; unlocks and closes on destruction.
class LockedFile {
  public:
    explicit LockedFile(int fd) : fd_(fd) {}
    ~LockedFile() {
        if (fd_ >= 0) {
            flock(fd_, LOCK_UN);
            ::close(fd_);
        }
    }
    LockedFile(const LockedFile&) = delete;
    LockedFile& operator=(const LockedFile&) = delete;
    int fd() const { return fd_; }

  private:
    int fd_;
};

void read_state(int fd, int64_t& last, int64_t& start) {
    char buf[128] = {};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long long a = 0, b = 0;
    if (n > 0 && std::sscanf(buf, "%lld %lld", &a, &b) == 2) {
        last = a;
        start = b;
    }
}

void write_state(int fd, int64_t last, int64_t start) {
    char buf[128];
    int n = std::snprintf(buf, sizeof buf, "%lld %lld\n", static_cast<long long>(last),
                          static_cast<long long>(start));
    if (pwrite(fd, buf, static_cast<size_t>(n), 0) == n) (void)ftruncate(fd, n);
}

}  // namespace

RateLimiter& RateLimiter::instance() {
    static RateLimiter limiter;
    return limiter;
}

int64_t RateLimiter::now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

Status RateLimiter::send_paced(const std::filesystem::path& state_dir, double scale,
                               const std::function<Status()>& send) {
    std::lock_guard lock(mu_);
    std::unique_ptr<LockedFile> file;
    if (!state_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(state_dir, ec);
        auto path = state_dir / "udp-rate.lock";
        int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            return make_error(Errc::io, "cannot open rate-limit lock file " + path.string() + ": " +
                                            std::strerror(errno));
        file = std::make_unique<LockedFile>(fd);
        while (flock(fd, LOCK_EX) != 0) {
            if (errno != EINTR)
                return make_error(Errc::io,
                                  "cannot lock " + path.string() + ": " + std::strerror(errno));
        }
    }
    int64_t last = last_send_ns_;
    int64_t start = run_start_ns_;
    if (file) {
        int64_t flast = 0, fstart = 0;
        read_state(file->fd(), flast, fstart);
        if (flast > last) {
            last = flast;
            start = fstart;
        }
    }
    int64_t now = now_ns();
    if (last == 0 || last > now || now - last >= scaled_ns(kIdleReset, scale)) start = 0;
    const bool long_run = start != 0 && now - start >= scaled_ns(kLongRunAfter, scale);
    const int64_t interval = scaled_ns(long_run ? kLongInterval : kShortInterval, scale);
    if (last != 0 && last <= now && now - last < interval) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(last + interval - now));
    }
    Status sent = send();
    int64_t after = now_ns();
    if (start == 0) start = after;
    last_send_ns_ = after;
    run_start_ns_ = start;
    if (file) write_state(file->fd(), after, start);
    return sent;
}

}  // namespace anidb::udp
