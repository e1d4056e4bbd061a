#include "client/events.h"

#include <algorithm>
#include <chrono>
#include <optional>

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

size_t Event::footprint() const {
    return sizeof(Event) + subject.capacity() + value.capacity() + context.capacity();
}

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
    // evicted); one charge each when the whole does not fit.
    std::array<memory::Charge, kMaxEnqueuedAtOnce> charges;
    uint64_t total = 0;
    for (const auto& e : events) total += e.footprint();
    memory::Charge all = memory::Charge::take(total);
    for (size_t i = 0; i < events.size(); ++i) {
        charges[i] = all.ok() ? all.split(events[i].footprint())
                              : memory::Charge::take(events[i].footprint());
    }
    // Evicted events and unused charges are released after unlocking.
    std::array<std::optional<std::pair<Event, memory::Charge>>, kMaxEnqueuedAtOnce> evicted;
    std::lock_guard lock(queue_mutex_);
    if (closed_) return;
    for (size_t i = 0; i < events.size(); ++i) {
        if (!charges[i].ok()) {
            ++dropped_;  // no memory for this one: losing it is the bounded behaviour
            continue;
        }
        evicted[i] = queue_.push({std::move(events[i]), std::move(charges[i])});
        if (evicted[i]) ++dropped_;
    }
}

std::vector<Event> EventHub::poll(size_t max) {
    std::vector<Event> out;
    std::lock_guard lock(queue_mutex_);
    if (max == 0) return out;
    if (dropped_ > 0) {
        Event d = Event::now(EventType::events_dropped);
        d.number = dropped_;
        d.context = std::to_string(dropped_) + " events dropped: the queue was full";
        dropped_ = 0;
        out.push_back(std::move(d));
    }
    while (out.size() < max && !queue_.empty()) out.push_back(queue_.pop().first);
    return out;
}

size_t EventHub::queued() const {
    std::lock_guard lock(queue_mutex_);
    return queue_.size();
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
}

}  // namespace anidb::client
