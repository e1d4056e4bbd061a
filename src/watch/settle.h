// When a file is complete: the watcher takes a file only after it has not
// changed for the settle time and no process holds it open for writing.
//
// "Not changed" is judged on what the watcher sees: every inotify event
// about the file (a write, a close, a rename into the folder) and every
// stat() whose size or mtime differs from the last one restarts the
// file's clock. When the clock has run the settle time the watcher stats
// the file once more and asks writer_check.h whether a writer still holds
// it; only a file whose size and mtime are still those of the last
// observation and that no one writes is settled. A writer that keeps the
// file open without writing (a download client paused mid-file) holds it
// back, and so does one that writes more slowly than the settle time only
// until it closes the file (IN_CLOSE_WRITE) or stops writing.
//
// Pure bookkeeping, no I/O: the caller feeds observations and times.
// Not thread-safe (one watcher loop owns it).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace anidb::watch {

using Clock = std::chrono::steady_clock;

struct Observation {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const Observation&) const = default;
};

class SettleTracker {
  public:
    explicit SettleTracker(std::chrono::milliseconds settle) : settle_(settle) {}

    // A stat() of `path`: a new file, or one whose size or mtime changed,
    // starts (again) its settle time at `now`.
    void observe(const std::string& path, const Observation& seen, Clock::time_point now);
    // An event that says the file was written (its stat may not show it yet:
    // coarse mtimes): restarts the settle time of a tracked file.
    void touched(const std::string& path, Clock::time_point now);
    // The file is gone or no longer of interest.
    void forget(const std::string& path);

    // Files whose settle time has run by `now`: stat them again and call
    // confirm() for each.
    std::vector<std::string> due(Clock::time_point now) const;
    // The earliest time a tracked file becomes due; nothing when none is tracked.
    std::optional<Clock::time_point> next_deadline() const;

    enum class Verdict {
        settled,        // unchanged for the settle time and no writer: take it (forgotten here)
        changed,        // size or mtime moved: its settle time starts again
        being_written,  // a process holds it open for writing: wait another settle time
        not_yet,        // its settle time has not run (a later event restarted it)
    };
    Verdict confirm(const std::string& path, const Observation& now_seen, bool open_for_writing,
                    Clock::time_point now);

    bool tracking(const std::string& path) const { return files_.count(path) != 0; }
    size_t size() const { return files_.size(); }
    std::chrono::milliseconds settle() const { return settle_; }

  private:
    struct Entry {
        Observation last;
        Clock::time_point changed_at;
    };
    std::chrono::milliseconds settle_;
    std::unordered_map<std::string, Entry> files_;
};

}  // namespace anidb::watch
