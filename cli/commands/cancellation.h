// Ctrl-C / SIGTERM handling. The signals are blocked in every thread (the
// constructor must run before any thread starts) and a watcher thread waits
// for them: the first one requests a stop (running files are cancelled
// through the stop token, the run winds down, the session is logged out);
// a second one exits at once with 130.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace anidb::cli {

class Cancellation {
  public:
    Cancellation();
    ~Cancellation();
    Cancellation(const Cancellation&) = delete;
    Cancellation& operator=(const Cancellation&) = delete;

    std::stop_token token() const { return source_.get_token(); }
    bool interrupted() const { return interrupted_.load(); }
    // Called on the watcher thread at the first signal (e.g. to shut a
    // client down so blocking network calls return). Replaces an earlier one.
    void on_interrupt(std::function<void()> fn);
    // How the watcher prints its "interrupted" message (default: straight
    // to stderr); the console sets one that writes above the status area.
    void set_message_printer(std::function<void(const std::string&)> print);

  private:
    void watch();

    std::stop_source source_;
    std::atomic<bool> interrupted_{false};
    std::mutex mutex_;
    std::function<void()> on_interrupt_;
    std::function<void(const std::string&)> print_;
    std::thread watcher_;
};

}  // namespace anidb::cli
