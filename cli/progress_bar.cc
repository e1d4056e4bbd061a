#include "progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

namespace anidb::cli {

namespace {

size_t terminal_width() {
    winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
    return 80;
}

// Display width approximation: counts UTF-8 lead bytes.
size_t columns(const std::string& s) {
    size_t n = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::string tail_columns(const std::string& s, size_t width) {
    if (columns(s) <= width) return s;
    if (width <= 1) return std::string(width, '.');
    size_t start = s.size();
    size_t cols = 0;
    while (start > 0 && cols < width - 1) {
        --start;
        if ((static_cast<unsigned char>(s[start]) & 0xC0) != 0x80) ++cols;
    }
    return "\xE2\x80\xA6" + s.substr(start);  // …
}

std::string duration(double seconds) {
    const auto total = static_cast<long long>(seconds + 0.5);
    if (total >= 3600)
        return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
    return fmt::format("{}:{:02}", total / 60, total % 60);
}

}  // namespace

std::string human_bytes(double bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t unit = 0;
    while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
        bytes /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{:.0f} B", bytes)
                     : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

std::string render_progress_line(const ProgressSnapshot& s, size_t width) {
    const double fraction =
        s.bytes_total == 0
            ? 1.0
            : std::min(1.0, static_cast<double>(s.bytes_done) / static_cast<double>(s.bytes_total));
    const double rate =
        s.elapsed_seconds > 0.2 ? static_cast<double>(s.bytes_done) / s.elapsed_seconds : 0;
    const std::string eta =
        rate > 0
            ? duration(static_cast<double>(s.bytes_total - std::min(s.bytes_done, s.bytes_total)) /
                       rate)
            : "--:--";
    const std::string stats = fmt::format(" {:3.0f}% {}/{} {}/s ETA {} [{}/{}] ", fraction * 100,
                                          human_bytes(static_cast<double>(s.bytes_done)),
                                          human_bytes(static_cast<double>(s.bytes_total)),
                                          human_bytes(rate), eta, s.files_done, s.files_total);
    const size_t bar_width = width >= stats.size() + 30 ? 20 : (width > stats.size() + 12 ? 10 : 0);
    std::string line;
    if (bar_width > 0) {
        const auto filled = static_cast<size_t>(fraction * static_cast<double>(bar_width));
        line = "[" + std::string(filled, '#') + std::string(bar_width - filled, '-') + "]";
    }
    line += stats;
    const size_t used = columns(line);
    if (used < width && !s.current.empty()) line += tail_columns(s.current, width - used - 1);
    if (columns(line) > width) line = tail_columns(line, width);
    return line;
}

ProgressBar::ProgressBar(bool enabled, uint64_t bytes_total, size_t files_total, size_t slots)
    : enabled_(enabled),
      bytes_total_(bytes_total),
      files_total_(files_total),
      slot_bytes_(slots, 0),
      slot_names_(slots),
      started_(std::chrono::steady_clock::now()) {
    if (enabled_) thread_ = std::thread([this] { run(); });
}

ProgressBar::~ProgressBar() {
    stop();
}

void ProgressBar::start_file(size_t slot, const std::string& name) {
    std::lock_guard lock(mutex_);
    slot_names_[slot] = name;
    slot_bytes_[slot] = 0;
}

void ProgressBar::file_progress(size_t slot, uint64_t bytes_done_in_file) {
    std::lock_guard lock(mutex_);
    slot_bytes_[slot] = bytes_done_in_file;
}

void ProgressBar::finish_file(size_t slot, uint64_t file_size) {
    std::lock_guard lock(mutex_);
    slot_bytes_[slot] = 0;
    slot_names_[slot].clear();
    finished_bytes_ += file_size;
    ++files_done_;
}

void ProgressBar::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
        clear_line_locked();
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ProgressBar::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        draw_locked();
        wake_.wait_for(lock, std::chrono::milliseconds(200));
    }
}

void ProgressBar::draw_locked() {
    ProgressSnapshot s;
    s.bytes_total = bytes_total_;
    s.files_total = files_total_;
    s.files_done = files_done_;
    s.bytes_done = finished_bytes_;
    for (uint64_t b : slot_bytes_) s.bytes_done += b;
    for (const std::string& name : slot_names_) {
        if (!name.empty()) {
            s.current = name;
            break;
        }
    }
    s.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const std::string line = render_progress_line(s, terminal_width() - 1);
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
}

void ProgressBar::clear_line_locked() {
    if (!drawn_) return;
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
}

}  // namespace anidb::cli
