// The live status area: a few lines at the bottom of the terminal, on
// stderr, redrawn in place while a command runs. Line one is the hashing
// (bar, bytes, MiB/s, ETA, files done/total, a file being read; once every
// file is hashed, the frozen totals), line two, for commands that ask
// AniDB, the AniDB queue (answered, queued, the request in flight or the
// wait for the next send slot). Result lines are written ABOVE it
// (write_above), so they never mix with it; it is erased for good by
// stop(). It is fed by progress calls from the hashing engine and by the
// client's events (network start/complete), not by the engine's insides,
// so any engine can drive it. Drawn only when enabled (stderr is a
// terminal and --quiet is off); every method is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "client/events.h"
#include "terminal.h"

namespace anidb::cli {

// What the AniDB line shows.
struct AnidbState {
    enum class Activity { idle, requesting, waiting_for_slot };
    bool shown = false;  // the command asks AniDB
    Activity activity = Activity::idle;
    std::string command;          // of the request in flight ("FILE")
    double activity_seconds = 0;  // how long the activity has lasted
    double next_send_in = -1;     // seconds until the next packet may leave; < 0: unknown
    std::string waiting_for;      // waiting_for_slot without a time: what it waits for
    size_t queued = 0;            // files hashed, waiting for their answer
    size_t done = 0;              // files answered (by AniDB or the cache) or given up
    size_t total = 0;             // files of the run
    size_t requests = 0;          // requests sent this run
};

struct StatusSnapshot {
    uint64_t bytes_done = 0;
    uint64_t bytes_total = 0;
    size_t files_done = 0;
    size_t files_total = 0;
    double hashing_seconds = 0;  // stops growing once every file is hashed
    std::string current;         // printable name of a file being read
    AnidbState anidb;
};

// The area's lines, each at most `width` columns (pure).
std::vector<std::string> render_status(const StatusSnapshot& s, size_t width, const Style& style);

class StatusArea {
  public:
    StatusArea(bool enabled, Style style);
    ~StatusArea();
    StatusArea(const StatusArea&) = delete;
    StatusArea& operator=(const StatusArea&) = delete;

    bool enabled() const { return enabled_; }

    // Hashing.
    void begin_hashing(size_t files, uint64_t bytes, size_t slots);
    void file_started(size_t slot, std::string printable_name);
    void file_progress(size_t slot, uint64_t bytes_done_in_file);
    void file_finished(size_t slot, uint64_t file_size);

    // AniDB: the command announces that it asks AniDB about the files it
    // hashes, and each file it is done with (answered, or given up); files
    // hashed but not yet done are the queue. The client's events say what
    // the AniDB session is doing.
    void show_anidb();
    void anidb_file_done();
    void on_client_event(const client::Event& event);
    // The next packet waits: until `send_at` for its rate-limit slot, or
    // (no time) for what `reason` says, e.g. another program's exchange.
    void anidb_waiting(std::string reason,
                       std::optional<std::chrono::system_clock::time_point> send_at);

    // Writes `text` to `fd` (1 or 2) with the area out of the way, then
    // draws the area again below it.
    void write_above(int fd, std::string_view text);
    // Erases the area; it is not drawn again.
    void stop();

    // Totals for the summary line.
    double hashing_seconds() const;
    size_t anidb_requests() const;

  private:
    void run();
    StatusSnapshot snapshot_locked() const;
    void draw_locked();
    std::string clear_sequence_locked() const;

    const bool enabled_;
    const Style style_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<uint64_t> slot_bytes_;
    std::vector<std::string> slot_names_;
    uint64_t bytes_total_ = 0;
    uint64_t finished_bytes_ = 0;
    size_t files_total_ = 0;
    size_t files_done_ = 0;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point hashing_ended_{};
    AnidbState anidb_;
    std::chrono::steady_clock::time_point activity_since_{};
    std::optional<std::chrono::system_clock::time_point> next_send_;
    size_t drawn_lines_ = 0;
    bool has_content_ = false;  // hashing began or AniDB shown: something to draw
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace anidb::cli
