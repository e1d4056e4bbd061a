// `anidb watch DIR... [--settle SECONDS] [--then mylist-add,rename] [--state STATE]
//  [--template T] [--dest DIR]` and `anidb watch --status`: the unattended
// mode. Folders are watched by src/watch (inotify, or periodic scans where
// inotify cannot see every change); a file that has settled is hashed
// through Client::process_batch, identified, added to MyList and renamed
// with the rename code of `anidb rename`. What became of every file lives
// in the cache database (watch::WatchState), so a restart, even after
// SIGKILL, goes on where the last run stopped. docs/watch.md.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "anidb/mylist_commands.h"
#include "cache/cache_db.h"
#include "client/client.h"
#include "commands.h"
#include "console.h"
#include "exit_codes.h"
#include "file_selection.h"
#include "mylist_states.h"
#include "queue/job.h"
#include "rename_plan.h"
#include "rename_template.h"
#include "text_escape.h"
#include "watch/dir_watcher.h"
#include "watch/retry_schedule.h"
#include "watch/settle.h"
#include "watch/watch_state.h"
#include "watch/writer_check.h"

namespace anidb::cli {

namespace {

namespace fs = std::filesystem;
using watch::FileStatus;
using watch::Step;
using watch::WatchedFile;

struct WatchFlags {
    std::vector<std::string> dirs;
    std::optional<double> settle;
    std::optional<std::string> then;
    std::optional<std::string> state;
    std::optional<std::string> templ;
    std::optional<std::string> dest;
    std::optional<double> scan_interval;
    std::string undo_log;
    bool scan = false;
    bool status = false;
};

// What a run does, from the flags, else the config file, else defaults.
struct WatchPlan {
    std::vector<std::string> dirs;
    std::chrono::milliseconds settle{std::chrono::seconds(30)};
    std::chrono::milliseconds scan_interval{std::chrono::seconds(60)};
    bool mylist_add = true;
    bool rename = false;
    int mylist_state = 1;  // hdd
    std::optional<RenameTemplate> templ;
    std::string dest;  // "": next to the watched folder's own tree (its root)
    double retry_scale = 1.0;
};

std::optional<std::chrono::milliseconds> seconds_value(const std::string& text, double min,
                                                       double max) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < min || v > max)
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<int64_t>(std::llround(v * 1000)));
}

Result<WatchPlan> make_plan(const WatchFlags& flags, const Settings& settings) {
    WatchPlan plan;
    plan.dirs = flags.dirs.empty() ? settings.list("watch.dirs") : flags.dirs;
    auto settle_text = flags.settle ? std::optional<std::string>(fmt::format("{}", *flags.settle))
                                    : settings.string("watch.settle");
    if (settle_text) {
        auto v = seconds_value(*settle_text, 0, 86400);
        if (!v) {
            return make_error(Errc::invalid_parameter,
                              "--settle wants seconds from 0 to 86400, not '" + *settle_text + "'");
        }
        plan.settle = *v;
    }
    auto scan_text = flags.scan_interval
                         ? std::optional<std::string>(fmt::format("{}", *flags.scan_interval))
                         : settings.string("watch.scan_interval");
    if (scan_text) {
        auto v = seconds_value(*scan_text, 0.1, 86400);
        if (!v) {
            return make_error(
                Errc::invalid_parameter,
                "--scan-interval wants seconds from 0.1 to 86400, not '" + *scan_text + "'");
        }
        plan.scan_interval = *v;
    }
    std::vector<std::string> actions;
    if (flags.then) {
        std::stringstream in(*flags.then);
        for (std::string a; std::getline(in, a, ',');) {
            if (!a.empty()) actions.push_back(a);
        }
    } else if (settings.get("watch.then") != nullptr) {
        actions = settings.list("watch.then");
    } else {
        actions = {"mylist-add"};
    }
    plan.mylist_add = false;
    for (const std::string& a : actions) {
        if (a == "mylist-add") {
            plan.mylist_add = true;
        } else if (a == "rename") {
            plan.rename = true;
        } else if (a != "none") {
            return make_error(
                Errc::invalid_parameter,
                "--then takes mylist-add, rename or none, not '" + printable(a) + "'");
        }
    }
    const auto state = flags.state ? flags.state : settings.string("watch.state");
    if (state) {
        auto v = mylist_state_value(*state);
        if (!v) {
            return make_error(Errc::invalid_parameter,
                              "--state takes hdd, cd, deleted, remote or unknown, not '" +
                                  printable(*state) + "'");
        }
        plan.mylist_state = *v;
    }
    const auto templ = flags.templ ? flags.templ : settings.string("watch.template");
    if (plan.rename) {
        if (!templ) {
            return make_error(Errc::invalid_parameter,
                              "--then rename needs --template (or watch.template in the config)");
        }
        auto parsed = RenameTemplate::parse(*templ);
        if (!parsed) return parsed.error();
        plan.templ = std::move(*parsed);
    }
    if (auto dest = flags.dest ? flags.dest : settings.string("watch.dest")) {
        plan.dest = fs::absolute(*dest).lexically_normal().string();
    }
    if (auto scale = settings.string("watch.retry_scale")) {
        plan.retry_scale = std::strtod(scale->c_str(), nullptr);
        if (!(plan.retry_scale > 0) || !std::isfinite(plan.retry_scale)) plan.retry_scale = 1.0;
    }
    return plan;
}

int64_t unix_now() {
    return static_cast<int64_t>(std::time(nullptr));
}

std::string local_time(int64_t t) {
    const auto tt = static_cast<time_t>(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::optional<watch::Observation> stat_file(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return watch::Observation{static_cast<uint64_t>(st.st_size),
                              int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
}

// One `anidb watch` per cache database: an flock on "<db>.watch.lock",
// which holds the pid of its owner for `--status` and the refusal message.
class WatchLock {
  public:
    ~WatchLock() {
        if (fd_ >= 0) ::close(fd_);
    }
    // Errc::busy naming the running watcher's pid.
    Status acquire(const std::string& path) {
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) return make_error(Errc::io, "cannot open " + path);
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            return make_error(Errc::busy, "another anidb watch (pid " + holder(path) +
                                              ") uses this cache database");
        }
        const std::string pid = std::to_string(::getpid()) + "\n";
        if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
            return make_error(Errc::io, "cannot write " + path);
        }
        return {};
    }
    // The pid of the watcher holding `path`, or "" when none runs.
    static std::string running(const std::string& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return "";
        const bool free = ::flock(fd, LOCK_SH | LOCK_NB) == 0;
        ::close(fd);
        return free ? "" : holder(path);
    }

  private:
    static std::string holder(const std::string& path) {
        std::string text;
        if (std::FILE* f = std::fopen(path.c_str(), "re")) {
            char buf[32] = {};
            if (std::fgets(buf, sizeof buf, f) != nullptr) text = buf;
            std::fclose(f);
        }
        text.erase(
            std::remove_if(text.begin(), text.end(), [](char c) { return c < '0' || c > '9'; }),
            text.end());
        return text.empty() ? "?" : text;
    }
    int fd_ = -1;
};

int show_status(watch::WatchState& state, const std::string& db_file) {
    auto counts = state.counts();
    if (!counts) return report_error(counts.error());
    const std::string pid = WatchLock::running(db_file + ".watch.lock");
    std::ostream& out = std::cout;
    out << "watcher: " << (pid.empty() ? "not running" : "running (pid " + pid + ")") << '\n'
        << "settling: " << counts->seen << '\n'
        << "pending: " << counts->pending << '\n'
        << "waiting: " << counts->waiting;
    if (counts->next_try_at) {
        const int64_t in = std::max<int64_t>(0, *counts->next_try_at - unix_now());
        out << " (next retry " << local_time(*counts->next_try_at) << ", in " << in << " s)";
    }
    out << '\n' << "done: " << counts->done << '\n' << "failed: " << counts->failed << '\n';
    if (counts->unreadable > 0) out << "unreadable rows: " << counts->unreadable << '\n';
    for (FileStatus s : {FileStatus::pending, FileStatus::waiting, FileStatus::failed}) {
        auto rows = state.with_status(s);
        if (!rows) return report_error(rows.error());
        for (const WatchedFile& f : *rows) {
            out << watch::status_name(s) << ' ' << printable(f.path);
            if (s == FileStatus::waiting) out << " (retry " << local_time(f.next_try_at) << ")";
            if (!f.detail.empty()) out << ": " << printable(f.detail);
            out << '\n';
        }
    }
    return kExitOk;
}

// The watcher's loop and the work on settled files.
class Watcher {
  public:
    Watcher(const WatchPlan& plan, const WatchFlags& flags, AppContext& ctx, client::Client& client,
            watch::WatchState& state)
        : plan_(plan),
          flags_(flags),
          ctx_(ctx),
          client_(client),
          state_(state),
          tracker_(plan.settle) {}

    int run() {
        watch::DirWatcherOptions options;
        options.scan_interval = plan_.scan_interval;
        options.force_scan = flags_.scan;
        options.wanted = [](const std::string& path) { return has_media_extension(path); };
        options.log = [this](const std::string& line) { log(printable(line)); };
        auto watcher = watch::DirWatcher::create(plan_.dirs, options);
        if (!watcher) return report_error(watcher.error());
        watcher_ = watcher->get();
        const std::stop_token stop = ctx_.cancellation->token();
        std::stop_callback wake(stop, [this] { watcher_->wake(); });
        log(fmt::format("started: settle {} s, then {}", plan_.settle.count() / 1000.0,
                        actions_text()));
        if (Status s = resume(); !s) return report_error(s.error());
        while (!stop.stop_requested()) {
            const auto now = watch::Clock::now();
            auto until = now + std::chrono::hours(1);
            if (auto d = tracker_.next_deadline()) until = std::min(until, *d);
            if (auto next = next_work_time()) until = std::min(until, *next);
            const watch::Wakeup w = watcher_->wait(until);
            if (stop.stop_requested()) break;
            for (const std::string& folder : w.folders) {
                const std::vector<watch::FoundFile> found = watcher_->scan(folder);
                for (const watch::FoundFile& f : found) consider(f.path, f.seen);
                const auto& roots = watcher_->roots();
                if (std::find(roots.begin(), roots.end(), folder) != roots.end()) {
                    log(fmt::format("scanned {}: {} video files, {} folders watched with inotify",
                                    printable(folder), found.size(), watcher_->watched_folders()));
                }
            }
            const std::set<std::string> written(w.written.begin(), w.written.end());
            for (const std::string& path : w.files) {
                if (auto seen = stat_file(path)) {
                    consider(path, *seen);
                    if (written.count(path) != 0) tracker_.touched(path, watch::Clock::now());
                } else {
                    tracker_.forget(path);
                }
            }
            settle_due();
            if (Status s = work(); !s) log("problem with the watch state: " + s.error().message);
        }
        log("stopped");
        return kExitOk;
    }

  private:
    void log(const std::string& line) { ctx_.console->message("anidb watch: " + line); }

    std::string actions_text() const {
        std::string t = "identify";
        if (plan_.mylist_add) t += ", MyList add";
        if (plan_.rename) t += ", rename";
        return t;
    }

    // When a waiting row is due or a held round may go on; nothing when
    // nothing waits.
    std::optional<watch::Clock::time_point> next_work_time() {
        std::optional<int64_t> at;
        if (held_until_ > 0) {
            at = held_until_;
        } else if (auto due = state_.next_due(); !due) {
            at = unix_now() + 60;  // the database failed: try again in a minute
        } else {
            at = *due;
        }
        if (!at) return std::nullopt;
        const int64_t wait_s = std::max<int64_t>(0, *at - unix_now());
        return watch::Clock::now() + std::chrono::seconds(wait_s);
    }

    // After a restart: files that were settling start again; the rest are
    // in the state (pending and waiting rows are worked on by work()).
    Status resume() {
        auto seen = state_.with_status(FileStatus::seen);
        if (!seen) return seen.error();
        for (const WatchedFile& f : *seen) {
            if (auto now = stat_file(f.path)) {
                tracker_.observe(f.path, *now, watch::Clock::now());
            } else if (Status s = state_.erase(f.path); !s) {
                return s;
            }
        }
        return {};
    }

    // A file the watcher met (scan or event) as it is now.
    void consider(const std::string& path, const watch::Observation& seen) {
        if (tracker_.tracking(path)) {
            tracker_.observe(path, seen, watch::Clock::now());
            return;
        }
        auto row = state_.find(path);
        if (!row) {
            log("problem with the watch state: " + row.error().message);
            return;
        }
        if (*row && (*row)->status != FileStatus::seen &&
            watch::same_file(**row, seen.size, seen.mtime_ns))
            return;  // known as it is: done, failed, or in the work
        if (!*row || (*row)->status != FileStatus::seen) {
            WatchedFile f;
            f.path = path;
            f.size = seen.size;
            f.mtime_ns = seen.mtime_ns;
            f.status = FileStatus::seen;
            f.updated_at = unix_now();
            if (Status s = state_.put(f); !s)
                log("problem with the watch state: " + s.error().message);
        }
        tracker_.observe(path, seen, watch::Clock::now());
    }

    // Files whose settle time ran: complete ones become pending.
    void settle_due() {
        for (const std::string& path : tracker_.due(watch::Clock::now())) {
            auto seen = stat_file(path);
            if (!seen) {
                tracker_.forget(path);
                (void)state_.erase(path);
                continue;
            }
            const watch::WriterCheck writer = watch::open_for_writing(path);
            if (writer == watch::WriterCheck::gone) {
                tracker_.forget(path);
                continue;
            }
            const auto verdict = tracker_.confirm(
                path, *seen, writer == watch::WriterCheck::writing, watch::Clock::now());
            if (verdict != watch::SettleTracker::Verdict::settled) continue;
            auto row = state_.find(path);
            if (row && *row && (*row)->status == FileStatus::done &&
                watch::same_file(**row, seen->size, seen->mtime_ns))
                continue;  // a rename's target
            WatchedFile f;
            f.path = path;
            f.size = seen->size;
            f.mtime_ns = seen->mtime_ns;
            f.status = FileStatus::pending;
            f.updated_at = unix_now();
            if (Status s = state_.put(f); !s) {
                log("problem with the watch state: " + s.error().message);
                continue;
            }
            log(fmt::format("complete: {} ({} bytes)", printable(path), seen->size));
        }
    }

    // Checks a row against the file on disk before working on it. False
    // when there is nothing to do for it (gone, changed: settling again).
    bool still_there(WatchedFile& f) {
        auto seen = stat_file(f.path);
        if (f.step == Step::renaming && !f.target.empty() && (!seen || f.path == f.target)) {
            // The move was made before the last run ended.
            if (stat_file(f.target)) {
                finish_rename(f);
                return false;
            }
        }
        if (!seen) {
            log("gone before it was done: " + printable(f.path));
            (void)state_.erase(f.path);
            return false;
        }
        if (!watch::same_file(f, seen->size, seen->mtime_ns)) {
            settle_again(f, *seen);
            return false;
        }
        return true;
    }

    // The file changed after it settled: it settles again from the start.
    void settle_again(WatchedFile& f, const watch::Observation& seen) {
        log("changed since it was seen; settling again: " + printable(f.path));
        WatchedFile again;
        again.path = f.path;
        again.size = seen.size;
        again.mtime_ns = seen.mtime_ns;
        again.updated_at = unix_now();
        f = std::move(again);
        if (Status s = state_.put(f); !s) log("problem with the watch state: " + s.error().message);
        tracker_.observe(f.path, seen, watch::Clock::now());
    }

    // Works on the due rows: hashes them in one batch, then identifies,
    // adds and renames them one by one.
    Status work() {
        const std::stop_token stop = ctx_.cancellation->token();
        if (held_until_ > unix_now()) return {};
        held_until_ = 0;
        auto due = state_.due(unix_now());
        if (!due) return due.error();
        std::vector<WatchedFile> rows;
        for (WatchedFile& f : *due) {
            if (still_there(f)) rows.push_back(std::move(f));
        }
        if (rows.empty() || stop.stop_requested()) return {};
        std::vector<hash::Algorithm> algorithms{hash::Algorithm::ed2k};
        if (plan_.templ) {
            for (hash::Algorithm a : plan_.templ->hashes_needed()) {
                if (a != hash::Algorithm::ed2k) algorithms.push_back(a);
            }
        }
        std::vector<std::string> paths;
        paths.reserve(rows.size());
        for (const WatchedFile& f : rows) paths.push_back(f.path);
        client::BatchOptions options;
        options.algorithms = algorithms;
        auto batch = client_.process_batch(paths, options, stop);
        if (!batch) return batch.error();
        for (size_t i = 0; i < rows.size() && !stop.stop_requested(); ++i) {
            if (!advance(rows[i], batch->results.at(i))) break;
        }
        return {};
    }

    // Records a failed step; false when the round must stop.
    bool failed(WatchedFile& f, const Error& error, const char* step) {
        const std::optional<udp::Cooldown> cooldown = client_.anidb_cooldown();
        std::optional<int64_t> until;
        if (cooldown && cooldown->code != Errc::ok) {
            until =
                std::chrono::duration_cast<std::chrono::seconds>(cooldown->until.time_since_epoch())
                    .count();
        }
        const int64_t now = unix_now();
        const watch::RetryDecision d =
            watch::retry_after(error.code, f.attempts, now, plan_.retry_scale, until);
        if (d.action == watch::RetryDecision::Action::stop) return false;
        f.attempts += 1;
        f.detail = error.message;
        f.updated_at = now;
        if (d.action == watch::RetryDecision::Action::retry) {
            f.status = FileStatus::waiting;
            f.next_try_at = d.next_try_at;
            const char* what =
                error.code == Errc::no_such_file ? "AniDB does not know it yet" : "not done";
            log(fmt::format("{}: {} ({}: {}); retry at {} (attempt {})", step, printable(f.path),
                            what, printable(error.message), local_time(d.next_try_at), f.attempts));
            if (d.stop_round) held_until_ = d.next_try_at;
        } else {
            f.status = FileStatus::failed;
            log(fmt::format("{} failed, giving up: {}: {}", step, printable(f.path),
                            printable(error.message)));
        }
        if (Status s = state_.put(f); !s) log("problem with the watch state: " + s.error().message);
        return !d.stop_round;
    }

    udp::MylistValues mylist_values() const {
        udp::MylistValues values;
        values.state = static_cast<udp::MylistState>(plan_.mylist_state);
        return values;
    }

    static const char* change_text(client::MylistChangeKind what) {
        switch (what) {
            case client::MylistChangeKind::added:
                return "added";
            case client::MylistChangeKind::edited:
                return "updated";
            case client::MylistChangeKind::done_from_queue:
                return "added from the work queue";
            default:
                return "already in MyList";
        }
    }

    // A file that cannot be identified for want of credentials or during a
    // cool-down (nothing is sent either way) has its MyList add put in the
    // work queue at once: `anidb queue` shows it, and `anidb queue run` (or
    // the next program with credentials) sends it even if this watcher never
    // comes back. Once, at the step's first failure; the queue merges a
    // repeat.
    void queue_add_early(const WatchedFile& f, const std::string& ed2k, Errc why) {
        if (!plan_.mylist_add || f.step >= Step::listed) return;
        if (why != Errc::no_credentials && why != Errc::banned && why != Errc::out_of_service)
            return;
        auto queued =
            client_.mylist_add_or_queue(f.size, ed2k, mylist_values(), ctx_.cancellation->token());
        if (!queued) {
            log(fmt::format("MyList add: {}: not queued: {}", printable(f.path),
                            printable(queued.error().message)));
        } else if (queued->what == client::MylistChangeKind::queued) {
            log(fmt::format("MyList add: {}: queued as job {} ({})", printable(f.path),
                            queued->job_id, queue::reason_name(queued->reason)));
        }
    }

    bool record(WatchedFile& f, Step step) {
        f.step = step;
        f.status = FileStatus::pending;
        f.attempts = 0;
        f.detail.clear();
        f.updated_at = unix_now();
        if (Status s = state_.put(f); !s) {
            log("problem with the watch state: " + s.error().message);
            held_until_ = unix_now() + 60;  // not again at once
            return false;
        }
        return true;
    }

    // Takes one file as far as it goes now; false when the round must stop.
    bool advance(WatchedFile& f, const client::FileResult& hashed) {
        const std::stop_token stop = ctx_.cancellation->token();
        if (hashed.status != client::FileStatus::completed || hashed.hashes.empty()) {
            if (hashed.error == Errc::cancelled) return false;
            return failed(
                f, Error{hashed.error == Errc::ok ? Errc::io : hashed.error, hashed.error_message},
                "hash");
        }
        if (hashed.size != f.size) {  // written to again after it settled
            if (auto seen = stat_file(f.path)) settle_again(f, *seen);
            return true;
        }
        const std::string& ed2k = hashed.hashes.at(0).value;
        if (f.step == Step::none) {
            f.ed2k = ed2k;
            if (!record(f, Step::hashed)) return true;
            log("hashed: " + printable(f.path) + " (ed2k " + ed2k + ")");
        }
        auto info = client_.identify_hashed(f.path, f.size, ed2k, stop, hashed.ed2k_blue);
        if (!info) {
            if (f.attempts == 0) queue_add_early(f, ed2k, info.error().code);
            return failed(f, info.error(), "identify");
        }
        if (f.step < Step::identified) {
            if (!record(f, Step::identified)) return true;
            log(fmt::format("identified: {}: {} - {} (fid {})", printable(f.path),
                            printable(info->title_romaji), printable(info->episode_number),
                            info->file_id));
        }
        if (f.step < Step::listed) {
            if (plan_.mylist_add) {
                // Through the client's MyList path: what cannot be sent now
                // (ban, no answer, no credentials) is a job of the work
                // queue, which outlives this row; the row waits for it.
                auto added = client_.mylist_add_or_queue(f.size, info->ed2k, mylist_values(), stop);
                if (!added) return failed(f, added.error(), "MyList add");
                if (added->what == client::MylistChangeKind::queued) {
                    return failed(
                        f,
                        Error{watch::error_of(added->reason),
                              fmt::format("queued as job {}: {}", added->job_id, added->detail)},
                        "MyList add");
                }
                if (!record(f, Step::listed)) return true;
                log(fmt::format("MyList: {}: {}{}", printable(f.path), change_text(added->what),
                                added->lid != 0 ? fmt::format(" (lid {})", added->lid) : ""));
            } else if (!record(f, Step::listed)) {
                return true;
            }
        }
        if (!plan_.rename) {
            if (record(f, Step::finished)) {
                f.status = FileStatus::done;
                (void)state_.put(f);
                log("done: " + printable(f.path));
            }
            return true;
        }
        return rename(f, *info, hashed);
    }

    // The watched root `path` came in through.
    std::string root_of(const std::string& path) const {
        std::string best;
        for (const std::string& r : watcher_->roots()) {
            if (path.size() > r.size() && path.compare(0, r.size(), r) == 0 &&
                path[r.size()] == '/' && r.size() > best.size())
                best = r;
        }
        return best.empty() ? fs::path(path).parent_path().string() : best;
    }

    bool rename(WatchedFile& f, const client::AnimeInfo& info, const client::FileResult& hashed) {
        const TagValues values = tag_values(&info, LocalFile{f.path, f.size, hashed.hashes});
        auto relative = plan_.templ->expand(values);
        if (!relative) {
            return failed(f, Error{Errc::invalid_parameter, relative.error().message}, "rename");
        }
        const fs::path root = plan_.dest.empty() ? fs::path(root_of(f.path)) : fs::path(plan_.dest);
        const std::vector<FileMove> moves =
            plan_moves(f.path, *relative, root, find_related_files(f.path));
        if (f.step < Step::renaming) {
            f.target = moves.front().to.lexically_normal().string();
            if (!record(f, Step::renaming)) return true;
        }
        for (const FileMove& m : moves) {
            if (m.from.lexically_normal() == m.to.lexically_normal()) continue;
            if (!undo_.path().empty() || open_undo()) {
                std::vector<fs::path> created;
                const Status done = transfer_file(m, Transfer::move, created);
                for (const fs::path& folder : created) undo_.record_created_folder(folder);
                if (!done) {
                    // A target that exists stays: renaming never overwrites.
                    const Errc code = done.code() == Errc::busy ? Errc::access_denied : done.code();
                    return failed(
                        f, Error{code, printable(m.from.string()) + ": " + done.error().message},
                        "rename");
                }
                undo_.record(m, Transfer::move);
                log("renamed: " + printable(m.from.string()) + " -> " + printable(m.to.string()));
            } else {
                return failed(f,
                              Error{Errc::io, "cannot open the undo log " + undo_path().string()},
                              "rename");
            }
        }
        finish_rename(f);
        return true;
    }

    // The file is at its target: both rows done (the target's, so the
    // watcher does not take the renamed file for a new one).
    void finish_rename(WatchedFile& f) {
        if (f.target != f.path) {
            if (auto seen = stat_file(f.target)) {
                WatchedFile t;
                t.path = f.target;
                t.size = seen->size;
                t.mtime_ns = seen->mtime_ns;
                t.status = FileStatus::done;
                t.step = Step::finished;
                t.ed2k = f.ed2k;
                t.detail = "renamed from " + f.path;
                t.target = f.target;
                t.updated_at = unix_now();
                (void)state_.put(t);
                tracker_.forget(t.path);
            }
        }
        if (record(f, Step::finished)) {
            f.status = FileStatus::done;
            (void)state_.put(f);
        }
    }

    fs::path undo_path() const {
        return flags_.undo_log.empty() ? undo_log_folder() / "watch.sh" : fs::path(flags_.undo_log);
    }

    bool open_undo() {
        if (Status s = undo_.open(undo_path()); !s) return false;
        log("undo log: " + undo_.path().string() + " (run it with sh to undo)");
        return true;
    }

    const WatchPlan& plan_;
    const WatchFlags& flags_;
    AppContext& ctx_;
    client::Client& client_;
    watch::WatchState& state_;
    watch::SettleTracker tracker_;
    watch::DirWatcher* watcher_ = nullptr;
    UndoLog undo_;
    int64_t held_until_ = 0;  // a round stopped (cool-down, no answer): not before this
};

int run_watch(const WatchFlags& flags, AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    auto plan = make_plan(flags, *settings);
    if (!plan) return report_error(plan.error());
    if (!flags.status && plan->dirs.empty()) {
        return report_error(
            make_error(Errc::invalid_parameter,
                       "name the folders to watch (or set watch.dirs in the config)"));
    }
    auto client = create_client(*settings, ctx, true, "use");
    if (!client) return report_error(client.error());
    // The watcher's own back-off decides when an unknown file is asked again.
    (void)(*client)->set_option("anidb.unknown_retry_hours", "0");
    const std::string db_file = (*client)->config().database_path().string();
    auto db = cache::CacheDb::open(db_file);
    if (!db) return report_error(db.error());
    auto state = watch::WatchState::open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
    if (!state) return report_error(state.error());
    if (flags.status) return show_status(**state, db_file);

    WatchLock lock;
    if (Status s = lock.acquire(db_file + ".watch.lock"); !s) return report_error(s.error());
    // The lease of writer_check.h: a writer opening a file while we hold it
    // would otherwise end this process with SIGIO.
    std::signal(SIGIO, SIG_IGN);
    Watcher watcher(*plan, flags, ctx, **client, **state);
    const int rc = watcher.run();
    finish_session(**client, ctx);
    return rc;
}

}  // namespace

void add_watch_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<WatchFlags>();
    CLI::App* cmd = app.add_subcommand(
        "watch", "Watch folders: identify, add to MyList and rename new files unattended");
    cmd->footer(
        "A file is taken when it has not changed for --settle seconds and no process has\n"
        "it open for writing. It is hashed, identified, added to MyList (--then\n"
        "mylist-add, the default) and renamed by --template (--then rename) under --dest\n"
        "or the watched folder. What became of every file is kept in the cache database:\n"
        "a restart repeats nothing that was done and picks up what arrived meanwhile.\n"
        "Files AniDB does not know yet are asked again after 6 h, 1, 3, 7 and 14 days.\n"
        "Config keys: watch.dirs, watch.settle, watch.then, watch.state, watch.template,\n"
        "watch.dest, watch.scan_interval. One log line per action on stderr.\n"
        "Stops on SIGTERM / Ctrl-C; runs as a systemd user service: see docs/watch.md.\n\n" +
        std::string(kExitCodeHelp));
    cmd->add_option("dirs", flags->dirs, "Folders to watch (recursively)")->type_name("DIR");
    cmd->add_option("--settle", flags->settle,
                    "Seconds a file must stay unchanged before it is taken (default 30)")
        ->type_name("SECONDS");
    cmd->add_option("--then", flags->then,
                    "What to do with each file: mylist-add, rename, both (comma), or none")
        ->type_name("ACTIONS");
    cmd->add_option("--state", flags->state, "MyList storage state (default hdd)")
        ->check(CLI::IsMember(mylist_state_names()));
    cmd->add_option("-t,--template", flags->templ, "Rename template (see anidb rename --help)");
    cmd->add_option("--dest", flags->dest,
                    "Folder renamed files go under (default: the watched folder)")
        ->type_name("DIR");
    cmd->add_option("--scan-interval", flags->scan_interval,
                    "Seconds between scans where inotify cannot be used (default 60)")
        ->type_name("SECONDS");
    cmd->add_flag("--scan", flags->scan, "Scan periodically even where inotify works");
    cmd->add_option("--undo-log", flags->undo_log,
                    "Append renames to FILE (default $XDG_STATE_HOME/anidb/undo/watch.sh)")
        ->type_name("FILE");
    cmd->add_flag("--status", flags->status,
                  "Show what the watcher is doing (counts, next retry, waiting and failed files)");
    cmd->callback([flags, &ctx] { ctx.exit_code = run_watch(*flags, ctx); });
}

}  // namespace anidb::cli
