#include "anidb/cooldown.h"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace anidb::udp {
namespace {

std::mutex g_mu;
// This process, per state directory (the empty path: no state file).
std::map<std::filesystem::path, Cooldown> g_cooldowns;

std::filesystem::path file_of(const std::filesystem::path& dir) {
    return dir / "udp-cooldown";
}

int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::optional<Cooldown> read_file(const std::filesystem::path& dir) {
    std::ifstream in(file_of(dir));
    std::string kind;
    long long until = 0;
    if (!(in >> kind >> until)) return std::nullopt;
    std::string reason;
    std::getline(in, reason);
    if (!reason.empty() && reason.front() == ' ') reason.erase(0, 1);
    Cooldown c;
    c.code = kind == "out_of_service" ? Errc::out_of_service : Errc::banned;
    c.until = std::chrono::system_clock::time_point(std::chrono::milliseconds(until));
    c.reason = reason;
    return c;
}

}  // namespace

std::optional<Cooldown> active_cooldown(const std::filesystem::path& state_dir) {
    std::lock_guard lock(g_mu);
    auto now = std::chrono::system_clock::now();
    std::optional<Cooldown> best;
    auto mem = g_cooldowns.find(state_dir);
    if (mem != g_cooldowns.end() && mem->second.until > now) best = mem->second;
    if (!state_dir.empty()) {
        auto f = read_file(state_dir);
        if (f && f->until > now && (!best || f->until > best->until)) best = f;
    }
    return best;
}

void record_cooldown(const std::filesystem::path& state_dir, Errc code,
                     std::chrono::milliseconds length, const std::string& reason) {
    std::lock_guard lock(g_mu);
    Cooldown c{code, std::chrono::system_clock::now() + length, reason};
    for (char& ch : c.reason)
        if (ch == '\n' || ch == '\r') ch = ' ';
    auto mem = g_cooldowns.find(state_dir);
    if (mem == g_cooldowns.end() || mem->second.until < c.until) g_cooldowns[state_dir] = c;
    if (state_dir.empty()) return;
    auto existing = read_file(state_dir);
    if (existing && existing->until > c.until) return;
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    // Write a temporary file and rename it, so readers never see half a line.
    auto tmp = file_of(state_dir);
    tmp += ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << (code == Errc::out_of_service ? "out_of_service" : "banned") << ' ' << to_ms(c.until)
            << ' ' << c.reason << '\n';
    }
    std::filesystem::rename(tmp, file_of(state_dir), ec);
}

Error cooldown_error(const Cooldown& c) {
    std::time_t t = std::chrono::system_clock::to_time_t(c.until);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[40];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    std::ostringstream msg;
    msg << (c.code == Errc::out_of_service ? "AniDB is out of service"
                                           : "AniDB banned this client");
    if (!c.reason.empty()) msg << " (" << c.reason << ")";
    msg << "; not sending to AniDB before " << when;
    return make_error(c.code, msg.str());
}

}  // namespace anidb::udp
