#include "status_area.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "units.h"

namespace anidb::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kRedrawInterval = std::chrono::milliseconds(150);

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // a closed terminal: nothing more to show
        }
        text.remove_prefix(static_cast<size_t>(n));
    }
}

std::string hashing_line(const StatusSnapshot& s, size_t width, const Style& style) {
    const double rate =
        s.hashing_seconds > 0.2 ? static_cast<double>(s.bytes_done) / s.hashing_seconds : 0;
    if (s.files_total > 0 && s.files_done >= s.files_total) {
        // Done: the totals, frozen (no decaying MiB/s while AniDB is asked).
        std::string text = fmt::format("hashed {}/{} files, {} in {}", s.files_done, s.files_total,
                                       human_bytes(static_cast<double>(s.bytes_done)),
                                       human_seconds(s.hashing_seconds));
        if (rate > 0) text += fmt::format(" ({}/s)", human_bytes(rate));
        return style.paint(Tone::dim, fit_columns(text, width));
    }
    const double fraction =
        s.bytes_total == 0
            ? 0.0
            : std::min(1.0, static_cast<double>(s.bytes_done) / static_cast<double>(s.bytes_total));
    const std::string eta =
        rate > 0
            ? clock_duration(
                  static_cast<double>(s.bytes_total - std::min(s.bytes_done, s.bytes_total)) / rate)
            : "--:--";
    const std::string stats =
        fmt::format(" {:3.0f}% {}/{} {}/s ETA {} {}/{} files ", fraction * 100,
                    human_bytes(static_cast<double>(s.bytes_done)),
                    human_bytes(static_cast<double>(s.bytes_total)), human_bytes(rate), eta,
                    s.files_done, s.files_total);
    const size_t bar_width =
        width >= stats.size() + 40 ? 20 : (width >= stats.size() + 22 ? 10 : 0);
    std::string bar_plain;
    std::string bar;
    if (bar_width > 0) {
        const auto filled = static_cast<size_t>(fraction * static_cast<double>(bar_width));
        const std::string done(filled, '#');
        const std::string left(bar_width - filled, '-');
        bar_plain.append("[").append(done).append(left).append("]");
        bar.append("[").append(style.paint(Tone::accent, done)).append(left).append("]");
    }
    const size_t used = bar_plain.size() + stats.size();
    if (used > width) return fit_columns(bar_plain + stats, width);
    std::string line = bar + stats;
    if (!s.current.empty() && width > used + 1)
        line += fit_columns_from_end(s.current, width - used);
    return line;
}

std::string anidb_line(const AnidbState& a, size_t width, const Style& style) {
    std::string text = fmt::format("{}/{} done", a.done, a.total);
    if (a.queued > 0) text += fmt::format(" \xC2\xB7 {} queued", a.queued);
    switch (a.activity) {
        case AnidbState::Activity::requesting:
            // Sent (a wait for the send slot is announced as its own state).
            text += fmt::format(" \xC2\xB7 {} sent {} ago, waiting for the reply",
                                a.command.empty() ? std::string("request") : a.command,
                                human_seconds(a.activity_seconds));
            break;
        case AnidbState::Activity::waiting_for_slot:
            if (a.next_send_in >= 0) {
                text += fmt::format(
                    " \xC2\xB7 {} waiting for AniDB (2 s between requests): leaves in {}",
                    a.command.empty() ? std::string("request") : a.command,
                    human_seconds(a.next_send_in));
            } else {
                text += " \xC2\xB7 " + (a.waiting_for.empty()
                                            ? std::string("waiting for the next send slot")
                                            : a.waiting_for);
            }
            break;
        case AnidbState::Activity::idle:
            if (a.queued == 0 && a.done < a.total) text += " \xC2\xB7 waiting for hashes";
            break;
    }
    const std::string head = "AniDB ";
    if (width <= head.size()) return fit_columns(head, width);
    return style.paint(Tone::bold, "AniDB") + " " + fit_columns(text, width - head.size());
}

}  // namespace

std::vector<std::string> render_status(const StatusSnapshot& s, size_t width, const Style& style) {
    std::vector<std::string> lines;
    lines.push_back(hashing_line(s, width, style));
    if (s.anidb.shown) lines.push_back(anidb_line(s.anidb, width, style));
    return lines;
}

StatusArea::StatusArea(bool enabled, Style style)
    : enabled_(enabled), style_(style), started_(Clock::now()) {
    if (enabled_) thread_ = std::thread([this] { run(); });
}

StatusArea::~StatusArea() {
    stop();
}

void StatusArea::begin_hashing(size_t files, uint64_t bytes, size_t slots) {
    std::lock_guard lock(mutex_);
    files_total_ = files;
    bytes_total_ = bytes;
    files_done_ = 0;
    finished_bytes_ = 0;
    slot_bytes_.assign(slots, 0);
    slot_names_.assign(slots, {});
    started_ = Clock::now();
    hashing_ended_ = files == 0 ? started_ : Clock::time_point{};
    has_content_ = true;
    if (enabled_ && !stopping_) draw_locked();
}

void StatusArea::file_started(size_t slot, std::string printable_name) {
    std::lock_guard lock(mutex_);
    if (slot >= slot_names_.size()) return;
    slot_names_[slot] = std::move(printable_name);
    slot_bytes_[slot] = 0;
}

void StatusArea::file_progress(size_t slot, uint64_t bytes_done_in_file) {
    std::lock_guard lock(mutex_);
    if (slot < slot_bytes_.size()) slot_bytes_[slot] = bytes_done_in_file;
}

void StatusArea::file_finished(size_t slot, uint64_t file_size) {
    std::lock_guard lock(mutex_);
    if (slot < slot_bytes_.size()) {
        slot_bytes_[slot] = 0;
        slot_names_[slot].clear();
    }
    finished_bytes_ += file_size;
    if (++files_done_ >= files_total_) hashing_ended_ = Clock::now();
}

void StatusArea::show_anidb() {
    std::lock_guard lock(mutex_);
    anidb_.shown = true;
}

void StatusArea::anidb_file_done() {
    std::lock_guard lock(mutex_);
    ++anidb_.done;
}

void StatusArea::on_client_event(const client::Event& event) {
    std::lock_guard lock(mutex_);
    switch (event.type) {
        case client::EventType::network_start:
            anidb_.activity = AnidbState::Activity::requesting;
            anidb_.command = event.context;
            activity_since_ = Clock::now();
            ++anidb_.requests;
            break;
        case client::EventType::network_complete:
            anidb_.activity = AnidbState::Activity::idle;
            activity_since_ = Clock::now();
            break;
        case client::EventType::network_wait:
            // number: when the packet is planned to leave (Unix ms), 0 while
            // another program holds the host-wide lock or the local port.
            anidb_.activity = AnidbState::Activity::waiting_for_slot;
            anidb_.waiting_for = event.context;
            next_send_.reset();
            if (event.number != 0) {
                next_send_ = std::chrono::system_clock::time_point(
                    std::chrono::milliseconds(static_cast<int64_t>(event.number)));
            }
            activity_since_ = Clock::now();
            break;
        default:
            return;
    }
    if (enabled_ && !stopping_ && drawn_lines_ > 0) draw_locked();
}

void StatusArea::anidb_waiting(std::string reason,
                               std::optional<std::chrono::system_clock::time_point> send_at) {
    std::lock_guard lock(mutex_);
    anidb_.activity = AnidbState::Activity::waiting_for_slot;
    anidb_.waiting_for = std::move(reason);
    next_send_ = send_at;
    activity_since_ = Clock::now();
}

void StatusArea::write_above(int fd, std::string_view text) {
    std::lock_guard lock(mutex_);
    if (!enabled_ || drawn_lines_ == 0) {
        write_all(fd, text);
        return;
    }
    if (fd == STDERR_FILENO) {
        write_all(fd, clear_sequence_locked() + std::string(text));
    } else {
        write_all(STDERR_FILENO, clear_sequence_locked());
        write_all(fd, text);
    }
    drawn_lines_ = 0;
    if (!stopping_) draw_locked();
}

void StatusArea::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
        if (drawn_lines_ > 0) write_all(STDERR_FILENO, clear_sequence_locked());
        drawn_lines_ = 0;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

double StatusArea::hashing_seconds() const {
    std::lock_guard lock(mutex_);
    return snapshot_locked().hashing_seconds;
}

size_t StatusArea::anidb_requests() const {
    std::lock_guard lock(mutex_);
    return anidb_.requests;
}

void StatusArea::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (has_content_) draw_locked();
        wake_.wait_for(lock, kRedrawInterval);
    }
}

StatusSnapshot StatusArea::snapshot_locked() const {
    const auto now = Clock::now();
    StatusSnapshot s;
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
    s.hashing_seconds =
        seconds_between(started_, hashing_ended_ != Clock::time_point{} ? hashing_ended_ : now);
    s.anidb = anidb_;
    s.anidb.total = files_total_;
    s.anidb.queued = files_done_ > anidb_.done ? files_done_ - anidb_.done : 0;
    s.anidb.activity_seconds = seconds_between(activity_since_, now);
    if (anidb_.activity == AnidbState::Activity::waiting_for_slot && next_send_) {
        const double left =
            std::chrono::duration<double>(*next_send_ - std::chrono::system_clock::now()).count();
        if (left > 0) {
            s.anidb.next_send_in = left;
        } else {
            // The slot has come: the packet is out, its reply awaited.
            s.anidb.activity = AnidbState::Activity::requesting;
            s.anidb.activity_seconds = -left;
        }
    }
    return s;
}

std::string StatusArea::clear_sequence_locked() const {
    // To the start of the area's first line, then erase to the end of the screen.
    std::string s = "\r";
    for (size_t i = 1; i < drawn_lines_; ++i) s += "\x1b[A";
    s += "\x1b[J";
    return s;
}

void StatusArea::draw_locked() {
    // One column spare: a line that fills the width would wrap on some terminals.
    const size_t width = std::max<size_t>(terminal_columns(STDERR_FILENO) - 1, 10);
    const std::vector<std::string> lines = render_status(snapshot_locked(), width, style_);
    std::string frame = drawn_lines_ > 0 ? clear_sequence_locked() : std::string("\r");
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) frame += '\n';
        frame += lines[i];
    }
    write_all(STDERR_FILENO, frame);
    drawn_lines_ = lines.size();
}

}  // namespace anidb::cli
