#include "file_selection.h"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <filesystem>
#include <system_error>

namespace anidb::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 22> kMediaExtensions{
    "mkv", "mp4",  "avi", "ogm", "ogv",  "webm", "wmv", "mpg", "mpeg", "m4v",  "mov",
    "ts",  "m2ts", "flv", "rm",  "rmvb", "divx", "asf", "vob", "3gp",  "mk3d", "mka"};

std::string_view base_name(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    const size_t slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool any_glob_matches(const std::vector<std::string>& globs, std::string_view path) {
    return std::any_of(globs.begin(), globs.end(),
                       [&](const std::string& g) { return glob_matches(g, path); });
}

// Why a path found or named cannot be taken. Paths longer than PATH_MAX
// are named for what they are: no system call accepts them, so neither
// hashing nor any other command could open the file.
std::string problem_with(const std::string& path, const std::error_code& ec) {
    if (path.size() >= PATH_MAX || ec == std::errc::filename_too_long) {
        return "path is longer than PATH_MAX (" + std::to_string(PATH_MAX) +
               " bytes): the system cannot open it; move or rename it to take it";
    }
    if (ec == std::errc::no_such_file_or_directory) return "no such file or directory";
    return "cannot read: " + ec.message();
}

void walk_directory(const std::string& dir, const FileFilter& filter, FileSelection& out) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        out.problems.push_back({dir, "cannot read directory: " + ec.message()});
        return;
    }
    std::vector<std::string> names;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        names.push_back(it->path().filename().string());
    }
    if (ec) out.problems.push_back({dir, "cannot read directory: " + ec.message()});
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
        const std::string path = (dir.ends_with('/') ? dir : dir + "/") + name;
        const fs::file_status link_status = fs::symlink_status(path, ec);
        if (ec == std::errc::no_such_file_or_directory) continue;  // vanished meanwhile
        if (ec || path.size() >= PATH_MAX) {
            if (!directory_excluded(filter, path) &&
                (ec || fs::is_directory(link_status) || file_passes(filter, path))) {
                out.problems.push_back({path, problem_with(path, ec)});
            }
            continue;
        }
        if (fs::is_directory(link_status)) {
            if (!directory_excluded(filter, path)) walk_directory(path, filter, out);
            continue;
        }
        // A dangling symlink is skipped like any other non-file.
        const fs::file_status target = fs::status(path, ec);
        if (ec && ec != std::errc::no_such_file_or_directory && file_passes(filter, path)) {
            out.problems.push_back({path, problem_with(path, ec)});
        } else if (!ec && fs::is_regular_file(target) && file_passes(filter, path)) {
            out.files.push_back(path);
        }
    }
}

}  // namespace

bool has_media_extension(std::string_view path) {
    const std::string_view name = base_name(path);
    const size_t dot = name.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    std::string ext(name.substr(dot + 1));
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::find(kMediaExtensions.begin(), kMediaExtensions.end(), ext) !=
           kMediaExtensions.end();
}

bool glob_matches(std::string_view pattern, std::string_view path) {
    const std::string p(pattern);
    if (p.find('/') != std::string::npos) {
        std::string full(path);
        if (full.starts_with("./")) full.erase(0, 2);
        std::string pat = p;
        if (pat.starts_with("./")) pat.erase(0, 2);
        return fnmatch(pat.c_str(), full.c_str(), 0) == 0;
    }
    return fnmatch(p.c_str(), std::string(base_name(path)).c_str(), 0) == 0;
}

bool file_passes(const FileFilter& filter, std::string_view path) {
    if (any_glob_matches(filter.exclude, path)) return false;
    if (!filter.include.empty()) return any_glob_matches(filter.include, path);
    return filter.all_files || has_media_extension(path);
}

bool directory_excluded(const FileFilter& filter, std::string_view path) {
    return any_glob_matches(filter.exclude, path);
}

FileSelection select_files(const std::vector<std::string>& paths, const FileFilter& filter) {
    FileSelection out;
    for (const std::string& path : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);
        if (ec || !fs::exists(status) || path.size() >= PATH_MAX) {
            out.problems.push_back({path, problem_with(path, ec)});
        } else if (fs::is_directory(status)) {
            if (filter.recursive) {
                walk_directory(path, filter, out);
            } else {
                out.problems.push_back({path, "is a directory (use -r to walk it)"});
            }
        } else if (fs::is_regular_file(status)) {
            out.files.push_back(path);
        } else {
            out.problems.push_back({path, "not a regular file"});
        }
    }
    return out;
}

}  // namespace anidb::cli
