// When the titles dump may be downloaded: AniDB's rule, in one place.
//
// AniDB publishes the dump once a day and bans clients that request it more
// often, and it counts requests, not successful imports. So:
//  1. A request is sent only when kMinRequestInterval (24 h) has passed since
//     the last request, whatever that request's outcome (a failed or
//     refused download still spends the day).
//  2. Without `force`, a usable stored dump younger than `max_age` (since it
//     was last downloaded or confirmed unchanged) is kept without asking.
//  3. `force` skips rule 2; it overrides rule 1 only when no usable dump is
//     stored (none yet, or the stored one failed its check): without titles
//     there is nothing to search, and the user asked explicitly.
// A stored request time more than 24 h in the future means the clock was set
// back; it does not block requests.
#pragma once

#include <chrono>
#include <cstdint>

namespace anidb::titles {

inline constexpr std::chrono::seconds kMinRequestInterval{24 * 60 * 60};

struct RefreshState {
    bool usable_dump = false;     // titles stored and their check passed
    int64_t last_request_at = 0;  // unix seconds; 0 = never
    int64_t confirmed_at = 0;     // last 200 or 304 answer; 0 = never
};

struct RefreshDecision {
    enum class Action { download, up_to_date, too_soon } action = Action::download;
    int64_t next_request_at = 0;  // earliest time rule 1 allows a request (0 = now)
};

RefreshDecision decide_refresh(const RefreshState& state, int64_t now, bool force,
                               std::chrono::seconds max_age) noexcept;

// The earliest unix time rule 1 allows the next request (0: any time).
int64_t next_request_allowed_at(int64_t last_request_at, int64_t now) noexcept;

}  // namespace anidb::titles
