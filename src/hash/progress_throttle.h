// What both file engines put in front of FileHashOptions::progress: at most
// one call per kProgressInterval, none when nothing changed since the last
// one, always the final one; and a callback's exception turned into an
// error instead of escaping into the engine.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/result.h"

namespace anidb::hash {

inline constexpr auto kProgressInterval = std::chrono::milliseconds(50);

class ProgressThrottle {
  public:
    // True when a call reporting `done` is due now; it is then counted as made.
    bool due(uint64_t done, bool final) {
        const auto now = std::chrono::steady_clock::now();
        if (!final && (done == reported_ || now - last_ < kProgressInterval)) return false;
        reported_ = done;
        last_ = now;
        return true;
    }

  private:
    uint64_t reported_ = UINT64_MAX;
    std::chrono::steady_clock::time_point last_{};
};

// Calls `progress`; Errc::unknown when it throws.
inline Status call_progress(const std::function<void(uint64_t, uint64_t)>& progress, uint64_t done,
                            uint64_t total) {
    try {
        progress(done, total);
        return {};
    } catch (...) {
        return make_error(Errc::unknown, "the progress callback threw an exception");
    }
}

}  // namespace anidb::hash
