#include "cache/transaction.h"

#include <algorithm>
#include <random>
#include <thread>

namespace anidb::cache::sql {

Backoff::Backoff() : deadline_(std::chrono::steady_clock::now() + kLockDeadline) {}

bool Backoff::wait() {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) return false;
    // Jitter keeps two processes that collided from retrying in lock-step.
    thread_local std::minstd_rand jitter(std::random_device{}());
    const unsigned base_us = 1000U << std::min(attempt_, 6U);
    ++attempt_;
    const auto pause = std::chrono::microseconds(base_us / 2 + jitter() % base_us);
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(pause, deadline_ - now));
    return true;
}

}  // namespace anidb::cache::sql
