// EventHub: a client's callbacks and its event queue.
//
// - Callbacks of one client run one at a time (a recursive mutex held while
//   they run), so a callback that calls back into the same client on the
//   same thread proceeds instead of deadlocking, and remove() returns only
//   once the callback can never run again.
// - Events go to EVENT callbacks and to the connected event callback as they
//   happen; without a connected callback they are queued for poll(). The
//   queue is bounded (kMaxQueuedEvents); when full the oldest event is
//   dropped and counted, and the next poll() starts with an events_dropped
//   event carrying the count. Queue memory is charged to the memory budget.
// - MEMORY_WARNING has room of its own: a queued warning takes no memory (a
//   slot in the hub, a static text), so it is never refused or dropped. The
//   next poll() hands it out first; warnings not yet polled are merged into
//   one carrying the latest figures.
// - poll() copies the strings of the events it hands out into one tracked
//   Event allocation (from the buffer pool when it fits a size class), which
//   the returned PolledEvents owns: what the C ABI's events point into until
//   the next poll.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "client/event_ring.h"
#include "common/error.h"
#include "hash/algorithm.h"
#include "memory/memory_budget.h"

namespace anidb::client {

inline constexpr size_t kMaxQueuedEvents = 4096;

// The context text of every MEMORY_WARNING and EVENTS_DROPPED event: static,
// so that handing these out needs no memory.
inline constexpr const char* kMemoryWarningContext =
    "memory pressure critical: the buffer pool was emptied";
inline constexpr const char* kEventsDroppedContext =
    "events were dropped: the queue was full or their memory did not fit";

enum class EventType {
    file_start = 1,
    file_complete = 2,
    hash_start = 3,
    hash_complete = 4,
    cache_hit = 5,
    cache_miss = 6,
    network_start = 7,
    network_complete = 8,
    memory_warning = 9,
    events_dropped = 10,
    // A packet to AniDB waits: for the rate-limit slot (number: when it is
    // planned to leave, Unix ms), for another program's exchange or the
    // local port (number 0). subject: endpoint; context: what it waits for.
    network_wait = 11,
};

struct EventView;

struct Event {
    EventType type = EventType::file_start;
    uint64_t timestamp_ms = 0;
    std::string subject;  // file path (file, hash, cache events) or endpoint (network)
    std::string value;    // hash value (hash_complete)
    std::string context;  // free text
    hash::Algorithm algorithm = hash::Algorithm::ed2k;
    uint64_t number = 0;   // file size, status code, current usage, dropped count, send time
    uint64_t number2 = 0;  // max usage (memory_warning)

    static Event now(EventType type);
    // Critical pressure: `used` of `limit` bytes, kMemoryWarningContext.
    static Event memory_warning(uint64_t used, uint64_t limit);
    size_t footprint() const;  // bytes charged while queued
    EventView view() const;
};

// An event whose strings are borrowed (from an Event while a callback runs,
// or from a poll's tracked block): NUL-terminated, never null, "" when empty.
struct EventView {
    EventType type = EventType::file_start;
    uint64_t timestamp_ms = 0;
    const char* subject = "";
    const char* value = "";
    const char* context = "";
    hash::Algorithm algorithm = hash::Algorithm::ed2k;
    uint64_t number = 0;
    uint64_t number2 = 0;
};

// The events one poll() handed out. Their strings live in one tracked Event
// allocation that this object frees when it goes (move-only).
class PolledEvents {
  public:
    PolledEvents() = default;
    ~PolledEvents();
    PolledEvents(PolledEvents&& other) noexcept;
    PolledEvents& operator=(PolledEvents&& other) noexcept;
    PolledEvents(const PolledEvents&) = delete;
    PolledEvents& operator=(const PolledEvents&) = delete;

    size_t size() const noexcept { return events_.size(); }
    bool empty() const noexcept { return events_.empty(); }
    const EventView& operator[](size_t i) const { return events_[i]; }
    std::vector<EventView>::const_iterator begin() const noexcept { return events_.begin(); }
    std::vector<EventView>::const_iterator end() const noexcept { return events_.end(); }
    // True when queued events were left in the queue because their strings
    // did not fit under the memory limit (a later poll hands them out).
    bool out_of_memory() const noexcept { return out_of_memory_; }

  private:
    friend class EventHub;
    void release() noexcept;
    std::vector<EventView> events_;
    void* strings_ = nullptr;  // tracked, AllocType::event
    bool out_of_memory_ = false;
};

enum class CallbackKind { progress = 1, error = 2, completion = 3, event = 4 };
using ProgressCallback = std::function<void(float percent, uint64_t done, uint64_t total)>;
using ErrorCallback =
    std::function<void(Errc code, const std::string& message, const std::string& path)>;
using CompletionCallback = std::function<void(Errc code)>;
using EventCallback = std::function<void(const Event& event)>;

class EventHub {
  public:
    EventHub() = default;
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;

    // Registration; ids are never 0.
    uint64_t add_progress(ProgressCallback cb);
    uint64_t add_error(ErrorCallback cb);
    uint64_t add_completion(CompletionCallback cb);
    uint64_t add_event(EventCallback cb);
    // false when no callback has that id.
    bool remove(uint64_t id);
    void connect(EventCallback cb);
    void disconnect();

    // Emission (any thread).
    void progress(float percent, uint64_t done, uint64_t total);
    void error(Errc code, const std::string& message, const std::string& path);
    void completion(Errc code);
    void emit(Event event);
    // Emits `events` in order, as emit() would one by one; when nobody
    // listens live, they are queued under one lock (a file answered from
    // the cache: start, cache hits and complete at once). `events` is
    // left empty.
    void emit_all(std::vector<Event>& events);

    // Up to max events: a pending memory warning, then an events_dropped
    // event when some were lost since the last poll, then queued events
    // oldest first. When the strings of queued events do not fit under the
    // memory limit, fewer are handed out (none: out_of_memory()) and the
    // rest stay queued.
    PolledEvents poll(size_t max);
    size_t queued() const;  // queued events, a pending memory warning included

    // Runs fn as a callback of this client: never concurrently with the
    // client's other callbacks; exceptions are swallowed.
    template <typename Fn>
    void call_serialized(Fn&& fn) {
        std::lock_guard hold(callback_mutex_);
        const auto previous = callback_thread_.exchange(std::this_thread::get_id());
        ++callback_depth_;
        try {
            fn();
        } catch (...) {
        }
        --callback_depth_;
        callback_thread_.store(callback_depth_ > 0 ? std::this_thread::get_id() : previous);
    }

    // True when the calling thread is running one of this hub's callbacks.
    bool in_callback() const;
    // No callback runs after close() returns; later emissions are ignored.
    void close();

  private:
    struct Entry {
        uint64_t id;
        CallbackKind kind;
        ProgressCallback progress;
        ErrorCallback error;
        CompletionCallback completion;
        EventCallback event;
    };
    uint64_t add(Entry entry);
    template <typename Fn>
    void run_callbacks(CallbackKind kind, Fn&& call);
    // At most kMaxEnqueuedAtOnce events, queued in order under one lock.
    static constexpr size_t kMaxEnqueuedAtOnce = 8;
    void enqueue(std::span<Event> events);
    // With queue_mutex_ held: moves the pending warning and the dropped
    // count into `out` (as far as max allows); neither needs memory.
    void take_reserved(PolledEvents& out, size_t max);
    // With queue_mutex_ held: bytes the strings of the `count` oldest queued
    // events take in a poll block.
    size_t strings_size(size_t count) const;

    mutable std::mutex registry_mutex_;  // entries_, connected_, closed_
    std::vector<Entry> entries_;
    EventCallback connected_;
    uint64_t next_id_ = 1;
    std::atomic<bool> closed_{false};

    std::recursive_mutex callback_mutex_;  // held while callbacks run
    std::atomic<std::thread::id> callback_thread_{};
    int callback_depth_ = 0;  // guarded by callback_mutex_

    // Callbacks registered per kind (index: CallbackKind), and whether an
    // event callback is connected: read without a lock, so that emissions
    // nobody listens to take no registry lock at all.
    std::array<std::atomic<unsigned>, 5> registered_{};
    std::atomic<bool> has_connected_{false};

    mutable std::mutex queue_mutex_;
    EventRing<std::pair<Event, memory::Charge>> queue_{kMaxQueuedEvents};
    uint64_t dropped_ = 0;
    // The room reserved for MEMORY_WARNING (under queue_mutex_).
    struct PendingWarning {
        bool pending = false;
        uint64_t timestamp_ms = 0;
        uint64_t used = 0;
        uint64_t limit = 0;
    } warning_;
};

}  // namespace anidb::client
