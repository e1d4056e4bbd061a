#include "anidb/rate_limiter.h"

#include <algorithm>

namespace anidb::udp {
namespace {

int64_t scaled_ns(std::chrono::nanoseconds d, double scale) {
    return static_cast<int64_t>(static_cast<double>(d.count()) * scale);
}

// The start of the continuous run a packet sent now belongs to (0: a new one).
int64_t run_start(const HostRecord& r, int64_t now_ns, double scale) {
    if (r.last_send_ns == 0 || r.run_start_ns == 0) return 0;
    if (now_ns - r.last_send_ns >= scaled_ns(kIdleReset, scale)) return 0;
    return r.run_start_ns;
}

}  // namespace

int64_t next_send_ns(const HostRecord& r, int64_t now_ns, double scale) {
    if (r.last_send_ns == 0) return now_ns;
    const int64_t start = run_start(r, now_ns, scale);
    const bool long_run = start != 0 && now_ns - start >= scaled_ns(kLongRunAfter, scale);
    const int64_t interval = scaled_ns(long_run ? kLongInterval : kShortInterval, scale);
    return std::max(now_ns, r.last_send_ns + interval);
}

void note_send(HostRecord& r, int64_t sent_ns, double scale) {
    const int64_t start = run_start(r, sent_ns, scale);
    r.run_start_ns = start != 0 ? start : sent_ns;
    r.last_send_ns = sent_ns;
}

}  // namespace anidb::udp
