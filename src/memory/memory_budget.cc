// The library-wide memory budget: a lock-free counter with a CAS-checked
// limit, plus pressure-level notifications delivered outside every lock.
#include "memory/memory_budget.h"

#include <algorithm>
#include <utility>

#include "memory/fault_injection.h"

namespace anidb::memory {

namespace {

// floor(limit * percent / 100) and whether it is exact, without overflowing
// for any 64-bit limit.
struct Share {
    uint64_t floor;
    bool exact;
};
Share share_of(uint64_t limit, unsigned percent) noexcept {
    const uint64_t whole = (limit / 100) * percent;
    const uint64_t part = (limit % 100) * percent;  // < 100 * 100
    return Share{whole + part / 100, part % 100 == 0};
}

// used * 100 >= limit * percent.
bool at_least(uint64_t used, uint64_t limit, unsigned percent) noexcept {
    const Share s = share_of(limit, percent);
    return used > s.floor || (used == s.floor && s.exact);
}

// used * 100 > limit * percent.
bool above(uint64_t used, uint64_t limit, unsigned percent) noexcept {
    return used > share_of(limit, percent).floor;
}

// Per thread: a dispatch is running, and something asked it to look again.
// One budget exists per process, so plain thread_locals suffice.
thread_local bool tl_dispatching = false;
thread_local bool tl_recheck = false;
// Per thread: the reclaimer is running (it must not trigger itself).
thread_local bool tl_reclaiming = false;
// Per thread: the listener this thread is running (notifications never nest
// on one thread, so there is at most one), so it may remove itself.
thread_local const void* tl_running_listener = nullptr;

}  // namespace

struct MemoryBudget::ListenerEntry {
    uint64_t id = 0;
    PressureListener fn;
    // Guarded by listeners_mutex_: calls running now, and whether
    // remove_pressure_listener has taken it out (then it is never called again).
    unsigned running = 0;
    bool removed = false;
};

Pressure pressure_for(uint64_t used, uint64_t limit) noexcept {
    if (above(used, limit, kCriticalPercent)) return Pressure::critical;
    if (at_least(used, limit, kHighPercent)) return Pressure::high;
    if (at_least(used, limit, kMediumPercent)) return Pressure::medium;
    return Pressure::low;
}

MemoryBudget& MemoryBudget::instance() noexcept {
    // Leaked on purpose: usable from any static destructor at process exit.
    static MemoryBudget* const budget = new MemoryBudget();
    return *budget;
}

bool MemoryBudget::try_charge(uint64_t bytes) noexcept {
    if (bytes == 0) return true;
    if (fault::should_fail(fault::Point::budget_charge)) return false;
    for (int attempt = 0; attempt < 2; ++attempt) {
        uint64_t used = used_.load(std::memory_order_relaxed);
        bool charged = false;
        for (;;) {
            const uint64_t limit = limit_.load(std::memory_order_relaxed);
            if (used > limit || bytes > limit - used) break;
            if (used_.compare_exchange_weak(used, used + bytes, std::memory_order_acq_rel,
                                            std::memory_order_relaxed)) {
                charged = true;
                break;
            }
        }
        if (charged) {
            after_change();
            return true;
        }
        if (attempt == 0) reclaim();  // free idle pool memory, then retry once
    }
    return false;
}

void MemoryBudget::release(uint64_t bytes) noexcept {
    if (bytes == 0) return;
    used_.fetch_sub(bytes, std::memory_order_acq_rel);
    after_change();
}

uint64_t MemoryBudget::used() const noexcept {
    return used_.load(std::memory_order_acquire);
}

uint64_t MemoryBudget::limit() const noexcept {
    return limit_.load(std::memory_order_acquire);
}

void MemoryBudget::set_limit(uint64_t bytes) noexcept {
    limit_.store(bytes == 0 ? kDefaultMemoryLimit : bytes, std::memory_order_release);
    after_change();
}

Pressure MemoryBudget::pressure() const noexcept {
    return static_cast<Pressure>(level_.load(std::memory_order_acquire));
}

void MemoryBudget::after_change() noexcept {
    if (tl_dispatching) {
        tl_recheck = true;  // the dispatch running further up this stack looks again
        return;
    }
    tl_dispatching = true;
    for (;;) {
        tl_recheck = false;
        const uint64_t used = used_.load(std::memory_order_acquire);
        const uint64_t limit = limit_.load(std::memory_order_acquire);
        const Pressure now = pressure_for(used, limit);
        // A plain load first: nearly every charge leaves the level as it is,
        // and an exchange would make every charge write this shared line.
        if (level_.load(std::memory_order_acquire) != static_cast<uint32_t>(now)) {
            const auto before = static_cast<Pressure>(
                level_.exchange(static_cast<uint32_t>(now), std::memory_order_acq_rel));
            if (before != now) notify(before, now, used, limit);
        }
        // Another thread may have stored a level computed from an older
        // `used` after ours; looking again after every exchange makes the
        // last exchange in the process agree with the final counters.
        if (!tl_recheck && pressure_for(used_.load(std::memory_order_acquire),
                                        limit_.load(std::memory_order_acquire)) == now) {
            break;
        }
    }
    tl_dispatching = false;
}

void MemoryBudget::notify(Pressure previous, Pressure current, uint64_t used,
                          uint64_t limit) noexcept {
    std::vector<std::shared_ptr<ListenerEntry>> snapshot;
    try {
        std::lock_guard lock(listeners_mutex_);
        snapshot = listeners_;
    } catch (...) {
        return;  // out of memory copying the list: this notification is lost
    }
    for (auto& entry : snapshot) {
        {
            std::lock_guard lock(listeners_mutex_);
            if (entry->removed) continue;
            ++entry->running;
        }
        tl_running_listener = entry.get();
        try {
            entry->fn(previous, current, used, limit);
        } catch (...) {
            // A listener's failure must not break the charge that ran it.
        }
        tl_running_listener = nullptr;
        std::lock_guard lock(listeners_mutex_);
        --entry->running;
        if (entry->removed) listener_done_.notify_all();
    }
}

uint64_t MemoryBudget::add_pressure_listener(PressureListener listener) {
    auto entry = std::make_shared<ListenerEntry>();
    entry->fn = std::move(listener);
    std::lock_guard lock(listeners_mutex_);
    entry->id = next_listener_id_++;
    listeners_.push_back(entry);
    return entry->id;
}

void MemoryBudget::remove_pressure_listener(uint64_t id) noexcept {
    std::unique_lock lock(listeners_mutex_);
    std::shared_ptr<ListenerEntry> entry;
    for (auto it = listeners_.begin(); it != listeners_.end(); ++it) {
        if ((*it)->id == id) {
            entry = *it;
            listeners_.erase(it);
            break;
        }
    }
    if (!entry) return;
    entry->removed = true;
    // Wait for calls running on other threads; a listener removing itself
    // must not wait for its own call.
    const unsigned own = tl_running_listener == entry.get() ? 1 : 0;
    listener_done_.wait(lock, [&] { return entry->running <= own; });
}

void MemoryBudget::set_reclaimer(std::function<void()> reclaim) {
    auto shared = std::make_shared<const std::function<void()>>(std::move(reclaim));
    std::lock_guard lock(reclaim_mutex_);
    reclaim_ = std::move(shared);
}

void MemoryBudget::reclaim() noexcept {
    if (tl_reclaiming) return;
    std::shared_ptr<const std::function<void()>> hook;
    {
        std::lock_guard lock(reclaim_mutex_);
        hook = reclaim_;
    }
    if (!hook || !*hook) return;
    tl_reclaiming = true;
    try {
        (*hook)();
    } catch (...) {
        // Reclaiming is best effort; the retry simply finds no more room.
    }
    tl_reclaiming = false;
}

Charge Charge::take(uint64_t bytes) noexcept {
    if (bytes == 0 || !MemoryBudget::instance().try_charge(bytes)) return Charge{};
    return Charge{bytes};
}

Charge& Charge::operator=(Charge&& other) noexcept {
    if (this != &other) {
        reset();
        bytes_ = other.bytes_;
        other.bytes_ = 0;
    }
    return *this;
}

Charge Charge::split(uint64_t bytes) noexcept {
    const uint64_t moved = std::min(bytes, bytes_);
    bytes_ -= moved;
    return Charge{moved};
}

void Charge::reset() noexcept {
    if (bytes_ != 0) {
        MemoryBudget::instance().release(bytes_);
        bytes_ = 0;
    }
}

}  // namespace anidb::memory
