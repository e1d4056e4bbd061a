// Cool-downs: after AniDB said "banned" (555) or "out of service" (601), and
// after an exchange that got no answer at all, no packet leaves this machine
// until the period ends. They live in the host-wide state (host_state.h),
// so every process of every user honours them, and a Session checks them
// under the host-wide lock immediately before every send.
//
//   555 / 601: kDefaultCooldown (30 min). A later one replaces an earlier
//   one only when it ends later.
//   No answer: kNoAnswerBackoff[n] for the n-th unanswered exchange in a row
//   (30 s, 2 min, 5 min, 10 min, 30 min, 1 h, 2 h, then 2 h): AniDB's
//   advice for an unanswered AUTH, applied to every command, so the rest of
//   a run fails at once with the same cause instead of waiting again per
//   file. Any reply ends it.
//
// Lengths are multiplied by the Session's interval scale (1 unless the server
// is loopback). Pure functions on a HostRecord, thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "anidb/host_state.h"
#include "common/error.h"

namespace anidb::udp {

inline constexpr std::chrono::minutes kDefaultCooldown{30};
inline constexpr std::array<std::chrono::seconds, 7> kNoAnswerBackoff = {
    std::chrono::seconds(30),  std::chrono::seconds(120),  std::chrono::seconds(300),
    std::chrono::seconds(600), std::chrono::seconds(1800), std::chrono::seconds(3600),
    std::chrono::seconds(7200)};

// The period in force at `now`, if any: a ban or out-of-service first, else
// the no-answer back-off.
std::optional<Cooldown> active_cooldown(
    const HostRecord& record,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Records a ban (Errc::banned) or out-of-service (Errc::out_of_service) of
// `length` from now, with the server's reason (escaped here), and returns
// the cool-down now in force (the recorded one or an earlier, longer one).
Cooldown record_cooldown(HostRecord& record, Errc code, std::chrono::milliseconds length,
                         std::string_view reason);

// Records that `what` ("no reply to FILE from host:port") got no answer;
// returns the back-off now in force.
Cooldown record_no_answer(HostRecord& record, std::string_view what, double scale);
// Any reply: the no-answer back-off ends.
void record_answer(HostRecord& record);

// The error a refused send returns: the code, the reason and when sending
// may resume ("... not sending to AniDB before 2025-01-01 12:30:00 UTC").
Error cooldown_error(const Cooldown& c);

}  // namespace anidb::udp
