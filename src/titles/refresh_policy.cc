#include "titles/refresh_policy.h"

namespace anidb::titles {

int64_t next_request_allowed_at(int64_t last_request_at, int64_t now) noexcept {
    const int64_t gap = kMinRequestInterval.count();
    if (last_request_at <= 0) return 0;
    if (last_request_at > now + gap) return 0;  // the clock was set back
    return last_request_at + gap;
}

RefreshDecision decide_refresh(const RefreshState& state, int64_t now, bool force,
                               std::chrono::seconds max_age) noexcept {
    RefreshDecision d;
    d.next_request_at = next_request_allowed_at(state.last_request_at, now);
    const bool request_allowed = now >= d.next_request_at;
    if (!state.usable_dump) {
        d.action = request_allowed || force ? RefreshDecision::Action::download
                                            : RefreshDecision::Action::too_soon;
        return d;
    }
    const bool fresh = state.confirmed_at > 0 && state.confirmed_at <= now &&
                       now - state.confirmed_at < max_age.count();
    if (fresh && !force) {
        d.action = RefreshDecision::Action::up_to_date;
    } else if (!request_allowed) {
        d.action = RefreshDecision::Action::too_soon;
    } else {
        d.action = RefreshDecision::Action::download;
    }
    return d;
}

}  // namespace anidb::titles
