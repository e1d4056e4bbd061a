#include "console.h"

#include <unistd.h>

#include <cerrno>

namespace anidb::cli {

namespace {

// Output to a file or pipe is written in blocks of about this size.
constexpr size_t kBlockSize = size_t{64} * 1024;

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        text.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

Console::Console(const EnvGetter& env)
    : stdout_terminal_(is_terminal(STDOUT_FILENO)),
      stderr_terminal_(is_terminal(STDERR_FILENO)),
      out_style_(colour_wanted(STDOUT_FILENO, env)),
      err_style_(colour_wanted(STDERR_FILENO, env)),
      buffer_(*this),
      out_(&buffer_) {}

Console::~Console() {
    finish();
}

void Console::message(std::string_view text) {
    std::string line(text);
    if (line.empty() || line.back() != '\n') line += '\n';
    std::lock_guard lock(status_mutex_);
    if (status_) {
        status_->write_above(STDERR_FILENO, line);
    } else {
        write_all(STDERR_FILENO, line);
    }
}

StatusArea& Console::begin_status(bool wanted) {
    std::lock_guard lock(status_mutex_);
    status_ = std::make_unique<StatusArea>(wanted && stderr_terminal_, err_style_);
    return *status_;
}

void Console::end_status() {
    buffer_.commit(false);
    std::unique_ptr<StatusArea> ended;
    {
        std::lock_guard lock(status_mutex_);
        ended = std::move(status_);
    }
    if (ended) ended->stop();
}

void Console::finish() {
    end_status();
    buffer_.commit(true);
}

void Console::write_out(std::string_view text) {
    if (text.empty()) return;
    std::lock_guard lock(status_mutex_);
    if (status_ && stdout_terminal_) {
        status_->write_above(STDOUT_FILENO, text);
    } else {
        write_all(STDOUT_FILENO, text);
    }
}

void Console::Buffer::commit(bool everything) {
    if (pending_.empty()) return;
    size_t end = pending_.size();
    if (!everything) {
        // Whole lines only: the status area is drawn after the last one.
        const size_t newline = pending_.rfind('\n');
        if (newline == std::string::npos) return;
        end = newline + 1;
    }
    console_.write_out(std::string_view(pending_).substr(0, end));
    pending_.erase(0, end);
}

int Console::Buffer::overflow(int ch) {
    if (ch != traits_type::eof()) pending_ += static_cast<char>(ch);
    if (pending_.size() >= kBlockSize) commit(!console_.stdout_terminal_);
    return traits_type::not_eof(ch);
}

std::streamsize Console::Buffer::xsputn(const char* s, std::streamsize n) {
    pending_.append(s, static_cast<size_t>(n));
    if (pending_.size() >= kBlockSize) commit(!console_.stdout_terminal_);
    return n;
}

int Console::Buffer::sync() {
    // The end of a record: on a terminal the user wants to see it now.
    if (console_.stdout_terminal_) commit(false);
    return 0;
}

}  // namespace anidb::cli
