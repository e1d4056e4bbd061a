// Where a name written in a hash list points. The peers (md5sum, sha1sum,
// rhash, cksfv) resolve names against the current folder; a list kept next
// to its files is checked from anywhere when the list's folder is tried
// next. SFVs made on Windows write "Folder\file.mkv": a name with a
// backslash is tried as written first (a backslash is a legal byte in a
// Linux name), then with '/' for '\'. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace anidb::cli {

// The paths to try, in order, for `name` from a list in `list_folder`
// ("" for standard input or a list in the current folder).
std::vector<std::string> list_name_candidates(std::string_view name, std::string_view list_folder);

// `path` made absolute against the current folder and lexically
// normalised, for comparing a list's names with files on the command line.
std::string comparable_path(std::string_view path);

}  // namespace anidb::cli
