// anidb-titles-capi-bench: title search latency through the C ABI
// (anidb_titles_search + anidb_free_title_search_result: handle lookup,
// search, the tracked result block, its free) over a full-size synthetic
// dump, as a player plugin or the binding sees it.
//
//   anidb-titles-capi-bench [--titles N] [--queries Q]
//
// The dump (synthetic_dump.h, default 120,000 titles) is imported into a
// fresh cache database with TitleIndex::import_dump (no HTTP: the import is
// anidb-titles-bench's subject); then Q searches of each kind (a whole title,
// its first word, its first two words reversed, a 4-letter prefix; limit 20)
// run through a client on that database. Prints p50 / p95 / max in ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "anidb/anidb.h"
#include "synthetic_dump.h"
#include "titles/title_index.h"

namespace {

std::vector<std::string> words_of(const std::string& title) {
    std::vector<std::string> out;
    std::istringstream in(title);
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    size_t titles = 120000, per_kind = 300;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--titles") titles = std::stoul(argv[i + 1]);
        if (a == "--queries") per_kind = std::stoul(argv[i + 1]);
    }
    const auto dir =
        std::filesystem::temp_directory_path() / ("anidb-capi-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto dump = anidb::bench::make_synthetic_dump(titles);
    const std::string gz = anidb::bench::gzip_text(dump.text);
    {
        auto index = anidb::titles::TitleIndex::open(dir / "anidb.db");
        if (!index) return std::fprintf(stderr, "open: %s\n", index.error().message.c_str()), 1;
        const auto* p = reinterpret_cast<const uint8_t*>(gz.data());
        auto imported = (*index)->import_dump({p, gz.size()}, std::time(nullptr));
        if (!imported)
            return std::fprintf(stderr, "import: %s\n", imported.error().message.c_str()), 1;
        std::printf("dump: %zu titles of %zu anime\n", static_cast<size_t>(imported->titles),
                    static_cast<size_t>(imported->anime));
    }
    // Titles of the dump, for the queries.
    std::vector<std::string> lines;
    std::istringstream in(dump.text);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        const size_t bar = line.rfind('|');
        lines.push_back(line.substr(bar + 1));
    }
    std::mt19937_64 rng(7);
    std::vector<std::pair<const char*, std::string>> queries;
    const char* kinds[] = {"whole title", "first word", "two words reversed", "4-letter prefix"};
    for (const char* kind : kinds) {
        for (size_t n = 0; n < per_kind;) {
            const std::string& t = lines[rng() % lines.size()];
            const auto w = words_of(t);
            std::string q;
            if (kind == kinds[0]) q = t;
            if (kind == kinds[1] && !w.empty()) q = w[0];
            if (kind == kinds[2] && w.size() >= 2) q = w[1] + " " + w[0];
            if (kind == kinds[3] && !w.empty() && w[0].size() >= 4 &&
                static_cast<unsigned char>(w[0][0]) < 0x80) {
                q = w[0].substr(0, 4);
            }
            if (q.empty()) continue;
            queries.emplace_back(kind, q);
            ++n;
        }
    }

    if (anidb_init(ANIDB_ABI_VERSION) != ANIDB_SUCCESS) return 1;
    anidb_config_t cfg{};
    const std::string cache_dir = dir.string();
    cfg.cache_dir = cache_dir.c_str();
    anidb_client_handle_t client = nullptr;
    if (anidb_client_create_with_config(&cfg, &client) != ANIDB_SUCCESS) return 1;
    for (size_t i = 0; i < 100; ++i) {  // warm the page cache
        anidb_title_search_result_t* r = nullptr;
        anidb_titles_search(client, queries[i].second.c_str(), nullptr, 20, &r);
        anidb_free_title_search_result(r);
    }
    std::printf(
        "search through the C ABI, limit 20, %zu queries per kind (ms):  p50     p95     max\n",
        per_kind);
    std::vector<double> all;
    size_t failures = 0, empty = 0;
    for (const char* kind : kinds) {
        std::vector<double> ms;
        for (const auto& [k, q] : queries) {
            if (k != kind) continue;
            anidb_title_search_result_t* r = nullptr;
            const auto t0 = std::chrono::steady_clock::now();
            const anidb_result_t rc = anidb_titles_search(client, q.c_str(), nullptr, 20, &r);
            if (rc == ANIDB_SUCCESS && r->count == 0) ++empty;
            anidb_free_title_search_result(r);
            const auto t1 = std::chrono::steady_clock::now();
            if (rc != ANIDB_SUCCESS) ++failures;
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        all.insert(all.end(), ms.begin(), ms.end());
        std::sort(ms.begin(), ms.end());
        std::printf("  %-22s %7.2f %7.2f %7.2f\n", kind, ms[ms.size() / 2],
                    ms[ms.size() * 95 / 100], ms.back());
    }
    std::sort(all.begin(), all.end());
    std::printf("  %-22s %7.2f %7.2f %7.2f\n", "all", all[all.size() / 2],
                all[all.size() * 95 / 100], all.back());
    std::printf("failed calls: %zu, searches without a match: %zu\n", failures, empty);
    uint64_t leaks = 1, bytes = 1;
    anidb_check_memory_leaks(&leaks, &bytes);
    std::printf("live allocations after the run: %llu\n", static_cast<unsigned long long>(leaks));
    anidb_client_destroy(client);
    anidb_cleanup();
    std::filesystem::remove_all(dir);
    return failures == 0 ? 0 : 1;
}
