#include "anidb/host_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "anidb/server_text.h"

namespace anidb::udp {
namespace {

namespace fs = std::filesystem;
using Clock = StopWait::Clock;

constexpr std::string_view kMagic = "anidb-host-state 1";
constexpr const char* kStateFile = "state";
constexpr const char* kTurnFile = "turn";
constexpr size_t kMaxStateBytes = 4096;
constexpr std::chrono::milliseconds kLockPollSlice{50};

const std::string& boot_id() {
    static const std::string id = [] {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string s;
        in >> s;
        return s.size() == 36 && s.find_first_not_of("0123456789abcdef-") == std::string::npos
                   ? s
                   : std::string("unknown");
    }();
    return id;
}

int64_t to_unix_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_unix_ms(int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

const char* code_word(Errc code) {
    switch (code) {
        case Errc::banned:
            return "banned";
        case Errc::out_of_service:
            return "out_of_service";
        case Errc::timeout:
            return "no_answer";
        default:
            return "none";
    }
}

std::optional<Errc> code_of(std::string_view word) {
    if (word == "banned") return Errc::banned;
    if (word == "out_of_service") return Errc::out_of_service;
    if (word == "no_answer") return Errc::timeout;
    if (word == "none") return Errc::ok;
    return std::nullopt;
}

uint32_t checksum(std::string_view text) {
    return static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
}

// Splits off the next space-separated word of `line`.
std::string_view word(std::string_view& line) {
    const size_t sp = line.find(' ');
    std::string_view w = line.substr(0, sp);
    line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    return w;
}

bool number(std::string_view text, int64_t& out) {
    if (text.empty() || text.size() > 19) return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size() && out >= 0;
}

// "<word> <until_ms> <reason>" with the given kinds allowed.
bool parse_cooldown(std::string_view rest, Cooldown& c, std::initializer_list<Errc> allowed) {
    const auto code = code_of(word(rest));
    int64_t until = 0;
    if (!code || !number(word(rest), until)) return false;
    bool ok = *code == Errc::ok;
    for (Errc a : allowed) ok = ok || a == *code;
    if (!ok) return false;
    c.code = *code;
    c.until = from_unix_ms(until);
    c.reason = safe_text(rest);
    // Nobody writes a longer wait: cut what a hostile or broken writer asks.
    const auto cap = std::chrono::system_clock::now() + kMaxStoredWait;
    if (c.until > cap) c.until = cap;
    if (c.code == Errc::ok) c = Cooldown{};
    return true;
}

Error place_error(const fs::path& dir, const std::string& why) {
    return make_error(Errc::io, "cannot use the host-wide AniDB state in " + dir.string() + ": " +
                                    why + " (every AniDB program of this machine shares it; " +
                                    kHostStateDirEnv + " names another folder)");
}

// The place's directory, opened without following a symbolic link; created
// (01777 for the shared default, 0700 otherwise) when missing.
Result<int> open_directory(const fs::path& dir, bool create) {
    const bool shared = dir == fs::path(kDefaultHostStateDir);
    for (int attempt = 0; attempt < 3; ++attempt) {
        const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) return fd;
        const int err = errno;
        if (err == ELOOP || err == ENOTDIR)
            return place_error(dir, "it is a symbolic link or not a directory");
        if (err != ENOENT || !create) return place_error(dir, std::strerror(err));
        if (!shared) {
            std::error_code ec;  // a test or sandbox folder: its parents are made too
            fs::create_directories(dir.parent_path(), ec);
        }
        const mode_t mode = shared ? 01777 : 0700;
        if (::mkdir(dir.c_str(), mode) == 0) {
            // mkdir's mode went through the umask; set it exactly.
            const int made = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (made >= 0) {
                (void)::fchmod(made, mode);
                return made;
            }
        } else if (errno != EEXIST) {
            return place_error(dir, std::string("cannot create it: ") + std::strerror(errno));
        }
    }
    return place_error(dir, "it keeps changing");
}

// A file of the place (`name` in `dirfd`), opened read-write (created when
// missing) without following links; must be a regular file with one link.
Result<int> open_place_file(const fs::path& dir, int dirfd, const char* name, bool create) {
    struct stat ds {};
    if (::fstat(dirfd, &ds) != 0) return place_error(dir, std::strerror(errno));
    const uid_t me = ::geteuid();
    if (ds.st_uid != me && ds.st_uid != 0 && (ds.st_mode & S_ISVTX) == 0)
        return place_error(dir, "it belongs to another user and is not a shared (sticky) folder");
    const bool shared = (ds.st_mode & S_ISVTX) != 0 && (ds.st_mode & S_IWOTH) != 0;
    const mode_t mode = shared ? 0666 : 0600;
    const int access = create ? O_RDWR : O_RDONLY;
    int fd = -1;
    if (create) {
        fd = ::openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0) (void)::fchmod(fd, mode);  // the umask filtered O_CREAT's mode
    }
    if (fd < 0 && (!create || errno == EEXIST))
        fd = ::openat(dirfd, name, access | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        const fs::path file = dir / name;
        if (err == ELOOP) return place_error(dir, file.string() + " is a symbolic link");
        return place_error(dir, file.string() + ": " + std::strerror(err));
    }
    struct stat fst {};
    if (::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) || fst.st_nlink != 1) {
        ::close(fd);
        return place_error(dir,
                           (dir / name).string() + " is not a regular file with a single link");
    }
    return fd;
}

// The state file and (for the lock) the turn file of the place.
struct PlaceFiles {
    int state = -1;
    int turn = -1;
};

Result<PlaceFiles> open_place(const fs::path& dir, bool create, bool with_turn) {
    auto dirfd = open_directory(dir, create);
    if (!dirfd) return dirfd.error();
    PlaceFiles files;
    auto state = open_place_file(dir, *dirfd, kStateFile, create);
    if (state && with_turn) {
        auto turn = open_place_file(dir, *dirfd, kTurnFile, create);
        if (!turn) {
            ::close(*state);
            ::close(*dirfd);
            return turn.error();
        }
        files.turn = *turn;
    }
    ::close(*dirfd);
    if (!state) return state.error();
    files.state = *state;
    return files;
}

// Takes flock(LOCK_EX) on fd, polling in slices so the wait stays
// interruptible; on_wait is called once when it has to wait.
Status lock_polling(const fs::path& dir, int fd, StopWait& wait,
                    std::optional<Clock::time_point> deadline, const std::function<void()>& on_wait,
                    bool& waited) {
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK)
            return place_error(dir, std::string("cannot lock it: ") + std::strerror(errno));
        if (!waited && on_wait) on_wait();
        waited = true;
        auto until = Clock::now() + kLockPollSlice;
        if (deadline && *deadline < until) until = *deadline;
        if (!wait.sleep_until(until))
            return make_error(Errc::cancelled, "cancelled while waiting for another AniDB program");
        if (deadline && Clock::now() >= *deadline)
            return make_error(Errc::timeout, "another AniDB program on this machine is busy");
    }
    return {};
}

HostRecord read_record(int fd) {
    char buf[kMaxStateBytes];
    const ssize_t n = ::pread(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    return parse_host_record(std::string_view(buf, static_cast<size_t>(n))).value_or(HostRecord{});
}

}  // namespace

fs::path host_state_dir(const fs::path& configured) {
    if (!configured.empty()) return configured;
    if (const char* env = std::getenv(kHostStateDirEnv); env != nullptr && *env != '\0') {
        return fs::path(env);
    }
    return fs::path(kDefaultHostStateDir);
}

int64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

std::string format_host_record(const HostRecord& r) {
    std::string text(kMagic);
    text += "\nboot " + boot_id();
    text += "\nsend " + std::to_string(r.last_send_ns) + " " + std::to_string(r.run_start_ns);
    const auto cooldown = [&](const char* name, const Cooldown& c, const std::string& extra) {
        text += std::string("\n") + name + " " + extra + code_word(c.code) + " " +
                std::to_string(c.code == Errc::ok ? 0 : to_unix_ms(c.until)) + " " +
                (c.code == Errc::ok ? std::string() : safe_text(c.reason));
    };
    cooldown("ban", r.ban, "");
    cooldown("silence", r.silence, std::to_string(r.silent_count) + " ");
    text += "\n";
    char crc[32];
    std::snprintf(crc, sizeof crc, "crc %08x\n", checksum(text));
    return text + crc;
}

std::optional<HostRecord> parse_host_record(std::string_view text) {
    const size_t crc_at = text.rfind("crc ");
    if (crc_at == std::string_view::npos || (crc_at > 0 && text[crc_at - 1] != '\n'))
        return std::nullopt;
    std::string_view crc_line = text.substr(crc_at + 4);
    if (!crc_line.empty() && crc_line.back() == '\n') crc_line.remove_suffix(1);
    uint32_t crc = 0;
    auto [p, ec] = std::from_chars(crc_line.data(), crc_line.data() + crc_line.size(), crc, 16);
    if (ec != std::errc() || p != crc_line.data() + crc_line.size() || crc_line.size() != 8 ||
        crc != checksum(text.substr(0, crc_at)))
        return std::nullopt;

    std::vector<std::string_view> lines;
    for (std::string_view body = text.substr(0, crc_at); !body.empty();) {
        const size_t nl = body.find('\n');
        if (nl == std::string_view::npos) return std::nullopt;
        lines.push_back(body.substr(0, nl));
        body = body.substr(nl + 1);
    }
    if (lines.size() != 5 || lines[0] != kMagic) return std::nullopt;
    HostRecord r;
    std::string_view boot = lines[1];
    if (word(boot) != "boot") return std::nullopt;
    const bool same_boot = boot == boot_id();
    std::string_view send = lines[2];
    if (word(send) != "send" || !number(word(send), r.last_send_ns) ||
        !number(word(send), r.run_start_ns) || !send.empty())
        return std::nullopt;
    std::string_view ban = lines[3];
    if (word(ban) != "ban" || !parse_cooldown(ban, r.ban, {Errc::banned, Errc::out_of_service}))
        return std::nullopt;
    std::string_view silence = lines[4];
    int64_t count = 0;
    if (word(silence) != "silence" || !number(word(silence), count) ||
        !parse_cooldown(silence, r.silence, {Errc::timeout}))
        return std::nullopt;
    r.silent_count = static_cast<int>(std::min<int64_t>(count, 64));
    // Packet times are only comparable within one boot, and none can lie in
    // the future; a run cannot start after its last packet.
    if (!same_boot) r.last_send_ns = r.run_start_ns = 0;
    r.last_send_ns = std::min(r.last_send_ns, monotonic_ns());
    r.run_start_ns = std::min(r.run_start_ns, r.last_send_ns);
    return r;
}

Result<std::unique_ptr<HostLock>> HostLock::acquire(const fs::path& dir, StopWait& wait,
                                                    std::optional<Clock::time_point> deadline,
                                                    const std::function<void()>& on_wait) {
    auto files = open_place(dir, true, true);
    if (!files) return files.error();
    std::unique_ptr<HostLock> lock(new HostLock(files->state));
    // A turnstile: whoever waits for the state lock holds the turn lock, so
    // a process that just released the state lock queues behind it instead
    // of taking it straight back (no starvation of a waiting process).
    bool waited = false;
    Status queued = lock_polling(dir, files->turn, wait, deadline, on_wait, waited);
    if (queued) queued = lock_polling(dir, lock->fd_, wait, deadline, on_wait, waited);
    ::close(files->turn);  // releases the turn lock
    if (!queued) return queued.error();
    lock->record_ = read_record(lock->fd_);
    return lock;
}

HostLock::~HostLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
}

Status HostLock::save() {
    const std::string text = format_host_record(record_);
    const ssize_t n = ::pwrite(fd_, text.data(), text.size(), 0);
    if (n != static_cast<ssize_t>(text.size()) || ::ftruncate(fd_, n) != 0)
        return make_error(Errc::io, std::string("cannot write the host-wide AniDB state: ") +
                                        std::strerror(errno));
    return {};
}

std::optional<HostRecord> peek_host_record(const fs::path& dir) {
    auto files = open_place(dir, false, false);
    if (!files) return std::nullopt;
    HostRecord r = read_record(files->state);
    ::close(files->state);
    return r;
}

}  // namespace anidb::udp
