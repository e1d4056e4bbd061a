// Which files a command works on: the paths named on the command line, the
// trees below directories with -r, filtered by media extension and by
// --include/--exclude globs (fnmatch). Pure apart from reading directories.
//
// Rules:
// - A file named on the command line is always taken.
// - Under a directory, a file is taken when it matches an --include glob, or
//   (no --include given) when it has a media extension or --all-files is on;
//   and it matches no --exclude glob.
// - An --exclude glob that matches a directory prunes the whole subtree.
// - A glob without '/' is matched against the base name, one with '/'
//   against the path as printed (e.g. "show/extras/*").
// - Entries are visited in byte order so output is reproducible; directory
//   symlinks are not followed (no loops), file symlinks are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace anidb::cli {

struct FileFilter {
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    bool all_files = false;
    bool recursive = false;
};

struct SelectionProblem {
    std::string path;
    std::string message;
};

struct FileSelection {
    std::vector<std::string> files;
    std::vector<SelectionProblem> problems;  // missing paths, directories without -r, ...
};

// True for the video container extensions AniDB files use (case-insensitive).
bool has_media_extension(std::string_view path);

bool glob_matches(std::string_view pattern, std::string_view path);

// Whether a file found under a directory passes the filter (not for
// command-line files, which always pass).
bool file_passes(const FileFilter& filter, std::string_view path);
bool directory_excluded(const FileFilter& filter, std::string_view path);

FileSelection select_files(const std::vector<std::string>& paths, const FileFilter& filter);

}  // namespace anidb::cli
