#include "memory/fault_injection.h"

#include <array>

namespace anidb::memory::fault {

namespace detail {
std::atomic<bool> g_armed{false};
}

namespace {

struct PointState {
    std::atomic<uint64_t> nth{0};  // 0: disarmed
    std::atomic<bool> persistent{false};
    std::atomic<uint64_t> seen{0};
    std::atomic<uint64_t> failed{0};
};

std::array<PointState, 2> g_points;

PointState& state(Point point) noexcept {
    return g_points[static_cast<size_t>(point)];
}

void update_armed() noexcept {
    const bool any = g_points[0].nth.load() != 0 || g_points[1].nth.load() != 0;
    detail::g_armed.store(any, std::memory_order_relaxed);
}

}  // namespace

void arm(Point point, uint64_t nth, bool persistent) noexcept {
    PointState& s = state(point);
    s.nth.store(0);
    s.seen.store(0);
    s.failed.store(0);
    s.persistent.store(persistent);
    s.nth.store(nth);
    update_armed();
}

void disarm() noexcept {
    for (PointState& s : g_points) s.nth.store(0);
    update_armed();
}

uint64_t requests(Point point) noexcept {
    return state(point).seen.load();
}

uint64_t failures(Point point) noexcept {
    return state(point).failed.load();
}

bool detail::fail_now(Point point) noexcept {
    PointState& s = state(point);
    const uint64_t nth = s.nth.load();
    if (nth == 0) return false;
    const uint64_t count = s.seen.fetch_add(1) + 1;
    const bool fail = count == nth || (count > nth && s.persistent.load());
    if (fail) s.failed.fetch_add(1);
    return fail;
}

}  // namespace anidb::memory::fault
