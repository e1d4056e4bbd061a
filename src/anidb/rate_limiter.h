// RateLimiter: the one gate every datagram to AniDB passes (AUTH, PING,
// LOGOUT and retransmissions included). Process-wide (a singleton) and,
// through a lock file in the state directory, across processes:
//
//   * at least kShortInterval (2.2 s: the server's 2 s plus a margin)
//     between any two packets; the server's grace for the first five is
//     never used;
//   * kLongInterval (4.4 s) once traffic has been continuous for
//     kLongRunAfter (30 min), until kIdleReset (10 min) pass without a
//     packet.
//
// Times are CLOCK_MONOTONIC, which is system-wide on Linux, so processes
// compare them directly. The lock file "<state_dir>/udp-rate.lock" is held
// with flock(LOCK_EX) from the wait until after the send, and holds
// "<last send ns> <start of continuous traffic ns>". Without a state dir
// only the in-process state applies.
//
// interval_scale multiplies every interval and is honoured only for a
// loopback server (tests use e.g. 0.01); for any other server it is 1.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>

#include "common/result.h"

namespace anidb::udp {

inline constexpr std::chrono::milliseconds kShortInterval{2200};
inline constexpr std::chrono::milliseconds kLongInterval{4400};
inline constexpr std::chrono::minutes kLongRunAfter{30};
inline constexpr std::chrono::minutes kIdleReset{10};

class RateLimiter {
  public:
    static RateLimiter& instance();

    // Waits until a packet may leave, calls send (which must send exactly
    // one datagram), and records the time after it returned, so the next
    // packet is spaced from the moment this one really left. The send
    // result is returned. Errors: Errc::io when the lock file cannot be
    // used (nothing is sent then), or what send returns.
    Status send_paced(const std::filesystem::path& state_dir, double scale,
                      const std::function<Status()>& send);

    // Monotonic nanoseconds (CLOCK_MONOTONIC).
    static int64_t now_ns();

  private:
    RateLimiter() = default;
    std::mutex mu_;
    int64_t last_send_ns_ = 0;
    int64_t run_start_ns_ = 0;
};

}  // namespace anidb::udp
