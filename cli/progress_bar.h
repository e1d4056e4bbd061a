// One progress bar for a whole run, by bytes: percentage, throughput, ETA
// and the file being read. Drawn on stderr from a timer thread, only when
// enabled (stderr is a TTY and --quiet is off); results never go there.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace anidb::cli {

struct ProgressSnapshot {
    uint64_t bytes_done = 0;
    uint64_t bytes_total = 0;
    size_t files_done = 0;
    size_t files_total = 0;
    double elapsed_seconds = 0;
    std::string current;  // printable name of a file being read
};

// One line, at most `width` columns (pure; the name is shortened from the
// left to fit).
std::string render_progress_line(const ProgressSnapshot& s, size_t width);
// "1.5 GiB", "512 B".
std::string human_bytes(double bytes);

// Thread-safe: slots are updated by worker threads.
class ProgressBar {
  public:
    ProgressBar(bool enabled, uint64_t bytes_total, size_t files_total, size_t slots);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    bool enabled() const { return enabled_; }
    void start_file(size_t slot, const std::string& name);
    void file_progress(size_t slot, uint64_t bytes_done_in_file);
    void finish_file(size_t slot, uint64_t file_size);
    // Clears the line; the bar is not drawn again.
    void stop();
    // Clears the line while `fn` writes a message to stderr.
    template <typename Fn>
    void print_above(Fn&& fn) {
        std::lock_guard lock(mutex_);
        clear_line_locked();
        fn();
    }

  private:
    void run();
    void draw_locked();
    void clear_line_locked();

    const bool enabled_;
    const uint64_t bytes_total_;
    const size_t files_total_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<uint64_t> slot_bytes_;
    std::vector<std::string> slot_names_;
    uint64_t finished_bytes_ = 0;
    size_t files_done_ = 0;
    bool stopping_ = false;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point started_;
    std::thread thread_;
};

}  // namespace anidb::cli
