// The one library-wide memory limit (docs/design.md, "Memory"). Every byte the library holds
// on behalf of callers — ABI allocations, pool buffers idle or in use,
// read-ahead and hashing state, event queues, in-memory caches — is charged
// here first. A charge that would cross the limit is refused; nothing is
// allocated and the caller reports ANIDB_ERROR_OUT_OF_MEMORY.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace anidb::memory {

// 500 MiB as decimal megabytes: the figure docs/design.md ("Memory") fixes.
inline constexpr uint64_t kDefaultMemoryLimit = 524288000;

// Pressure thresholds in percent of the limit, as the seed gives them:
// Low < 50 % <= Medium < 75 % <= High <= 90 % < Critical. Exactly 90 % is
// still High; Critical is strictly above. (docs/memory-model.md quotes these.)
inline constexpr unsigned kMediumPercent = 50;
inline constexpr unsigned kHighPercent = 75;
inline constexpr unsigned kCriticalPercent = 90;

enum class Pressure : uint32_t { low = 0, medium = 1, high = 2, critical = 3 };

Pressure pressure_for(uint64_t used, uint64_t limit) noexcept;

class MemoryBudget {
  public:
    // Called after the pressure level changed, outside any budget lock, on
    // the thread whose charge or release caused the change (which may hold
    // its own locks: a listener must not take a lock held around a charge).
    // A listener may charge, release and add/remove listeners: changes it
    // causes are delivered after it returns, never nested, so each thread
    // sees transitions in order. Exceptions thrown by a listener are
    // swallowed. Concurrent threads may deliver their transitions in any
    // order; pressure() always settles on the level of the final use.
    using PressureListener =
        std::function<void(Pressure previous, Pressure current, uint64_t used, uint64_t limit)>;

    static MemoryBudget& instance() noexcept;

    // Charges `bytes`; false (and nothing charged) if that would cross the
    // limit even after reclaiming idle pool memory. Charging up to exactly
    // the limit succeeds; 0 bytes always succeeds. Lock-free (CAS loop).
    [[nodiscard]] bool try_charge(uint64_t bytes) noexcept;
    void release(uint64_t bytes) noexcept;

    uint64_t used() const noexcept;
    uint64_t limit() const noexcept;
    // 0 restores kDefaultMemoryLimit. Lowering the limit below current use is
    // allowed: nothing is freed, new charges fail until use drops.
    void set_limit(uint64_t bytes) noexcept;
    Pressure pressure() const noexcept;

    // Listener ids are never 0. Removing waits for calls running on other
    // threads to end (a listener may remove itself); unknown ids are ignored.
    // The pool registers one at start (High => shrink, Critical => clear).
    uint64_t add_pressure_listener(PressureListener listener);
    void remove_pressure_listener(uint64_t id) noexcept;

    // A hook that frees idle memory (the buffer pool's) when a charge would
    // fail; try_charge calls it once and retries. Set by the pool.
    void set_reclaimer(std::function<void()> reclaim);

  private:
    struct ListenerEntry;  // defined in memory_budget.cc

    MemoryBudget() = default;
    // Brings level_ in line with used_/limit_ and notifies listeners of each
    // change. Re-entrant calls on the same thread (a listener or the pool's
    // reaction releasing memory) only ask the running dispatch to re-check,
    // so notifications never nest and are delivered in order per thread.
    void after_change() noexcept;
    void notify(Pressure previous, Pressure current, uint64_t used, uint64_t limit) noexcept;
    void reclaim() noexcept;

    std::atomic<uint64_t> used_{0};
    std::atomic<uint64_t> limit_{kDefaultMemoryLimit};
    std::atomic<uint32_t> level_{0};
    mutable std::mutex listeners_mutex_;
    std::condition_variable listener_done_;  // a call ended (for removal)
    std::vector<std::shared_ptr<ListenerEntry>> listeners_;
    uint64_t next_listener_id_ = 1;
    std::mutex reclaim_mutex_;
    std::shared_ptr<const std::function<void()>> reclaim_;
};

// RAII charge against the budget (and optionally a per-client cap):
// released when it goes out of scope. Used for hashing state, read-ahead,
// event queues and other internal memory that is not a pool buffer.
class Charge {
  public:
    Charge() = default;
    // Empty (bytes() == 0 and !ok()) when the budget refused.
    static Charge take(uint64_t bytes) noexcept;
    ~Charge() { reset(); }
    Charge(Charge&& other) noexcept : bytes_(other.bytes_) { other.bytes_ = 0; }
    Charge& operator=(Charge&& other) noexcept;
    Charge(const Charge&) = delete;
    Charge& operator=(const Charge&) = delete;

    bool ok() const noexcept { return bytes_ != 0; }
    uint64_t bytes() const noexcept { return bytes_; }
    void reset() noexcept;
    // Moves min(bytes, this->bytes()) of this charge into a new one, without
    // touching the budget: one take() for several objects that are released
    // one by one later.
    Charge split(uint64_t bytes) noexcept;

  private:
    explicit Charge(uint64_t bytes) : bytes_(bytes) {}
    uint64_t bytes_ = 0;
};

}  // namespace anidb::memory
