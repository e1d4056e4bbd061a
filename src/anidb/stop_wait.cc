#include "anidb/stop_wait.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <thread>

namespace anidb::udp {

void StopWait::Wake::operator()() const noexcept {
    const uint64_t one = 1;
    (void)!::write(fd, &one, sizeof one);
}

StopWait::StopWait(std::stop_token stop) : stop_(std::move(stop)) {
    if (!stop_.stop_possible()) return;
    event_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    // Without an eventfd (fd limit reached) the waits fall back to slices.
    if (event_fd_ >= 0) callback_.emplace(stop_, Wake{event_fd_});
}

StopWait::~StopWait() {
    callback_.reset();  // no Wake runs after this
    if (event_fd_ >= 0) ::close(event_fd_);
}

bool StopWait::sleep_until(Clock::time_point until) {
    return wait_readable(-1, until) != Outcome::stopped;
}

StopWait::Outcome StopWait::wait_readable(int fd, Clock::time_point until) {
    // Slices of at most this long also catch a stop when no eventfd exists.
    constexpr auto kSlice = std::chrono::milliseconds(200);
    while (true) {
        if (stop_.stop_requested()) return Outcome::stopped;
        const auto now = Clock::now();
        if (now >= until) return Outcome::timed_out;
        auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now);
        if (left > std::chrono::hours(1)) left = std::chrono::hours(1);
        if (event_fd_ < 0 && left > kSlice) left = kSlice;
        pollfd fds[2] = {{fd, POLLIN, 0}, {event_fd_, POLLIN, 0}};
        const int rc = ::poll(fds, 2, static_cast<int>(left.count()));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0 && fd >= 0) return Outcome::ready;
        if (rc < 0) {
            // poll() itself failed (ENOMEM): keep the sleep going without it.
            std::this_thread::sleep_for(
                std::min<Clock::duration>(left, std::chrono::milliseconds(10)));
            continue;
        }
        if (fds[1].revents != 0 || stop_.stop_requested()) return Outcome::stopped;
        if (fd >= 0 && fds[0].revents != 0) return Outcome::ready;
    }
}

}  // namespace anidb::udp
