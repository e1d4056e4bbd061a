#include "list_paths.h"

#include <algorithm>
#include <filesystem>

namespace anidb::cli {

namespace fs = std::filesystem;

std::vector<std::string> list_name_candidates(std::string_view name, std::string_view list_folder) {
    std::vector<std::string> spellings{std::string(name)};
    if (name.find('\\') != std::string_view::npos) {
        std::string slashed(name);
        std::replace(slashed.begin(), slashed.end(), '\\', '/');
        spellings.push_back(std::move(slashed));
    }
    std::vector<std::string> out;
    const auto add = [&](std::string path) {
        if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(std::move(path));
    };
    for (const std::string& s : spellings) add(s);
    if (!list_folder.empty()) {
        for (const std::string& s : spellings) {
            if (!s.empty() && s.front() == '/') continue;  // absolute: nothing to join
            add((fs::path(std::string(list_folder)) / s).string());
        }
    }
    return out;
}

std::string comparable_path(std::string_view path) {
    std::error_code ec;
    fs::path p = fs::absolute(fs::path(std::string(path)), ec);
    if (ec) p = fs::path(std::string(path));
    return p.lexically_normal().string();
}

}  // namespace anidb::cli
