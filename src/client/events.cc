#include "client/events.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>

#include "memory/allocation_tracker.h"

namespace anidb::client {
namespace {

uint64_t unix_millis() {
    using namespace std::chrono;
    return static_cast<uint64_t>(
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace

Event Event::now(EventType type) {
    Event e;
    e.type = type;
    e.timestamp_ms = unix_millis();
    return e;
}

Event Event::memory_warning(uint64_t used, uint64_t limit) {
    Event e = now(EventType::memory_warning);
    e.number = used;
    e.number2 = limit;
    e.context = kMemoryWarningContext;
    return e;
}

size_t Event::footprint() const {
    return sizeof(Event) + subject.capacity() + value.capacity() + context.capacity();
}

EventView Event::view() const {
    return EventView{type,      timestamp_ms, subject.c_str(), value.c_str(), context.c_str(),
                     algorithm, number,       number2};
}

// ---------------------------------------------------------------- PolledEvents

PolledEvents::~PolledEvents() {
    release();
}

PolledEvents::PolledEvents(PolledEvents&& other) noexcept
    : events_(std::move(other.events_)),
      strings_(std::exchange(other.strings_, nullptr)),
      out_of_memory_(other.out_of_memory_) {
    other.events_.clear();
}

PolledEvents& PolledEvents::operator=(PolledEvents&& other) noexcept {
    if (this != &other) {
        release();
        events_ = std::move(other.events_);
        other.events_.clear();
        strings_ = std::exchange(other.strings_, nullptr);
        out_of_memory_ = other.out_of_memory_;
    }
    return *this;
}

void PolledEvents::release() noexcept {
    events_.clear();  // the views point into the block
    if (strings_ != nullptr) {
        memory::AllocationTracker::instance().release(strings_, memory::AllocType::event);
    }
    strings_ = nullptr;
}

// -------------------------------------------------------------------- EventHub

EventHub::~EventHub() {
    close();
}

uint64_t EventHub::add(Entry entry) {
    std::lock_guard lock(registry_mutex_);
    if (closed_) return 0;
    entry.id = next_id_++;
    const auto kind = static_cast<size_t>(entry.kind);
    entries_.push_back(std::move(entry));
    ++registered_[kind];
    return entries_.back().id;
}

uint64_t EventHub::add_progress(ProgressCallback cb) {
    Entry e{};
    e.kind = CallbackKind::progress;
    e.progress = std::move(cb);
    return add(std::move(e));
}
uint64_t EventHub::add_error(ErrorCallback cb) {
    Entry e{};
    e.kind = CallbackKind::error;
    e.error = std::move(cb);
    return add(std::move(e));
}
uint64_t EventHub::add_completion(CompletionCallback cb) {
    Entry e{};
    e.kind = CallbackKind::completion;
    e.completion = std::move(cb);
    return add(std::move(e));
}
uint64_t EventHub::add_event(EventCallback cb) {
    Entry e{};
    e.kind = CallbackKind::event;
    e.event = std::move(cb);
    return add(std::move(e));
}

bool EventHub::remove(uint64_t id) {
    {
        std::lock_guard lock(registry_mutex_);
        auto it = std::find_if(entries_.begin(), entries_.end(),
                               [id](const Entry& e) { return e.id == id; });
        if (it == entries_.end()) return false;
        --registered_[static_cast<size_t>(it->kind)];
        entries_.erase(it);
    }
    // Wait for a callback round that may still hold a copy to finish, unless
    // that round is ours (we are inside a callback): it then never sees the
    // removed entry again because every round re-reads the registry.
    if (!in_callback()) {
        std::lock_guard wait(callback_mutex_);
    }
    return true;
}

void EventHub::connect(EventCallback cb) {
    std::lock_guard lock(registry_mutex_);
    if (closed_) return;
    connected_ = std::move(cb);
    has_connected_ = static_cast<bool>(connected_);
}

void EventHub::disconnect() {
    {
        std::lock_guard lock(registry_mutex_);
        connected_ = nullptr;
        has_connected_ = false;
    }
    if (!in_callback()) {
        std::lock_guard wait(callback_mutex_);
    }
}

bool EventHub::in_callback() const {
    return callback_thread_.load() == std::this_thread::get_id();
}

template <typename Fn>
void EventHub::run_callbacks(CallbackKind kind, Fn&& call) {
    // Most emissions have no callback of their kind: skip the client-wide
    // callback lock, which would otherwise serialise every batch worker, and
    // the registry lock too. (A callback registered meanwhile is simply not
    // called for this one; a removed one is never called: the round below
    // re-reads the registry under its lock.)
    if (registered_[static_cast<size_t>(kind)].load() == 0 || closed_) return;
    std::lock_guard hold(callback_mutex_);
    const auto previous = callback_thread_.exchange(std::this_thread::get_id());
    ++callback_depth_;
    // Re-read the registry for every callback so one removed by an earlier
    // callback of this round is not called.
    for (size_t i = 0;; ++i) {
        Entry current{};
        {
            std::lock_guard lock(registry_mutex_);
            if (closed_) break;
            size_t seen = 0;
            bool found = false;
            for (const auto& e : entries_) {
                if (e.kind != kind) continue;
                if (seen++ == i) {
                    current = e;
                    found = true;
                    break;
                }
            }
            if (!found) break;
        }
        try {
            call(current);
        } catch (...) {
            // A callback's exception never reaches the library's caller.
        }
    }
    --callback_depth_;
    callback_thread_.store(callback_depth_ > 0 ? std::this_thread::get_id() : previous);
}

void EventHub::progress(float percent, uint64_t done, uint64_t total) {
    run_callbacks(CallbackKind::progress,
                  [&](const Entry& e) { e.progress(percent, done, total); });
}

void EventHub::error(Errc code, const std::string& message, const std::string& path) {
    run_callbacks(CallbackKind::error, [&](const Entry& e) { e.error(code, message, path); });
}

void EventHub::completion(Errc code) {
    run_callbacks(CallbackKind::completion, [&](const Entry& e) { e.completion(code); });
}

void EventHub::emit(Event event) {
    run_callbacks(CallbackKind::event, [&](const Entry& e) { e.event(event); });
    EventCallback connected;
    if (has_connected_.load()) {
        std::lock_guard lock(registry_mutex_);
        if (closed_) return;
        connected = connected_;
    } else if (closed_) {
        return;
    }
    if (connected) {
        call_serialized([&] { connected(event); });
        return;
    }
    enqueue(std::span(&event, 1));
}

void EventHub::emit_all(std::vector<Event>& events) {
    if (events.size() > kMaxEnqueuedAtOnce ||
        registered_[static_cast<size_t>(CallbackKind::event)] > 0 || has_connected_) {
        for (auto& e : events) emit(std::move(e));
    } else if (!closed_) {
        enqueue(events);
    }
    events.clear();
}

void EventHub::enqueue(std::span<Event> events) {
    // Charges before locking: a charge may cross into Critical pressure,
    // whose listener emits MEMORY_WARNING into this very queue. One charge
    // for all, split per event (each is released on its own when polled or
    // evicted); one charge each when the whole does not fit. A warning is
    // not charged: it goes to the room kept for it.
    const auto charged = [](const Event& e) { return e.type != EventType::memory_warning; };
    std::array<memory::Charge, kMaxEnqueuedAtOnce> charges;
    uint64_t total = 0;
    for (const auto& e : events) total += charged(e) ? e.footprint() : 0;
    memory::Charge all = memory::Charge::take(total);
    for (size_t i = 0; i < events.size(); ++i) {
        if (!charged(events[i])) continue;
        charges[i] = all.ok() ? all.split(events[i].footprint())
                              : memory::Charge::take(events[i].footprint());
    }
    // Evicted events and unused charges are released after unlocking.
    std::array<std::optional<std::pair<Event, memory::Charge>>, kMaxEnqueuedAtOnce> evicted;
    std::lock_guard lock(queue_mutex_);
    if (closed_) return;
    for (size_t i = 0; i < events.size(); ++i) {
        if (!charged(events[i])) {
            warning_ =
                PendingWarning{true, events[i].timestamp_ms, events[i].number, events[i].number2};
            continue;
        }
        if (!charges[i].ok()) {
            ++dropped_;  // no memory for this one: losing it is the bounded behaviour
            continue;
        }
        evicted[i] = queue_.push({std::move(events[i]), std::move(charges[i])});
        if (evicted[i]) ++dropped_;
    }
}

void EventHub::take_reserved(PolledEvents& out, size_t max) {
    if (warning_.pending && out.size() < max) {
        EventView w;
        w.type = EventType::memory_warning;
        w.timestamp_ms = warning_.timestamp_ms;
        w.context = kMemoryWarningContext;
        w.number = warning_.used;
        w.number2 = warning_.limit;
        out.events_.push_back(w);
        warning_.pending = false;
    }
    if (dropped_ > 0 && out.size() < max) {
        EventView d;
        d.type = EventType::events_dropped;
        d.timestamp_ms = Event::now(EventType::events_dropped).timestamp_ms;
        d.context = kEventsDroppedContext;
        d.number = dropped_;
        out.events_.push_back(d);
        dropped_ = 0;
    }
}

namespace {

size_t strings_size(const Event& e) {
    return e.subject.size() + e.value.size() + e.context.size() + 3;  // three NULs
}

}  // namespace

size_t EventHub::strings_size(size_t count) const {
    size_t bytes = 0;
    for (size_t i = 0; i < count; ++i) bytes += client::strings_size(queue_.peek(i).first);
    return bytes;
}

PolledEvents EventHub::poll(size_t max) {
    PolledEvents out;
    if (max == 0) return out;
    size_t want = 0;
    size_t bytes = 0;
    {
        std::lock_guard lock(queue_mutex_);
        take_reserved(out, max);
        want = std::min(max - out.size(), queue_.size());
        bytes = strings_size(want);
    }
    if (want == 0) return out;
    out.events_.reserve(out.size() + want + 2);  // and a warning or drop count arriving meanwhile

    // One tracked block for the strings, allocated with no lock held: the
    // charge may enter Critical, whose warning comes into this hub and may
    // run callbacks that call back into it. When it does not fit, fewer
    // events (the rest stay queued).
    auto& tracker = memory::AllocationTracker::instance();
    void* block = nullptr;
    while (want > 0) {
        block = tracker.allocate(bytes, memory::AllocType::event);
        if (block != nullptr) break;
        std::lock_guard lock(queue_mutex_);
        want = std::min(want / 2, queue_.size());
        bytes = strings_size(want);
    }
    if (block == nullptr) {
        std::lock_guard lock(queue_mutex_);
        take_reserved(out, max);  // a warning that came in meanwhile
        out.out_of_memory_ = !queue_.empty();
        return out;
    }
    out.strings_ = block;

    // The queue may have changed meanwhile: take the oldest events as long as
    // their strings fit. The queued copies (and their charges) are released
    // after unlocking.
    std::vector<std::pair<Event, memory::Charge>> taken;
    taken.reserve(want);
    {
        std::lock_guard lock(queue_mutex_);
        take_reserved(out, max);
        size_t used = 0;
        while (taken.size() < want && out.size() + taken.size() < max && !queue_.empty()) {
            const size_t need = client::strings_size(queue_.peek(0).first);
            if (used + need > bytes) break;
            used += need;
            taken.push_back(queue_.pop());
        }
    }
    if (taken.empty()) {
        tracker.release(block, memory::AllocType::event);
        out.strings_ = nullptr;
        return out;
    }
    auto* at = static_cast<char*>(block);  // zero-filled: every copy ends in a NUL
    const auto copy = [&at](const std::string& s) {
        const char* start = at;
        // NOLINTNEXTLINE(bugprone-not-null-terminated-result): the NUL is there
        if (!s.empty()) std::memcpy(at, s.data(), s.size());
        at += s.size() + 1;
        return start;
    };
    for (const auto& [e, charge] : taken) {
        EventView v;
        v.type = e.type;
        v.timestamp_ms = e.timestamp_ms;
        v.subject = copy(e.subject);
        v.value = copy(e.value);
        v.context = copy(e.context);
        v.algorithm = e.algorithm;
        v.number = e.number;
        v.number2 = e.number2;
        out.events_.push_back(v);
    }
    return out;
}

size_t EventHub::queued() const {
    std::lock_guard lock(queue_mutex_);
    return queue_.size() + (warning_.pending ? 1 : 0);
}

void EventHub::close() {
    {
        std::lock_guard lock(registry_mutex_);
        closed_ = true;
        entries_.clear();
        for (auto& count : registered_) count = 0;
        connected_ = nullptr;
        has_connected_ = false;
    }
    if (!in_callback()) {
        std::lock_guard wait(callback_mutex_);
    }
    std::lock_guard lock(queue_mutex_);
    queue_.clear();
    warning_ = PendingWarning{};
}

}  // namespace anidb::client
