// anidb-hashfile: hashes files through the C++ API (anidb::hash::hash_file),
// for bench/compare-rhash and by hand.
//   anidb-hashfile [-a ed2k,crc32,md5,sha1,tth] [--blue] [-j THREADS] [-v] FILE...
// Prints one line per file: the digests in the order asked, then the path.
// -v: also the MD4 kernel in use (ANIDB_SIMD chooses it) on stderr.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "hash/hash_file.h"
#include "hash/md4_kernel_choice.h"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: anidb-hashfile [-a ed2k,crc32,md5,sha1,tth] [--blue] [-j THREADS] [-v] "
                 "FILE...\n");
    return 2;
}

bool parse_algorithms(const std::string& list, std::vector<anidb::hash::Algorithm>& out) {
    out.clear();
    size_t start = 0;
    while (start <= list.size()) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string name = list.substr(start, comma - start);
        bool found = false;
        for (int v = 1; v <= 5; ++v) {
            const auto a = *anidb::hash::algorithm_from_int(v);
            if (name == anidb::hash::algorithm_name(a)) {
                out.push_back(a);
                found = true;
            }
        }
        if (!found) return false;
        start = comma + 1;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    anidb::hash::FileHashOptions options;
    parse_algorithms("ed2k,crc32,md5,sha1,tth", options.algorithms);
    std::vector<std::string> paths;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-a" && i + 1 < argc) {
            if (!parse_algorithms(argv[++i], options.algorithms)) return usage();
        } else if (arg == "-j" && i + 1 < argc) {
            options.max_threads = static_cast<unsigned>(std::stoul(argv[++i]));
        } else if (arg == "-v") {
            std::fprintf(stderr, "md4 kernel: %s\n",
                         anidb::hash::md4_kernel_name(anidb::hash::active_md4_kernel()));
        } else if (arg == "--blue") {
            options.ed2k_variant = anidb::hash::Ed2kVariant::blue;
        } else if (!arg.empty() && arg[0] == '-') {
            return usage();
        } else {
            paths.push_back(arg);
        }
    }
    if (paths.empty()) return usage();
    int status = 0;
    for (const auto& path : paths) {
        auto result = anidb::hash::hash_file(path, options);
        if (!result) {
            std::fprintf(stderr, "%s: %s\n", path.c_str(), result.error().message.c_str());
            status = 1;
            continue;
        }
        for (const auto& d : result->digests) std::printf("%s  ", d.value.c_str());
        std::printf("%s\n", path.c_str());
    }
    return status;
}
