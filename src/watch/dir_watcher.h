// Watching folder trees for files that appear or change.
//
// Each root is watched recursively with inotify (the raw API: one watch per
// folder; a folder created or moved in later is added and scanned at once,
// so a file written before its watch existed is not missed). A root on a
// file system where inotify does not see every change (fs_kind.h: NFS, CIFS,
// FUSE ...) is scanned every scan_interval instead, and so is a root whose
// folders exceed the inotify watch limit (fs.inotify.max_user_watches); the
// log says which and why. A root that disappears (deleted, unmounted,
// renamed away) is checked for every second until it is back, then watched
// and scanned again.
//
// wait() blocks in poll(2) on the inotify descriptor and an eventfd (wake())
// until an event, the caller's deadline, the next periodic scan or the next
// check for a missing root: an idle watcher over local folders does not wake
// at all. It returns the files to stat again and the folders to scan.
//
// Only regular files are reported; names starting with '.' (rsync's and many
// downloaders' temporary files) and folders starting with '.' are skipped,
// and `wanted` filters the rest by path.
//
// Thread safety: one thread calls everything except wake(), which any
// thread or a signal handler may call.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "watch/settle.h"

namespace anidb::watch {

struct DirWatcherOptions {
    std::chrono::milliseconds scan_interval{std::chrono::seconds(60)};
    bool force_scan = false;  // scan every root periodically, even where inotify works
    std::function<bool(const std::string& path)> wanted;  // nullptr: every file
    std::function<void(const std::string& line)> log;     // one line per notable change
};

struct Wakeup {
    std::vector<std::string> files;    // may have changed (or gone): stat them
    std::vector<std::string> written;  // of `files`: an event said they were written to
    std::vector<std::string> folders;  // scan them entirely (new, back, periodic, overflow)
};

struct FoundFile {
    std::string path;
    Observation seen;
};

class DirWatcher {
  public:
    // Roots are made absolute. Errc::io when inotify or the eventfd cannot
    // be created; a missing root is not an error (it is waited for).
    static Result<std::unique_ptr<DirWatcher>> create(std::vector<std::string> roots,
                                                      DirWatcherOptions options);
    ~DirWatcher();
    DirWatcher(const DirWatcher&) = delete;
    DirWatcher& operator=(const DirWatcher&) = delete;

    // Waits until something happened, `until` passed or wake() was called.
    Wakeup wait(Clock::time_point until);
    // Ends a wait() now. Async-signal-safe.
    void wake() noexcept;

    // Every wanted regular file under `folder`, recursively.
    std::vector<FoundFile> scan(const std::string& folder) const;
    const std::vector<std::string>& roots() const { return roots_; }
    // Folders watched with inotify now.
    size_t watched_folders() const { return wd_to_dir_.size(); }

  private:
    struct Root {
        std::string path;
        bool present = false;
        bool scanning = false;  // periodic scans instead of inotify
        Clock::time_point next_scan{};
    };
    DirWatcher(std::vector<std::string> roots, DirWatcherOptions options, int inotify_fd,
               int wake_fd);
    void log(const std::string& line) const;
    // Starts watching `root` (present now): inotify or scanning. Appends the
    // folder to scan.
    void attach(Root& root, Wakeup& out);
    // Adds inotify watches on `folder` and every folder below it; false when
    // the watch limit was reached.
    bool add_tree(const std::string& folder);
    // Drops the watches of `folder` and everything below it.
    void drop_tree(const std::string& folder);
    void read_events(Wakeup& out);
    void check_roots(Clock::time_point now, Wakeup& out);
    Root* root_of_wd(int wd);

    std::vector<std::string> roots_;
    std::vector<Root> root_state_;
    DirWatcherOptions options_;
    int inotify_fd_ = -1;
    int wake_fd_ = -1;
    std::unordered_map<int, std::string> wd_to_dir_;
    std::unordered_map<std::string, int> dir_to_wd_;
    Clock::time_point next_root_check_{};
};

}  // namespace anidb::watch
