// Allocation-failure injection for tests, as SQLite's test harness does it:
// make the Nth tracked allocation (AllocationTracker::allocate) or the Nth
// budget charge (MemoryBudget::try_charge of a non-zero size) from now on
// fail, once or from then on, and see that every caller turns that into a
// clean ANIDB_ERROR_OUT_OF_MEMORY (or degrades and succeeds).
//
// Internal and test-only: nothing outside tests calls arm(), no C symbol
// exposes it, and while it is disarmed the hooks cost one relaxed atomic
// load each. Thread-safe; counts are process-wide (every thread's
// allocations count), so tests arm it around single-threaded calls or accept
// that the failure lands on whichever thread makes the Nth request.
#pragma once

#include <atomic>
#include <cstdint>

namespace anidb::memory::fault {

enum class Point { tracked_allocation = 0, budget_charge = 1 };

// Counts requests at `point` from 1 on: the `nth` fails, and with
// `persistent` every later one too. nth == 0 disarms the point.
void arm(Point point, uint64_t nth, bool persistent) noexcept;
void disarm() noexcept;  // both points
// Requests seen at `point` since it was armed (whether or not they failed).
uint64_t requests(Point point) noexcept;
// Requests made to fail since it was armed.
uint64_t failures(Point point) noexcept;

namespace detail {
extern std::atomic<bool> g_armed;
bool fail_now(Point point) noexcept;
}  // namespace detail

// The hook: true when this request must fail.
inline bool should_fail(Point point) noexcept {
    return detail::g_armed.load(std::memory_order_relaxed) && detail::fail_now(point);
}

}  // namespace anidb::memory::fault
