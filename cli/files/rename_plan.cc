#include "rename_plan.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace anidb::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 19> kRelatedExtensions{
    "ass", "ssa",  "srt", "sub", "idx", "vtt", "sup",  "mka", "ac3", "eac3",
    "dts", "flac", "aac", "ogg", "mp3", "m4a", "opus", "txt", "nfo"};

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::vector<fs::path> find_related_files(const fs::path& file) {
    std::vector<fs::path> out;
    const std::string stem = file.stem().string();
    const std::string own = file.filename().string();
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name == own || name.size() <= stem.size() + 1 || !name.starts_with(stem + "."))
            continue;
        const std::string ext = lower(it->path().extension().string().substr(1));
        if (std::find(kRelatedExtensions.begin(), kRelatedExtensions.end(), ext) ==
            kRelatedExtensions.end()) {
            continue;
        }
        if (it->is_regular_file(ec))
            out.push_back(file.has_parent_path() ? dir / name : fs::path(name));
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool belongs_to(const fs::path& other, const fs::path& video) {
    const fs::path other_dir = other.has_parent_path() ? other.parent_path() : fs::path(".");
    const fs::path video_dir = video.has_parent_path() ? video.parent_path() : fs::path(".");
    if (other_dir.lexically_normal() != video_dir.lexically_normal()) return false;
    const std::string name = other.filename().string();
    const std::string stem = video.stem().string();
    return name != video.filename().string() && name.size() > stem.size() + 1 &&
           name.starts_with(stem + ".");
}

std::vector<FileMove> plan_moves(const fs::path& file, const std::string& new_relative,
                                 const fs::path& dest_root, const std::vector<fs::path>& related) {
    std::vector<FileMove> moves;
    const fs::path target_base = dest_root / new_relative;
    moves.push_back({file, fs::path(target_base.string() + file.extension().string())});
    const size_t stem_length = file.stem().string().size();
    for (const fs::path& extra : related) {
        const std::string suffix = extra.filename().string().substr(stem_length);
        moves.push_back({extra, fs::path(target_base.string() + suffix)});
    }
    return moves;
}

namespace {

// strerror(3) is not thread-safe; the error category's message is.
std::string errno_text(int err = errno) {
    return std::generic_category().message(err);
}

Error exists_error(const fs::path& to) {
    return make_error(Errc::busy, to.string() + " exists already; not overwritten");
}

// Creates the missing folders of `dir`, outermost first, recording them.
Status create_folders(const fs::path& dir, std::vector<fs::path>& created) {
    std::vector<fs::path> missing;
    std::error_code ec;
    for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
        missing.push_back(p);
        if (p == p.parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0777) == 0) {
            created.push_back(*it);
        } else if (errno != EEXIST) {
            return make_error(Errc::io, "cannot create " + it->string() + ": " + errno_text());
        }
    }
    return {};
}

Status move_file(const FileMove& move) {
    std::error_code ec;
    if (::renameat2(AT_FDCWD, move.from.c_str(), AT_FDCWD, move.to.c_str(), RENAME_NOREPLACE) ==
        0) {
        return {};
    }
    const int err = errno;
    if (err == EEXIST) return exists_error(move.to);
    if (err == EINVAL || err == ENOSYS) {
        // File system without RENAME_NOREPLACE: check, then rename.
        if (fs::exists(move.to, ec)) return exists_error(move.to);
        fs::rename(move.from, move.to, ec);
        if (ec) return make_error(Errc::io, "cannot rename: " + ec.message());
        return {};
    }
    if (err == EXDEV) {
        fs::copy_file(move.from, move.to, fs::copy_options::none, ec);
        if (ec)
            return make_error(Errc::io, "cannot copy to " + move.to.string() + ": " + ec.message());
        fs::remove(move.from, ec);
        if (ec)
            return make_error(
                Errc::io, "copied, but cannot remove " + move.from.string() + ": " + ec.message());
        return {};
    }
    return make_error(err == ENOENT ? Errc::file_not_found : Errc::io,
                      "cannot rename " + move.from.string() + ": " + errno_text(err));
}

}  // namespace

Status transfer_file(const FileMove& move, Transfer how, std::vector<fs::path>& created) {
    if (move.to.has_parent_path()) {
        if (Status st = create_folders(move.to.parent_path(), created); !st) return st;
    }
    std::error_code ec;
    switch (how) {
        case Transfer::move:
            return move_file(move);
        case Transfer::copy:
            if (fs::exists(move.to, ec)) return exists_error(move.to);
            fs::copy_file(move.from, move.to, fs::copy_options::none, ec);
            if (ec) {
                return make_error(Errc::io,
                                  "cannot copy to " + move.to.string() + ": " + ec.message());
            }
            return {};
        case Transfer::hard_link:
            if (::link(move.from.c_str(), move.to.c_str()) == 0) return {};
            if (errno == EEXIST) return exists_error(move.to);
            if (errno == EXDEV) {
                return make_error(Errc::io, "cannot hard-link " + move.from.string() +
                                                " into another file system (use --link soft or "
                                                "--copy)");
            }
            return make_error(Errc::io, "cannot link " + move.from.string() + ": " + errno_text());
        case Transfer::soft_link: {
            const fs::path target = fs::absolute(move.from, ec).lexically_normal();
            if (::symlink(target.c_str(), move.to.c_str()) == 0) return {};
            if (errno == EEXIST) return exists_error(move.to);
            return make_error(Errc::io, "cannot link " + move.to.string() + ": " + errno_text());
        }
    }
    return make_error(Errc::invalid_parameter, "unknown transfer");
}

std::vector<fs::path> remove_empty_folders(const fs::path& folder, const fs::path& stop,
                                           const std::vector<fs::path>& keep) {
    std::vector<fs::path> removed;
    const auto below_stop = [&](const fs::path& p) {
        const auto rel = p.lexically_relative(stop);
        return !rel.empty() && *rel.begin() != ".." && rel != ".";
    };
    for (fs::path p = folder; below_stop(p); p = p.parent_path()) {
        if (std::find(keep.begin(), keep.end(), p) != keep.end()) break;
        if (::rmdir(p.c_str()) != 0) break;  // not empty (or not ours to remove)
        removed.push_back(p);
    }
    return removed;
}

std::filesystem::path undo_log_folder() {
    std::filesystem::path base;
    // Read once per run, before any thread could change the environment.
    if (const char* xdg = std::getenv("XDG_STATE_HOME");  // NOLINT(concurrency-mt-unsafe)
        xdg != nullptr && *xdg == '/') {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe)
        base = std::filesystem::path(home != nullptr ? home : ".") / ".local" / "state";
    }
    return base / "anidb" / "undo";
}

std::string shell_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

UndoLog::~UndoLog() {
    if (file_ != nullptr) std::fclose(file_);
}

Status UndoLog::open(const fs::path& path) {
    // The undo log is a shell script the user runs later: private (0600, its
    // new folders 0700) whatever the umask, and never written through a
    // symbolic link someone planted in its place.
    if (path.has_parent_path()) {
        fs::path dir;
        for (const auto& part : path.parent_path()) {
            dir /= part;
            if (::mkdir(dir.c_str(), 0700) == 0) (void)::chmod(dir.c_str(), 0700);
        }
    }
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return make_error(Errc::io,
                          "cannot write undo log " + path.string() + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(Errc::io, "cannot write undo log " + path.string() + ": not a file");
    }
    if (st.st_uid == ::geteuid()) (void)::fchmod(fd, 0600);  // the umask or an older log
    file_ = ::fdopen(fd, "a");
    if (file_ == nullptr) {
        ::close(fd);
        return make_error(Errc::io,
                          "cannot write undo log " + path.string() + ": " + std::strerror(errno));
    }
    path_ = path;
    // Unique per log opened: runs that append to one log never reuse a name.
    static std::atomic<unsigned> opened{0};
    id_prefix_ = std::to_string(std::time(nullptr)) + "_" + std::to_string(::getpid()) + "_" +
                 std::to_string(opened.fetch_add(1));
    std::fseek(file_, 0, SEEK_END);
    if (std::ftell(file_) == 0) {
        std::fputs(
            "#!/bin/sh\n"
            "# Undo log of `anidb rename`: `sh THIS_FILE` reverses every change below,\n"
            "# the last one first, and removes the folders the rename created (when empty).\n"
            "trap 'for undo in $anidb_undo; do \"$undo\"; done' EXIT\n",
            file_);
        std::fflush(file_);
    }
    return {};
}

void UndoLog::append(const std::string& body) {
    if (file_ == nullptr) return;
    const std::string name = "u_" + id_prefix_ + "_" + std::to_string(++functions_);
    const std::string line =
        name + "() { " + body + "; }; anidb_undo=\"" + name + " $anidb_undo\"\n";
    std::fputs(line.c_str(), file_);
    std::fflush(file_);
}

void UndoLog::record(const FileMove& done, Transfer how) {
    std::error_code ec;
    const fs::path to = fs::absolute(done.to, ec).lexically_normal();
    const fs::path from = fs::absolute(done.from, ec).lexically_normal();
    if (how == Transfer::move) {
        append("mkdir -p -- " + shell_quote(from.parent_path().string()) + " && mv -n -- " +
               shell_quote(to.string()) + ' ' + shell_quote(from.string()));
    } else {
        append("rm -f -- " + shell_quote(to.string()));
    }
    ++records_;
}

void UndoLog::record_created_folder(const fs::path& folder) {
    std::error_code ec;
    append("rmdir -- " + shell_quote(fs::absolute(folder, ec).lexically_normal().string()) +
           " 2>/dev/null || :");
}

}  // namespace anidb::cli
