#include "rename_plan.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

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

std::vector<FileMove> plan_moves(const fs::path& file, const std::string& new_relative,
                                 const fs::path& dest_root, bool related) {
    std::vector<FileMove> moves;
    const fs::path target_base = dest_root / new_relative;
    moves.push_back({file, fs::path(target_base.string() + file.extension().string())});
    if (related) {
        const size_t stem_length = file.stem().string().size();
        for (const fs::path& extra : find_related_files(file)) {
            const std::string suffix = extra.filename().string().substr(stem_length);
            moves.push_back({extra, fs::path(target_base.string() + suffix)});
        }
    }
    return moves;
}

Status move_file(const FileMove& move) {
    std::error_code ec;
    if (move.to.has_parent_path()) {
        fs::create_directories(move.to.parent_path(), ec);
        if (ec)
            return make_error(
                Errc::io, "cannot create " + move.to.parent_path().string() + ": " + ec.message());
    }
    if (::renameat2(AT_FDCWD, move.from.c_str(), AT_FDCWD, move.to.c_str(), RENAME_NOREPLACE) ==
        0) {
        return {};
    }
    const int err = errno;
    if (err == EEXIST)
        return make_error(Errc::busy, move.to.string() + " exists already; not overwritten");
    if (err == EINVAL || err == ENOSYS) {
        // File system without RENAME_NOREPLACE: check, then rename.
        if (fs::exists(move.to, ec))
            return make_error(Errc::busy, move.to.string() + " exists already; not overwritten");
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
                      "cannot rename " + move.from.string() + ": " + std::strerror(err));
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
    std::fputs("#!/bin/sh\n# Undo log of `anidb rename`: run it with sh to move the files back.\n",
               file_);
    std::fflush(file_);
    return {};
}

void UndoLog::record(const FileMove& done) {
    if (file_ == nullptr) return;
    const std::string line = "mv -n -- " + shell_quote(fs::absolute(done.to).string()) + ' ' +
                             shell_quote(fs::absolute(done.from).string()) + '\n';
    std::fputs(line.c_str(), file_);
    std::fflush(file_);
    ++records_;
}

}  // namespace anidb::cli
