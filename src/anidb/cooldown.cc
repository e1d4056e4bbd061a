#include "anidb/cooldown.h"

#include <algorithm>
#include <ctime>
#include <string>

#include "anidb/server_text.h"

namespace anidb::udp {
namespace {

using SysClock = std::chrono::system_clock;

std::chrono::milliseconds scaled(std::chrono::milliseconds d, double scale) {
    return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(d.count()) * scale));
}

}  // namespace

std::optional<Cooldown> active_cooldown(const HostRecord& r, SysClock::time_point now) {
    if (r.ban.code != Errc::ok && r.ban.until > now) return r.ban;
    if (r.silence.code != Errc::ok && r.silence.until > now) return r.silence;
    return std::nullopt;
}

Cooldown record_cooldown(HostRecord& r, Errc code, std::chrono::milliseconds length,
                         std::string_view reason) {
    Cooldown c{code, SysClock::now() + length, safe_text(reason)};
    if (r.ban.code == Errc::ok || r.ban.until < c.until) r.ban = c;
    return r.ban.until > c.until ? r.ban : c;
}

Cooldown record_no_answer(HostRecord& r, std::string_view what, double scale) {
    const size_t step =
        std::min<size_t>(static_cast<size_t>(r.silent_count), kNoAnswerBackoff.size() - 1);
    r.silent_count = std::min(r.silent_count + 1, 64);
    r.silence = Cooldown{Errc::timeout, SysClock::now() + scaled(kNoAnswerBackoff[step], scale),
                         safe_text(what)};
    return r.silence;
}

void record_answer(HostRecord& r) {
    r.silent_count = 0;
    r.silence = Cooldown{};
}

Error cooldown_error(const Cooldown& c) {
    std::time_t t = SysClock::to_time_t(c.until);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[40];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    std::string msg;
    switch (c.code) {
        case Errc::out_of_service:
            msg = "AniDB is out of service";
            break;
        case Errc::timeout:
            msg = "AniDB did not answer";
            break;
        default:
            msg = "AniDB banned this client";
            break;
    }
    if (!c.reason.empty()) msg += " (" + safe_text(c.reason) + ")";
    msg += "; not sending to AniDB before ";
    msg += when;
    return make_error(c.code == Errc::ok ? Errc::banned : c.code, msg);
}

}  // namespace anidb::udp
