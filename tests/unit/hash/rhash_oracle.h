// The `rhash` binary as the correctness oracle (ANIDB_RHASH set by CTest,
// else `rhash` on PATH): the five values it prints for a file.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace anidb::hash::test_support {

inline std::string rhash_binary() {
    const char* env = std::getenv("ANIDB_RHASH");
    return env && *env ? env : "rhash";
}

// ed2k, crc32, md5, sha1, tth (lowercased), in that order.
inline std::vector<std::string> rhash_five(const std::filesystem::path& path) {
    const std::string out =
        anidb::test::run_command(rhash_binary() +
                                 " --ed2k --crc32 --md5 --sha1 --tth --printf='%{ed2k} %{crc32} "
                                 "%{md5} %{sha1} %{tth}\\n' '" +
                                 path.string() + "'");
    std::istringstream in(out);
    std::vector<std::string> values;
    for (std::string v; in >> v;) {
        std::transform(v.begin(), v.end(), v.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        values.push_back(v);
    }
    return values;
}

inline std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace anidb::hash::test_support
