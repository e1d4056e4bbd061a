#include "queue/retry_policy.h"

#include <algorithm>

namespace anidb::queue {
namespace {

template <size_t N>
int64_t step(const std::array<std::chrono::seconds, N>& steps, int attempts) {
    const size_t i = std::min(static_cast<size_t>(std::max(attempts, 0)), N - 1);
    return steps[i].count();
}

Disposition wait(WaitReason reason, int64_t at, bool stop) {
    return {Disposition::Action::reschedule, reason, at, stop};
}

}  // namespace

Disposition dispose(const Job& job, const JobResult& result, int64_t now) {
    using A = Disposition::Action;
    const int tried = job.attempts;
    const auto later = [&](int64_t seconds) {
        return std::max(now, result.retry_at.value_or(now + seconds));
    };
    switch (result.status.code()) {
        case Errc::ok:
            return {A::complete, WaitReason::none, 0, false};
        case Errc::cancelled:
            return {A::release, WaitReason::none, 0, true};
        case Errc::banned:
        case Errc::out_of_service:
            return wait(WaitReason::cooldown,
                        later(std::chrono::seconds(kDefaultCooldownWait).count()), true);
        case Errc::timeout:
        case Errc::network:
            return wait(WaitReason::no_answer, later(step(kNoAnswerBackoff, tried)), true);
        case Errc::server_busy:
            return wait(WaitReason::server_busy, now + step(kBusyBackoff, tried), true);
        case Errc::no_credentials:
        case Errc::login_failed:
            return wait(WaitReason::no_credentials, now, true);
        case Errc::client_rejected:
            return wait(WaitReason::client_rejected,
                        now + std::chrono::seconds(kClientRejectedWait).count(), true);
        case Errc::busy:
        case Errc::cache:
        case Errc::io:
        case Errc::out_of_memory:
            return wait(WaitReason::local_error,
                        now + std::chrono::seconds(kLocalErrorWait).count(), true);
        case Errc::server_error:
            if (tried + 1 >= kMaxServerErrors) return {A::fail, WaitReason::none, 0, false};
            return wait(WaitReason::server_error, now + step(kServerErrorBackoff, tried), false);
        case Errc::no_such_file:
            if (std::holds_alternative<RemoveJob>(job.spec))
                return {A::complete, WaitReason::none, 0, false};
            if (std::holds_alternative<EditJob>(job.spec))
                return {A::fail, WaitReason::none, 0, false};
            if (static_cast<size_t>(tried) + 1 > kUnknownFileBackoff.size())
                return {A::fail, WaitReason::none, 0, false};
            return wait(WaitReason::unknown_file, now + step(kUnknownFileBackoff, tried), false);
        default:
            return {A::fail, WaitReason::none, 0, false};
    }
}

}  // namespace anidb::queue
