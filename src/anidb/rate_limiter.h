// The spacing rules every datagram to AniDB obeys (AUTH, PING, LOGOUT and
// retransmissions included), applied to the host-wide state (host_state.h)
// under the host-wide lock, so they hold for every process of the machine:
//
//   * at least kShortInterval (2.2 s: the server's 2 s plus a margin)
//     between any two packets; the server's grace for the first five is
//     never used;
//   * kLongInterval (4.4 s) once traffic has been continuous for
//     kLongRunAfter (30 min), until kIdleReset (10 min) pass without a
//     packet.
//
// Times are CLOCK_MONOTONIC nanoseconds, which is system-wide on Linux, so
// processes compare them directly; a packet's time is taken after send()
// returned. `scale` multiplies every interval; the Session passes 1 unless
// the server is a loopback address (tests). Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

#include "anidb/host_state.h"

namespace anidb::udp {

inline constexpr std::chrono::milliseconds kShortInterval{2200};
inline constexpr std::chrono::milliseconds kLongInterval{4400};
inline constexpr std::chrono::minutes kLongRunAfter{30};
inline constexpr std::chrono::minutes kIdleReset{10};

// The earliest monotonic time (ns) at which the next packet may leave.
int64_t next_send_ns(const HostRecord& record, int64_t now_ns, double scale);

// Notes a packet that left at sent_ns (monotonic).
void note_send(HostRecord& record, int64_t sent_ns, double scale);

}  // namespace anidb::udp
