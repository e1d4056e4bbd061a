// anidb-titles-gendump: writes a synthetic anime-titles dump (gzip, AniDB's
// format) for trying title search without asking AniDB, e.g. served by
// `python3 -m http.server` and fetched with TitleIndex::refresh.
//
//   anidb-titles-gendump [--titles N] [--seed S] OUT.dat.gz
#include <cstdio>
#include <fstream>
#include <string>

#include "synthetic_dump.h"

int main(int argc, char** argv) {
    size_t titles = 120'000;
    unsigned long long seed = 1;
    std::string out;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--titles" && i + 1 < argc) {
            titles = std::stoul(argv[++i]);
        } else if (a == "--seed" && i + 1 < argc) {
            seed = std::stoull(argv[++i]);
        } else if (out.empty() && !a.empty() && a[0] != '-') {
            out = a;
        } else {
            out.clear();
            break;
        }
    }
    if (out.empty()) {
        std::fprintf(stderr, "usage: anidb-titles-gendump [--titles N] [--seed S] OUT.dat.gz\n");
        return 2;
    }
    const auto dump = anidb::bench::make_synthetic_dump(titles, seed);
    const std::string gz = anidb::bench::gzip_text(dump.text);
    std::ofstream file(out, std::ios::binary);
    file.write(gz.data(), static_cast<std::streamsize>(gz.size()));
    if (!file) {
        std::fprintf(stderr, "cannot write %s\n", out.c_str());
        return 1;
    }
    std::printf("%s: %zu titles of %zu anime, %zu bytes of text, %zu bytes gzip\n", out.c_str(),
                dump.titles, dump.anime, dump.text.size(), gz.size());
    return 0;
}
