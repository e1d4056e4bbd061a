#include "watch/settle.h"

namespace anidb::watch {

void SettleTracker::observe(const std::string& path, const Observation& seen,
                            Clock::time_point now) {
    auto [it, added] = files_.try_emplace(path, Entry{seen, now});
    if (!added && !(it->second.last == seen)) {
        it->second.last = seen;
        it->second.changed_at = now;
    }
}

void SettleTracker::touched(const std::string& path, Clock::time_point now) {
    if (auto it = files_.find(path); it != files_.end()) it->second.changed_at = now;
}

void SettleTracker::forget(const std::string& path) {
    files_.erase(path);
}

std::vector<std::string> SettleTracker::due(Clock::time_point now) const {
    std::vector<std::string> out;
    for (const auto& [path, entry] : files_) {
        if (entry.changed_at + settle_ <= now) out.push_back(path);
    }
    return out;
}

std::optional<Clock::time_point> SettleTracker::next_deadline() const {
    std::optional<Clock::time_point> first;
    for (const auto& [path, entry] : files_) {
        const Clock::time_point at = entry.changed_at + settle_;
        if (!first || at < *first) first = at;
    }
    return first;
}

SettleTracker::Verdict SettleTracker::confirm(const std::string& path, const Observation& now_seen,
                                              bool open_for_writing, Clock::time_point now) {
    auto it = files_.find(path);
    if (it == files_.end()) {
        files_.emplace(path, Entry{now_seen, now});
        return Verdict::changed;
    }
    Entry& entry = it->second;
    if (!(entry.last == now_seen)) {
        entry.last = now_seen;
        entry.changed_at = now;
        return Verdict::changed;
    }
    if (entry.changed_at + settle_ > now) return Verdict::not_yet;
    if (open_for_writing) {
        entry.changed_at = now;
        return Verdict::being_written;
    }
    files_.erase(it);
    return Verdict::settled;
}

}  // namespace anidb::watch
