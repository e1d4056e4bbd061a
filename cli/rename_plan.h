// Moving renamed files safely: which files move together (--related), the
// moves themselves (never overwriting), and the undo log, a POSIX shell
// script of `mv` lines that reverses every move that happened.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace anidb::cli {

struct FileMove {
    std::filesystem::path from;
    std::filesystem::path to;
};

// Files next to `file` that belong to it: same base name followed by '.' and
// a subtitle or audio extension ("Show 01.en.ass", "Show 01.mka"). Sorted.
std::vector<std::filesystem::path> find_related_files(const std::filesystem::path& file);

// The moves that give `file` the name `new_relative` (from a template,
// without extension) under `dest_root`; the original extension is kept.
// With `related`, the related files follow, keeping their own suffixes.
std::vector<FileMove> plan_moves(const std::filesystem::path& file, const std::string& new_relative,
                                 const std::filesystem::path& dest_root, bool related);

// Moves one file without overwriting (Errc::busy when the target exists),
// creating missing folders, copying across file systems.
Status move_file(const FileMove& move);

// 'text' quoted for a POSIX shell (any bytes).
std::string shell_quote(std::string_view text);

// An append-only undo script; each record() is flushed so an interrupted run
// still leaves a usable log.
class UndoLog {
  public:
    UndoLog() = default;
    ~UndoLog();
    UndoLog(const UndoLog&) = delete;
    UndoLog& operator=(const UndoLog&) = delete;

    Status open(const std::filesystem::path& path);
    void record(const FileMove& done);
    const std::filesystem::path& path() const { return path_; }
    size_t records() const { return records_; }

  private:
    std::FILE* file_ = nullptr;
    std::filesystem::path path_;
    size_t records_ = 0;
};

}  // namespace anidb::cli
