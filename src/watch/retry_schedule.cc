#include "watch/retry_schedule.h"

#include <algorithm>
#include <cmath>

#include "queue/retry_policy.h"

namespace anidb::watch {
namespace {

template <typename Schedule>
std::chrono::seconds step_of(const Schedule& schedule, int attempts) {
    const size_t i = std::min(static_cast<size_t>(std::max(attempts, 0)), schedule.size() - 1);
    return schedule[i];
}

int64_t later(int64_t now, std::chrono::seconds wait, double scale) {
    const double secs = std::ceil(static_cast<double>(wait.count()) * scale);
    return now + static_cast<int64_t>(std::max(0.0, secs));
}

}  // namespace

RetryDecision retry_after(Errc code, int attempts, int64_t now, double scale,
                          std::optional<int64_t> cooldown_until) {
    using namespace std::chrono;
    using A = RetryDecision::Action;
    switch (code) {
        case Errc::cancelled:
            return {A::stop, 0, true};
        case Errc::no_such_file:
            if (static_cast<size_t>(attempts) >= queue::kUnknownFileBackoff.size())
                return {A::fail, 0, false};
            return {A::retry, later(now, step_of(queue::kUnknownFileBackoff, attempts), scale),
                    false};
        case Errc::banned:
        case Errc::out_of_service:
            if (cooldown_until && *cooldown_until > now) return {A::retry, *cooldown_until, true};
            return {A::retry, later(now, queue::kDefaultCooldownWait, scale), true};
        case Errc::timeout:
        case Errc::network:
            return {A::retry, later(now, step_of(queue::kNoAnswerBackoff, attempts), scale), true};
        case Errc::server_busy:
            return {A::retry, later(now, step_of(queue::kBusyBackoff, attempts), scale), true};
        case Errc::no_credentials:
        case Errc::login_failed:
            return {A::retry, later(now, queue::kDefaultCooldownWait, scale), true};
        case Errc::client_rejected:
            return {A::retry, later(now, queue::kClientRejectedWait, scale), true};
        case Errc::busy:
        case Errc::cache:
        case Errc::io:
        case Errc::out_of_memory:
            return {A::retry, later(now, queue::kLocalErrorWait, scale), false};
        case Errc::server_error:
            if (attempts + 1 >= queue::kMaxServerErrors) return {A::fail, 0, false};
            return {A::retry, later(now, step_of(queue::kServerErrorBackoff, attempts), scale),
                    false};
        default:
            return {A::fail, 0, false};
    }
}

Errc error_of(queue::WaitReason reason) {
    using R = queue::WaitReason;
    switch (reason) {
        case R::cooldown:
            return Errc::banned;
        case R::no_answer:
            return Errc::timeout;
        case R::server_busy:
            return Errc::server_busy;
        case R::no_credentials:
            return Errc::no_credentials;
        case R::unknown_file:
            return Errc::no_such_file;
        case R::server_error:
            return Errc::server_error;
        case R::client_rejected:
            return Errc::client_rejected;
        case R::none:
        case R::interrupted:
        case R::local_error:
            break;
    }
    return Errc::busy;
}

}  // namespace anidb::watch
