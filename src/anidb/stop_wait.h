// Waits that end as soon as a stop is requested (Ctrl-C, a cancelled
// operation, a client being destroyed): a std::stop_callback writes to an
// eventfd that every wait polls next to what it waits for. Every network
// wait of a Session (the host-wide lock, the rate-limit slot, a reply, a
// back-off) goes through one of these, so a stop ends it at once.
// One StopWait belongs to one call on one thread.
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>

namespace anidb::udp {

class StopWait {
  public:
    using Clock = std::chrono::steady_clock;
    enum class Outcome { ready, timed_out, stopped };

    explicit StopWait(std::stop_token stop);
    ~StopWait();
    StopWait(const StopWait&) = delete;
    StopWait& operator=(const StopWait&) = delete;

    bool stop_requested() const { return stop_.stop_requested(); }
    // Sleeps until `until`; false when a stop ended the sleep.
    bool sleep_until(Clock::time_point until);
    // Waits until fd is readable, `until` passes or a stop is requested.
    // A failing poll() counts as ready (the caller's read reports it).
    Outcome wait_readable(int fd, Clock::time_point until);

  private:
    struct Wake {
        int fd;
        void operator()() const noexcept;
    };
    std::stop_token stop_;
    int event_fd_ = -1;
    std::optional<std::stop_callback<Wake>> callback_;
};

}  // namespace anidb::udp
