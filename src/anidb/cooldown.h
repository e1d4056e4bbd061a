// Cool-downs after AniDB said "banned" (555) or "out of service" (601):
// every client in every process refuses to send until the time passes.
// Kept in memory for the process (per state directory, so clients
// configured with the same state directory share it) and, when a state
// directory is set, in
// "<state_dir>/udp-cooldown" (next to the rate-limit lock file) as one line
// "<banned|out_of_service> <until: Unix ms> <reason>". A newer cool-down
// replaces an older one only when it ends later. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "common/error.h"

namespace anidb::udp {

// Default length of a cool-down after 555 or 601 (before interval_scale).
inline constexpr std::chrono::minutes kDefaultCooldown{30};

struct Cooldown {
    Errc code = Errc::banned;  // Errc::banned or Errc::out_of_service
    std::chrono::system_clock::time_point until;
    std::string reason;  // the server's text, never a credential
};

// The cool-down in force now (process memory or the state file), if any.
std::optional<Cooldown> active_cooldown(const std::filesystem::path& state_dir);

// Records a cool-down of the given length from now.
void record_cooldown(const std::filesystem::path& state_dir, Errc code,
                     std::chrono::milliseconds length, const std::string& reason);

// The error a refused send returns: the code, the reason and when sending
// may resume ("... not sending to AniDB before 2025-01-01 12:30:00 UTC").
Error cooldown_error(const Cooldown& c);

}  // namespace anidb::udp
