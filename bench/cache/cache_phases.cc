// anidb-cache-phases: where the time of a cached (and uncached) pass over
// many small files goes, phase by phase, through the C++ components the C
// ABI sits on. Each phase runs once over every file and prints µs per file,
// so a cold phase really is cold (a new database). Benchmark, not a test.
//
//   anidb-cache-phases [--count N] [DIR]
//     DIR        an existing tree to use (walked recursively); without it N
//                random files of 4-64 KiB are made in a temporary directory
//     --count N  files to make (default 5000)
// Files are read once first so that they are in the page cache.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "cache/cache_db.h"
#include "cache/file_identity.h"
#include "client/client.h"
#include "hash/hash_file.h"

namespace fs = std::filesystem;
using namespace anidb;

namespace {

// Runs `one` on every path and prints µs/file; false if any call failed.
bool phase(const char* name, const std::vector<fs::path>& paths,
           const std::function<bool(const fs::path&)>& one) {
    size_t failed = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& p : paths) failed += one(p) ? 0 : 1;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("  %-44s %9.2f us/file %10.0f files/s%s\n", name, s * 1e6 / paths.size(),
                paths.size() / s, failed != 0 ? "  (FAILURES)" : "");
    return failed == 0;
}

// Times one call that covers every file (a batch).
void whole(const char* name, size_t count, const std::function<bool()>& run) {
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = run();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("  %-44s %9.2f us/file %10.0f files/s%s\n", name, s * 1e6 / count, count / s,
                ok ? "" : "  (FAILURES)");
}

std::vector<fs::path> make_tree(const fs::path& root, size_t count) {
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<int> kib(4, 64);
    std::vector<char> data(64 * 1024);
    std::vector<fs::path> paths;
    for (size_t i = 0; i < count; ++i) {
        // snprintf, not "d" + std::to_string(): GCC 12 at -O3 gives a false
        // -Wrestrict on the latter.
        char name[32];
        std::snprintf(name, sizeof name, "d%02zu", i % 50);
        const fs::path folder = root / name;
        fs::create_directories(folder);
        for (auto& c : data) c = static_cast<char>(rng());
        std::snprintf(name, sizeof name, "f%05zu.bin", i);
        const fs::path p = folder / name;
        std::ofstream(p, std::ios::binary).write(data.data(), kib(rng) * 1024);
        paths.push_back(p);
    }
    return paths;
}

std::shared_ptr<client::Client> make_client(const fs::path& cache_dir, bool cache_enabled) {
    client::ClientConfig config;
    config.cache_dir = cache_dir;
    config.cache_enabled = cache_enabled;
    auto c = client::Client::create(config);
    if (!c) {
        std::fprintf(stderr, "cannot create a client: %s\n", c.error().message.c_str());
        std::exit(2);
    }
    return std::move(c).value();
}

}  // namespace

int main(int argc, char** argv) {
    size_t count = 5000;
    fs::path given;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--count" && i + 1 < argc) {
            count = std::strtoul(argv[++i], nullptr, 10);
        } else if (!a.empty() && a[0] != '-') {
            given = a;
        } else {
            std::fprintf(stderr, "usage: anidb-cache-phases [--count N] [DIR]\n");
            return 2;
        }
    }
    const char* tmp_env = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp_env != nullptr ? tmp_env : "/tmp") + "/anidb-cache-phases.XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        std::perror("mkdtemp");
        return 2;
    }
    const fs::path tmp = buf.data();

    std::vector<fs::path> paths;
    if (given.empty()) {
        paths = make_tree(tmp / "tree", count);
    } else {
        for (const auto& e : fs::recursive_directory_iterator(given)) {
            if (e.is_regular_file()) paths.push_back(e.path());
        }
    }
    uint64_t bytes = 0;
    for (const auto& p : paths) {  // into the page cache
        std::ifstream in(p, std::ios::binary);
        std::vector<char> all((std::istreambuf_iterator<char>(in)), {});
        bytes += all.size();
    }
    std::printf("%zu files, %llu bytes, ED2K; each phase once over every file\n", paths.size(),
                static_cast<unsigned long long>(bytes));
    const std::vector<hash::Algorithm> ed2k{hash::Algorithm::ed2k};

    std::printf("building blocks:\n");
    phase("stat()", paths, [](const fs::path& p) {
        struct stat st {};
        return ::stat(p.c_str(), &st) == 0;
    });
    std::vector<cache::FileIdentity> ids;
    phase("cache::identify_file (absolute+normal+stat)", paths, [&](const fs::path& p) {
        auto id = cache::identify_file(p);
        if (id) ids.push_back(*id);
        return id.ok();
    });
    phase("hash::hash_file ED2K (read+hash)", paths, [&](const fs::path& p) {
        hash::FileHashOptions o;
        o.algorithms = ed2k;
        return hash::hash_file(p, o).ok();
    });
    {
        auto db = cache::CacheDb::open(tmp / "db1" / "anidb.db");
        if (!db) {
            std::fprintf(stderr, "cache: %s\n", db.error().message.c_str());
            return 2;
        }
        size_t i = 0;
        phase("CacheDb::find_hashes, empty database (miss)", paths,
              [&](const fs::path&) { return (*db)->find_hashes(ids[i++]).ok(); });
        i = 0;
        const std::map<int, std::string> digest{{1, "0123456789abcdef0123456789abcdef"}};
        phase("CacheDb::store_hashes (queued)", paths,
              [&](const fs::path&) { return (*db)->store_hashes(ids[i++], digest).ok(); });
        whole("CacheDb::flush (the groups' commits)", paths.size(),
              [&] { return (*db)->flush().ok(); });
        i = 0;
        phase("CacheDb::find_hashes (hit)", paths, [&](const fs::path&) {
            auto hit = (*db)->find_hashes(ids[i++]);
            return hit.ok() && hit->has_value();
        });
        std::vector<cache::CacheDb::Lookup> found;
        whole("CacheDb::find_exact_hashes (hits, groups of 64)", paths.size(), [&] {
            for (size_t at = 0; at < ids.size(); at += 64) {
                const auto group = std::span(ids).subspan(at, std::min<size_t>(64, ids.size() - at));
                if (!(*db)->find_exact_hashes(group, found).ok()) return false;
            }
            return true;
        });
    }
    {
        // Every store its own transaction: what grouping saves.
        cache::OpenOptions one;
        one.group_files = 1;
        auto db = cache::CacheDb::open(tmp / "db4" / "anidb.db", one);
        if (!db) {
            std::fprintf(stderr, "cache: %s\n", db.error().message.c_str());
            return 2;
        }
        size_t i = 0;
        const std::map<int, std::string> digest{{1, "0123456789abcdef0123456789abcdef"}};
        phase("CacheDb::store_hashes (group of 1: a transaction each)", paths,
              [&](const fs::path&) { return (*db)->store_hashes(ids[i++], digest).ok(); });
    }

    std::printf("client::Client::process_file, one thread:\n");
    client::ProcessOptions po;
    po.algorithms = ed2k;
    {
        auto c = make_client(tmp / "unused", false);
        phase("no cache (cache_enabled = false)", paths,
              [&](const fs::path& p) { return c->process_file(p, po).ok(); });
    }
    {
        auto c = make_client(tmp / "db2", true);
        phase("cold (new database: miss, hash, store)", paths,
              [&](const fs::path& p) { return c->process_file(p, po).ok(); });
        phase("warm (hit)", paths, [&](const fs::path& p) {
            auto r = c->process_file(p, po);
            return r.ok() && r->from_cache;
        });
    }

    std::printf("client::Client::process_batch (max_concurrent 0, skip_existing):\n");
    client::BatchOptions bo;
    bo.algorithms = ed2k;
    bo.skip_existing = true;
    {
        auto c = make_client(tmp / "unused2", false);
        whole("no cache", paths.size(), [&] {
            auto r = c->process_batch(paths, bo);
            return r.ok() && r->failed == 0;
        });
    }
    {
        auto c = make_client(tmp / "db3", true);
        whole("cold", paths.size(), [&] {
            auto r = c->process_batch(paths, bo);
            return r.ok() && r->failed == 0;
        });
        whole("warm", paths.size(), [&] {
            auto r = c->process_batch(paths, bo);
            return r.ok() && r->failed == 0;
        });
        bo.max_concurrent = 1;
        whole("warm, max_concurrent 1", paths.size(), [&] {
            auto r = c->process_batch(paths, bo);
            return r.ok() && r->failed == 0;
        });
    }
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return 0;
}
