#include "queue/claim_owner.h"

#include <signal.h>
#include <sys/random.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <vector>

namespace anidb::queue {
namespace {

std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string boot_id() {
    static const std::string id = [] {
        std::string s = read_first_line("/proc/sys/kernel/random/boot_id");
        return s.empty() ? std::string("noboot") : s;
    }();
    return id;
}

struct ProcInfo {
    char state = '?';
    std::string start_time;
};

// /proc/<pid>/stat: "pid (comm) state ... starttime(22nd field) ...", where
// comm may hold spaces and parentheses: fields are counted after the last ')'.
std::optional<ProcInfo> proc_info(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const size_t close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(text.substr(close + 1));
    std::vector<std::string> fields;
    for (std::string f; rest >> f;) fields.push_back(f);
    if (fields.size() < 20 || fields[0].size() != 1) return std::nullopt;
    return ProcInfo{fields[0][0], fields[19]};  // field 3 is fields[0], field 22 fields[19]
}

std::string random_hex() {
    unsigned char bytes[8] = {};
    size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0)
            got += static_cast<size_t>(n);
        else if (errno != EINTR)
            break;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const size_t at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) return out;
        s = s.substr(at + 1);
    }
}

}  // namespace

std::string this_process_owner() {
    static std::mutex mu;
    static pid_t for_pid = 0;
    static std::string token;
    std::lock_guard lock(mu);
    const pid_t pid = ::getpid();
    if (pid != for_pid) {
        auto info = proc_info(pid);
        token = boot_id() + "/" + std::to_string(pid) + "/" + (info ? info->start_time : "0") +
                "/" + random_hex();
        for_pid = pid;
    }
    return token;
}

bool owner_alive(std::string_view token) {
    const auto parts = split(token, '/');
    if (parts.size() != 4) return false;
    long pid = 0;
    const auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), pid);
    if (ec != std::errc() || end != parts[1].data() + parts[1].size() || pid <= 0) return false;
    if (parts[0] != boot_id()) return false;  // written before a reboot
    if (pid == static_cast<long>(::getpid())) return this_process_owner() == token;
    if (auto info = proc_info(pid)) {
        if (info->state == 'Z' || info->state == 'X') return false;
        return info->start_time == parts[2];
    }
    // No /proc entry: gone, unless /proc cannot be read at all here.
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)
        return !std::ifstream("/proc/self/stat");
    return false;
}

}  // namespace anidb::queue
