#include "cancellation.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace anidb::cli {

namespace {

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR2);  // internal: wakes the watcher to end it
    return set;
}

}  // namespace

Cancellation::Cancellation() {
    const sigset_t set = watched_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    watcher_ = std::thread([this] { watch(); });
}

Cancellation::~Cancellation() {
    pthread_kill(watcher_.native_handle(), SIGUSR2);
    watcher_.join();
}

void Cancellation::on_interrupt(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    on_interrupt_ = std::move(fn);
}

void Cancellation::set_message_printer(std::function<void(const std::string&)> print) {
    std::lock_guard lock(mutex_);
    print_ = std::move(print);
}

void Cancellation::watch() {
    const sigset_t set = watched_signals();
    while (true) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (sig == SIGUSR2) return;
        if (interrupted_.exchange(true)) {
            static constexpr char kMsg[] = "\nanidb: interrupted again, exiting now\n";
            (void)!::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
            ::_exit(130);
        }
        std::function<void()> fn;
        std::function<void(const std::string&)> print;
        {
            std::lock_guard lock(mutex_);
            fn = on_interrupt_;
            print = print_;
        }
        if (print) {
            print("anidb: interrupted, stopping (press Ctrl-C again to quit now)\n");
        } else {
            static constexpr char kMsg[] =
                "\nanidb: interrupted, stopping (press Ctrl-C again to quit now)\n";
            (void)!::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
        }
        source_.request_stop();
        if (fn) fn();
    }
}

}  // namespace anidb::cli
