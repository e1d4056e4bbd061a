#include "watch/dir_watcher.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "watch/fs_kind.h"

namespace anidb::watch {
namespace {

constexpr uint32_t kFolderMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE |
                                 IN_MODIFY | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |
                                 IN_ONLYDIR | IN_DONT_FOLLOW;
// How often a missing root is looked for.
constexpr auto kRootCheck = std::chrono::seconds(1);

std::string absolute_root(const std::string& path) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(path, ec);
    if (ec) p = path;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool hidden(const char* name) {
    return name[0] == '.';
}

std::string join(const std::string& folder, const char* name) {
    return folder == "/" ? folder + name : folder + '/' + name;
}

bool under(const std::string& path, const std::string& folder) {
    return path == folder ||
           (path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
            path[folder.size()] == '/');
}

}  // namespace

Result<std::unique_ptr<DirWatcher>> DirWatcher::create(std::vector<std::string> roots,
                                                       DirWatcherOptions options) {
    const int in_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (in_fd < 0) {
        return make_error(Errc::io, "inotify_init1: " + std::generic_category().message(errno));
    }
    const int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0) {
        const int err = errno;
        ::close(in_fd);
        return make_error(Errc::io, "eventfd: " + std::generic_category().message(err));
    }
    for (std::string& r : roots) r = absolute_root(r);
    return std::unique_ptr<DirWatcher>(
        new DirWatcher(std::move(roots), std::move(options), in_fd, wake_fd));
}

DirWatcher::DirWatcher(std::vector<std::string> roots, DirWatcherOptions options, int inotify_fd,
                       int wake_fd)
    : roots_(std::move(roots)),
      options_(std::move(options)),
      inotify_fd_(inotify_fd),
      wake_fd_(wake_fd) {
    for (const std::string& r : roots_) root_state_.push_back(Root{r});
}

DirWatcher::~DirWatcher() {
    ::close(inotify_fd_);
    ::close(wake_fd_);
}

void DirWatcher::log(const std::string& line) const {
    if (options_.log) options_.log(line);
}

void DirWatcher::wake() noexcept {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
}

bool DirWatcher::add_tree(const std::string& folder) {
    std::vector<std::string> todo{folder};
    while (!todo.empty()) {
        const std::string dir = std::move(todo.back());
        todo.pop_back();
        const int wd = ::inotify_add_watch(inotify_fd_, dir.c_str(), kFolderMask);
        if (wd < 0) {
            if (errno == ENOSPC) return false;
            continue;  // gone meanwhile, or not readable: nothing to watch
        }
        if (auto old = wd_to_dir_.find(wd); old != wd_to_dir_.end() && old->second != dir) {
            dir_to_wd_.erase(old->second);  // the same folder under a new name
        }
        wd_to_dir_[wd] = dir;
        dir_to_wd_[dir] = wd;
        DIR* d = ::opendir(dir.c_str());
        if (d == nullptr) continue;
        // readdir is safe on a DIR* no other thread uses.
        while (const dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe)
            if (hidden(e->d_name)) continue;
            const std::string child = join(dir, e->d_name);
            if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && is_directory(child))) {
                if (dir_to_wd_.count(child) == 0) todo.push_back(child);
            }
        }
        ::closedir(d);
    }
    return true;
}

void DirWatcher::drop_tree(const std::string& folder) {
    for (auto it = dir_to_wd_.begin(); it != dir_to_wd_.end();) {
        if (under(it->first, folder)) {
            (void)::inotify_rm_watch(inotify_fd_, it->second);
            wd_to_dir_.erase(it->second);
            it = dir_to_wd_.erase(it);
        } else {
            ++it;
        }
    }
}

void DirWatcher::attach(Root& root, Wakeup& out) {
    root.present = true;
    const FsKind kind = file_system_kind(root.path);
    const auto every = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(options_.scan_interval).count());
    if (options_.force_scan) {
        root.scanning = true;
        log("watching " + root.path + " by scanning it every " + every + " s (asked for)");
    } else if (!kind.inotify_reliable) {
        root.scanning = true;
        log("watching " + root.path + " by scanning it every " + every + " s: it is on " +
            kind.name + ", where inotify does not see changes made by other machines");
    } else if (!add_tree(root.path)) {
        drop_tree(root.path);
        root.scanning = true;
        log("watching " + root.path + " by scanning it every " + every +
            " s: the inotify watch limit is reached (raise fs.inotify.max_user_watches)");
    } else {
        root.scanning = false;
        log("watching " + root.path + " with inotify");
    }
    root.next_scan = Clock::now() + options_.scan_interval;
    out.folders.push_back(root.path);
}

DirWatcher::Root* DirWatcher::root_of_wd(int wd) {
    auto it = wd_to_dir_.find(wd);
    if (it == wd_to_dir_.end()) return nullptr;
    for (Root& r : root_state_) {
        if (r.path == it->second) return &r;
    }
    return nullptr;
}

void DirWatcher::read_events(Wakeup& out) {
    alignas(inotify_event) std::array<char, size_t{64} * 1024> buf{};
    for (;;) {
        const ssize_t n = ::read(inotify_fd_, buf.data(), buf.size());
        if (n <= 0) return;  // EAGAIN: drained
        for (ssize_t off = 0; off < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf.data() + off);
            off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            if ((ev->mask & IN_Q_OVERFLOW) != 0) {
                log("inotify queue overflowed; scanning every folder again");
                for (const Root& r : root_state_) {
                    if (r.present) out.folders.push_back(r.path);
                }
                continue;
            }
            if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
                if (Root* root = root_of_wd(ev->wd); root != nullptr && root->present) {
                    root->present = false;
                    drop_tree(root->path);
                    log(root->path + " is gone; watching for it to come back");
                } else if (auto it = wd_to_dir_.find(ev->wd);
                           it != wd_to_dir_.end() && (ev->mask & IN_MOVE_SELF) != 0) {
                    drop_tree(it->second);  // moved away: its name here is stale
                }
                continue;
            }
            if ((ev->mask & IN_IGNORED) != 0) {
                if (auto it = wd_to_dir_.find(ev->wd); it != wd_to_dir_.end()) {
                    if (auto back = dir_to_wd_.find(it->second);
                        back != dir_to_wd_.end() && back->second == ev->wd) {
                        dir_to_wd_.erase(back);
                    }
                    wd_to_dir_.erase(it);
                }
                continue;
            }
            auto dir = wd_to_dir_.find(ev->wd);
            if (dir == wd_to_dir_.end() || ev->len == 0 || hidden(ev->name)) continue;
            const std::string path = join(dir->second, ev->name);
            if ((ev->mask & IN_ISDIR) != 0) {
                if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
                    if (!add_tree(path)) log("inotify watch limit reached at " + path);
                    out.folders.push_back(path);
                } else if ((ev->mask & IN_MOVED_FROM) != 0) {
                    drop_tree(path);
                }
                continue;
            }
            if (options_.wanted && !options_.wanted(path)) continue;
            out.files.push_back(path);
            if ((ev->mask & (IN_MODIFY | IN_CLOSE_WRITE)) != 0) out.written.push_back(path);
        }
    }
}

void DirWatcher::check_roots(Clock::time_point now, Wakeup& out) {
    const bool check_missing = now >= next_root_check_;
    if (check_missing) next_root_check_ = now + kRootCheck;
    for (Root& r : root_state_) {
        if (!r.present) {
            if (check_missing && is_directory(r.path)) {
                if (r.next_scan != Clock::time_point{}) log(r.path + " is back");
                attach(r, out);
            }
            continue;
        }
        if (r.scanning && now >= r.next_scan) {
            r.next_scan = now + options_.scan_interval;
            if (is_directory(r.path)) {
                out.folders.push_back(r.path);
            } else {
                r.present = false;
                log(r.path + " is gone; watching for it to come back");
            }
        }
    }
}

Wakeup DirWatcher::wait(Clock::time_point until) {
    Wakeup out;
    Clock::time_point now = Clock::now();
    // First call: attach the roots there are; say which are missing.
    for (Root& r : root_state_) {
        if (!r.present && r.next_scan == Clock::time_point{}) {
            if (is_directory(r.path)) {
                attach(r, out);
            } else {
                r.next_scan = now;  // marks "announced"
                log(r.path + " does not exist (yet); watching for it to appear");
            }
        }
    }
    if (!out.folders.empty()) return out;
    for (const Root& r : root_state_) {
        if (!r.present) until = std::min(until, next_root_check_);
        if (r.present && r.scanning) until = std::min(until, r.next_scan);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    const int timeout_ms = static_cast<int>(std::clamp<int64_t>(left.count() + 1, 0, 3'600'000));
    std::array<pollfd, 2> fds{pollfd{inotify_fd_, POLLIN, 0}, pollfd{wake_fd_, POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready > 0 && (fds[1].revents & POLLIN) != 0) {
        uint64_t count = 0;
        (void)!::read(wake_fd_, &count, sizeof count);
    }
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) read_events(out);
    check_roots(Clock::now(), out);
    return out;
}

std::vector<FoundFile> DirWatcher::scan(const std::string& folder) const {
    std::vector<FoundFile> found;
    std::vector<std::string> todo{folder};
    while (!todo.empty()) {
        const std::string dir = std::move(todo.back());
        todo.pop_back();
        DIR* d = ::opendir(dir.c_str());
        if (d == nullptr) continue;
        // readdir is safe on a DIR* no other thread uses.
        while (const dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe)
            if (hidden(e->d_name)) continue;
            const std::string path = join(dir, e->d_name);
            struct stat st {};
            if (::lstat(path.c_str(), &st) != 0) continue;
            if (S_ISDIR(st.st_mode)) {
                todo.push_back(path);
            } else if (S_ISREG(st.st_mode)) {
                if (options_.wanted && !options_.wanted(path)) continue;
                found.push_back({path, Observation{static_cast<uint64_t>(st.st_size),
                                                   int64_t{st.st_mtim.tv_sec} * 1'000'000'000 +
                                                       st.st_mtim.tv_nsec}});
            }
        }
        ::closedir(d);
    }
    return found;
}

}  // namespace anidb::watch
