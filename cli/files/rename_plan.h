// Renaming files safely: which files go together (--related and non-video
// files named next to a video), the transfer itself (move, copy, hard or
// symbolic link; never overwriting; creating folders), removing folders a
// move left empty, and the undo log: a POSIX shell script that reverses
// every change, the last first, and removes the folders the rename created.
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

// How a file gets its new name.
enum class Transfer { move, copy, hard_link, soft_link };

// Files next to `file` that belong to it: same base name followed by '.' and
// a subtitle or audio extension ("Show 01.en.ass", "Show 01.mka"). Sorted.
std::vector<std::filesystem::path> find_related_files(const std::filesystem::path& file);

// Whether `other` belongs to `video`: in the same folder, named like it up
// to the extension ("Show 01.en.ass", "Show 01.ed2k" for "Show 01.mkv").
bool belongs_to(const std::filesystem::path& other, const std::filesystem::path& video);

// The moves that give `file` the name `new_relative` (from a template,
// without extension) under `dest_root`; the original extension is kept.
// The `related` files follow, keeping their own suffixes.
std::vector<FileMove> plan_moves(const std::filesystem::path& file, const std::string& new_relative,
                                 const std::filesystem::path& dest_root,
                                 const std::vector<std::filesystem::path>& related);

// Gives `move.from` the name `move.to` by `how`, never overwriting
// (Errc::busy when the target exists), creating missing folders (appended
// to `created`, outermost first), copying across file systems for a move.
// A soft link points at the absolute path of `from`.
Status transfer_file(const FileMove& move, Transfer how,
                     std::vector<std::filesystem::path>& created);

// Removes `folder` when empty, then its parents while they are empty and
// below `stop` (never `stop` itself, nor any of `keep`). Returns the
// folders removed.
std::vector<std::filesystem::path> remove_empty_folders(
    const std::filesystem::path& folder, const std::filesystem::path& stop,
    const std::vector<std::filesystem::path>& keep);

// Where undo logs go: $XDG_STATE_HOME/anidb/undo (or ~/.local/state/anidb/undo).
std::filesystem::path undo_log_folder();

// 'text' quoted for a POSIX shell (any bytes).
std::string shell_quote(std::string_view text);

// An append-only undo script. Each change is a shell function pushed on a
// stack that an EXIT trap runs newest first, so `sh LOG` undoes the last
// change first, also for a log a run was interrupted in or that several
// runs appended to. Each record is flushed at once.
class UndoLog {
  public:
    UndoLog() = default;
    ~UndoLog();
    UndoLog(const UndoLog&) = delete;
    UndoLog& operator=(const UndoLog&) = delete;

    Status open(const std::filesystem::path& path);
    // A file given its new name by `how` (undo: move it back, or remove
    // the copy or link).
    void record(const FileMove& done, Transfer how);
    // A folder the rename created (undo: remove it when empty).
    void record_created_folder(const std::filesystem::path& folder);
    const std::filesystem::path& path() const { return path_; }
    size_t records() const { return records_; }

  private:
    void append(const std::string& body);

    std::FILE* file_ = nullptr;
    std::filesystem::path path_;
    std::string id_prefix_;  // makes function names unique across runs
    size_t records_ = 0;
    size_t functions_ = 0;
};

}  // namespace anidb::cli
