// The host-wide place every libanidb program of this machine shares for its
// AniDB traffic. AniDB counts packets per IP address and ties sessions to
// ip:port, so every process of every user, whatever its configuration,
// cache directory or embedding program, must keep to one rate limit, one
// cool-down and one local port.
//
// The place is a directory: $ANIDB_HOST_STATE_DIR when set (meant for tests
// and sandboxes, so that parallel test runs do not share one budget), else
// /var/tmp/anidb-udp. It holds two files. "turn" is a turnstile: a process
// waiting for the lock holds it, so one that just released the lock queues
// behind the waiter rather than taking the lock straight back. "state":
//
//   * its exclusive flock() is the host-wide lock. A Session holds it for a
//     whole exchange (bind the fixed local port, send, wait for the reply,
//     retransmissions included) and releases it afterwards, so one request
//     is in flight per host and every process sends from the same port;
//   * its text is the shared state (HostRecord): when the last packet left
//     and since when traffic has been continuous (the rate limiter), the
//     ban / out-of-service cool-down and the no-answer back-off.
//
// Several users: the default directory is created sticky and writable by
// everyone (01777, like /var/tmp) and its files readable and writable
// by everyone (0666) — they hold no secret, and session keys stay in each
// user's private cache. A directory named by ANIDB_HOST_STATE_DIR that does
// not exist is created private (0700, file 0600). Nothing read from the
// place is trusted: symbolic links are never followed (O_NOFOLLOW on the
// directory and on the file), the file must be a regular file with one link,
// and the text is parsed strictly (a checksum catches torn writes), with
// times clamped to what a libanidb process could have written. Another
// local user can still hold the lock or write a long cool-down — they could
// as well get the IP banned by sending packets themselves — but cannot make
// a process crash, follow a link or write anywhere else.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "anidb/stop_wait.h"
#include "common/result.h"

namespace anidb::udp {

inline constexpr const char* kHostStateDirEnv = "ANIDB_HOST_STATE_DIR";
inline constexpr const char* kDefaultHostStateDir = "/var/tmp/anidb-udp";
// Longest cool-down or back-off a state file may ask for; longer ones are cut.
inline constexpr std::chrono::hours kMaxStoredWait{2};

// A ban, out-of-service or no-answer period: no packet leaves before `until`.
struct Cooldown {
    Errc code = Errc::ok;  // banned, out_of_service or timeout (no answer); ok: none
    std::chrono::system_clock::time_point until;
    std::string reason;  // escaped server text or what went unanswered; never a credential
};

// The shared state. Packet times are CLOCK_MONOTONIC nanoseconds of the boot
// `boot_id` (reset to 0 after a reboot); cool-downs are wall-clock times.
struct HostRecord {
    int64_t last_send_ns = 0;  // 0: no packet since boot
    int64_t run_start_ns = 0;  // start of the current continuous traffic
    Cooldown ban;              // banned / out_of_service
    Cooldown silence;          // timeout: AniDB did not answer
    int silent_count = 0;      // exchanges in a row that got no answer
};

// The directory to use: `configured` when not empty, else
// $ANIDB_HOST_STATE_DIR, else kDefaultHostStateDir.
std::filesystem::path host_state_dir(const std::filesystem::path& configured = {});

// The state file's text and its strict reading. parse_host_record returns
// nullopt for anything it did not write itself (or a torn write); values
// are clamped as described above.
std::string format_host_record(const HostRecord& record);
std::optional<HostRecord> parse_host_record(std::string_view text);

// CLOCK_MONOTONIC in nanoseconds (system-wide on Linux).
int64_t monotonic_ns();

// The host-wide lock, held while the object lives, with the state read at
// acquisition. Not thread-safe; one per exchange.
class HostLock {
  public:
    // Opens (creating when needed) and locks "<dir>/state", through the
    // turnstile "<dir>/turn". When another
    // program holds it, calls on_wait once and retries in short slices
    // until it is free, the stop is requested (Errc::cancelled) or
    // `deadline` passes (Errc::timeout). Errors: Errc::io when the place is
    // unusable (the message names it and ANIDB_HOST_STATE_DIR).
    static Result<std::unique_ptr<HostLock>> acquire(
        const std::filesystem::path& dir, StopWait& wait,
        std::optional<StopWait::Clock::time_point> deadline, const std::function<void()>& on_wait);
    ~HostLock();
    HostLock(const HostLock&) = delete;
    HostLock& operator=(const HostLock&) = delete;

    HostRecord& record() { return record_; }
    // Writes record() back. Errors: Errc::io.
    Status save();

  private:
    explicit HostLock(int fd) : fd_(fd) {}
    int fd_;
    HostRecord record_;
};

// The state as it is now, read without the lock and without creating
// anything (for status displays); nullopt when there is none.
std::optional<HostRecord> peek_host_record(const std::filesystem::path& dir);

}  // namespace anidb::udp
