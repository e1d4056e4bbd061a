// anidb-titles-bench: import time and search latency of the offline title
// index (src/titles) over a full-size synthetic dump, with a naive
// LIKE '%text%' scan of the same table beside it as the baseline.
// Benchmark, not a test: it prints figures.
//
//   anidb-titles-bench [--titles N] [--queries Q] [--seed S] [--dump FILE.dat.gz]
//     --titles N   synthetic dump size in titles (default 120000, about AniDB's)
//     --queries Q  searches per query kind (default 300)
//     --dump FILE  use a real anime-titles.dat.gz instead of a synthetic dump
// Build it in Release for figures.
#include <sqlite3.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "synthetic_dump.h"
#include "titles/title_index.h"

namespace fs = std::filesystem;
using namespace anidb;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// CPU time of this process (user + system), in ms: on a shared machine the
// wall-clock figures include waiting for a core, this does not.
double cpu_ms() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
           (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one.empty() ? "?" : one;
}

struct Query {
    std::string kind;
    std::string text;
    std::string lang;
};

struct Line {
    std::string lang;
    std::string title;
};

std::string gunzip_text(const std::string& gz) {
    z_stream z{};
    inflateInit2(&z, 16 + MAX_WBITS);
    std::string out;
    char buf[1 << 16];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    inflateEnd(&z);
    return out;
}

std::vector<Line> title_lines(const std::string& text) {
    std::vector<Line> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const size_t p1 = line.find('|');
        const size_t p2 = line.find('|', p1 + 1);
        const size_t p3 = line.find('|', p2 + 1);
        if (p3 == std::string_view::npos) continue;
        lines.push_back(
            {std::string(line.substr(p2 + 1, p3 - p2 - 1)), std::string(line.substr(p3 + 1))});
    }
    return lines;
}

// The code points of a UTF-8 string, each as its own string.
std::vector<std::string> characters(const std::string& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        size_t n = 1;
        const auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0xF0)
            n = 4;
        else if (b >= 0xE0)
            n = 3;
        else if (b >= 0xC0)
            n = 2;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

// Words of Latin letters (ASCII, and two-byte UTF-8 letters such as "ō").
std::vector<std::string> latin_words(const std::string& title) {
    std::vector<std::string> words;
    std::string w;
    for (const std::string& ch : characters(title + " ")) {
        const bool letter = (ch.size() == 1 &&
                             ((ch[0] >= 'a' && ch[0] <= 'z') || (ch[0] >= 'A' && ch[0] <= 'Z'))) ||
                            ch.size() == 2;
        if (letter) {
            w += ch;
        } else {
            if (!w.empty()) words.push_back(w);
            w.clear();
        }
    }
    return words;
}

std::string upper_ascii_without_accents(std::string s) {
    const std::pair<const char*, const char*> plain[] = {
        {"ō", "o"}, {"ū", "u"}, {"é", "e"}, {"É", "E"}, {"ó", "o"}, {"à", "a"}, {"œ", "oe"}};
    for (const auto& [from, to] : plain) {
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from)) {
            s.replace(at, std::strlen(from), to);
        }
    }
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
}

std::vector<Query> make_queries(const std::vector<Line>& lines, size_t per_kind, uint64_t seed) {
    std::mt19937_64 rng(seed);
    const auto any = [&]() -> const Line& {
        return lines[std::uniform_int_distribution<size_t>(0, lines.size() - 1)(rng)];
    };
    std::vector<Query> q;
    const auto add = [&](const char* kind, const std::function<bool(Query&)>& make) {
        size_t made = 0;
        for (size_t tries = 0; made < per_kind && tries < per_kind * 1000; ++tries) {
            Query query{kind, {}, {}};
            if (make(query)) {
                q.push_back(query);
                ++made;
            }
        }
    };
    add("exact title", [&](Query& x) {
        x.text = any().title;
        return true;
    });
    add("prefix (4-10 letters)", [&](Query& x) {
        const Line& l = any();
        const auto words = latin_words(l.title);
        if (words.empty()) return false;
        const size_t n = std::uniform_int_distribution<size_t>(4, 10)(rng);
        std::string joined;
        for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
        const auto chars = characters(joined);
        if (chars.size() < n) return false;
        for (size_t i = 0; i < n; ++i) x.text += chars[i];
        return true;
    });
    add("one word", [&](Query& x) {
        const auto words = latin_words(any().title);
        if (words.empty()) return false;
        x.text = words[std::uniform_int_distribution<size_t>(0, words.size() - 1)(rng)];
        return x.text.size() >= 3;
    });
    add("two words reversed", [&](Query& x) {
        const auto words = latin_words(any().title);
        if (words.size() < 2) return false;
        x.text = words[1] + " " + words[0];
        return true;
    });
    add("accents/case changed", [&](Query& x) {
        const Line& l = any();
        if (l.title.find("ō") == std::string::npos && l.title.find("é") == std::string::npos &&
            l.title.find("ū") == std::string::npos) {
            return false;
        }
        x.text = upper_ascii_without_accents(l.title);
        return true;
    });
    add("CJK 2 characters inside", [&](Query& x) {
        const Line& l = any();
        if (l.lang != "ja" && l.lang != "zh-Hans") return false;
        const auto chars = characters(l.title);
        if (chars.size() < 4 || chars[1].size() != 3 || chars[2].size() != 3) return false;
        x.text = chars[1] + chars[2];
        return true;
    });
    add("inside a word (4 letters)", [&](Query& x) {
        const auto words = latin_words(any().title);
        for (const auto& w : words) {
            const auto chars = characters(w);
            if (chars.size() >= 8) {
                x.text = chars[2] + chars[3] + chars[4] + chars[5];
                return true;
            }
        }
        return false;
    });
    add("1-2 letters", [&](Query& x) {
        static const char* shortest[] = {"a", "k", "s", "t", "ka", "no", "sh", "to", "ma", "re"};
        x.text = shortest[std::uniform_int_distribution<size_t>(0, std::size(shortest) - 1)(rng)];
        return true;
    });
    add("word, language en", [&](Query& x) {
        const auto words = latin_words(any().title);
        if (words.empty() || words[0].size() < 3) return false;
        x.text = words[0];
        x.lang = "en";
        return true;
    });
    add("no match", [&](Query& x) {
        static const char consonants[] = "bcdfghjklmnpqrstvwxz";
        for (int i = 0; i < 6; ++i) {
            x.text += consonants[std::uniform_int_distribution<size_t>(0, 19)(rng)];
        }
        return true;
    });
    return q;
}

struct Stats {
    double p50 = 0, p95 = 0, max = 0;
};

Stats stats_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    if (v.empty()) return {};
    const auto at = [&](double p) { return v[static_cast<size_t>(p * (v.size() - 1))]; };
    return {at(0.5), at(0.95), v.back()};
}

// The baseline: what a naive implementation would run (case-insensitive for
// ASCII only, no accents, no CJK words, no ranking).
class NaiveScan {
  public:
    explicit NaiveScan(const fs::path& db) {
        sqlite3_open_v2(db.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_prepare_v2(db_,
                           "SELECT aid, title FROM anime_titles WHERE title LIKE ?1 "
                           "AND (?2 = '' OR lang = ?2) LIMIT 20",
                           -1, &stmt_, nullptr);
    }
    ~NaiveScan() {
        sqlite3_finalize(stmt_);
        sqlite3_close(db_);
    }
    size_t run(const Query& q) {
        const std::string like = "%" + q.text + "%";
        sqlite3_bind_text(stmt_, 1, like.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt_, 2, q.lang.c_str(), -1, SQLITE_TRANSIENT);
        size_t n = 0;
        while (sqlite3_step(stmt_) == SQLITE_ROW) ++n;
        sqlite3_reset(stmt_);
        return n;
    }

  private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
    size_t titles = 120'000;
    size_t per_kind = 300;
    uint64_t seed = 1;
    std::string dump_file;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        const std::string value = a.rfind("--", 0) == 0 ? next() : "";
        if (a == "--titles" && !value.empty()) {
            titles = std::stoul(value);
        } else if (a == "--queries" && !value.empty()) {
            per_kind = std::stoul(value);
        } else if (a == "--seed" && !value.empty()) {
            seed = std::stoull(value);
        } else if (a == "--dump" && !value.empty()) {
            dump_file = value;
        } else {
            std::fprintf(stderr,
                         "usage: anidb-titles-bench [--titles N] [--queries Q] [--seed S] "
                         "[--dump FILE.dat.gz]\n");
            return 2;
        }
    }

    std::string gz;
    std::string text;
    if (dump_file.empty()) {
        const auto t0 = Clock::now();
        auto dump = bench::make_synthetic_dump(titles, seed);
        text = std::move(dump.text);
        gz = bench::gzip_text(text);
        std::printf(
            "synthetic dump: %zu titles of %zu anime, %.1f MB text, %.1f MB gzip "
            "(made in %.0f ms)\n",
            dump.titles, dump.anime, text.size() / 1e6, gz.size() / 1e6, ms_since(t0));
    } else {
        std::ifstream in(dump_file, std::ios::binary);
        gz.assign(std::istreambuf_iterator<char>(in), {});
        text = gunzip_text(gz);
        std::printf("dump %s: %.1f MB text, %.1f MB gzip\n", dump_file.c_str(), text.size() / 1e6,
                    gz.size() / 1e6);
    }
    const auto lines = title_lines(text);

    char dir_template[] = "/tmp/anidb-titles-bench-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) return 1;
    const fs::path dir = dir_template;
    const fs::path db = dir / "anidb.db";
    auto index = titles::TitleIndex::open(db);
    if (!index) {
        std::fprintf(stderr, "open: %s\n", index.error().message.c_str());
        return 1;
    }
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(gz.data()), gz.size());
    std::printf("load average at start: %s on %u cores\n", load_average().c_str(),
                std::thread::hardware_concurrency());
    double import_ms = 0;
    double import_cpu_ms = 0;
    for (int run = 0; run < 2; ++run) {  // the second replaces what the first stored
        const auto t0 = Clock::now();
        const double c0 = cpu_ms();
        auto counts = (*index)->import_dump(bytes, 1'700'000'000 + run);
        const double ms = ms_since(t0);
        const double cpu = cpu_ms() - c0;
        if (!counts) {
            std::fprintf(stderr, "import: %s\n", counts.error().message.c_str());
            return 1;
        }
        std::printf(
            "import %d (gunzip, validate, fold, index, commit): %.0f ms (CPU %.0f ms), "
            "%llu titles, %llu anime\n",
            run + 1, ms, cpu, static_cast<unsigned long long>(counts->titles),
            static_cast<unsigned long long>(counts->anime));
        import_ms = run == 0 ? ms : std::min(import_ms, ms);
        import_cpu_ms = run == 0 ? cpu : std::min(import_cpu_ms, cpu);
    }
    std::error_code ec;
    std::printf("database: %.1f MB\n", fs::file_size(db, ec) / 1e6);
    {
        const auto t0 = Clock::now();
        const Status sound = (*index)->verify();
        std::printf("verify: %.0f ms (%s)\n", ms_since(t0), sound ? "sound" : "DAMAGED");
    }

    const auto queries = make_queries(lines, per_kind, seed + 1);
    for (size_t i = 0; i < std::min<size_t>(100, queries.size()); ++i) {
        (void)(*index)->search(queries[i].text, queries[i].lang);  // warm the page cache
    }
    NaiveScan naive(db);
    std::map<std::string, std::vector<double>> by_kind;
    std::map<std::string, std::vector<double>> naive_by_kind;
    std::map<std::string, size_t> empty_by_kind;
    std::vector<double> all;
    std::vector<double> naive_all;
    std::vector<std::string> order;
    size_t failures = 0;
    double search_cpu_ms = 0;
    double slowest_ms = 0;
    double slowest_cpu_ms = 0;
    const Query* slowest = nullptr;
    for (const Query& q : queries) {
        if (by_kind.find(q.kind) == by_kind.end()) order.push_back(q.kind);
        auto t0 = Clock::now();
        const double c0 = cpu_ms();
        auto r = (*index)->search(q.text, q.lang, 20);
        const double ms = ms_since(t0);
        const double cpu = cpu_ms() - c0;
        search_cpu_ms += cpu;
        if (ms > slowest_ms) {
            slowest_ms = ms;
            slowest_cpu_ms = cpu;
            slowest = &q;
        }
        if (!r) {
            if (failures++ < 5) {
                std::fprintf(stderr, "search '%s' failed: %s\n", q.text.c_str(),
                             r.error().message.c_str());
            }
            continue;
        }
        if (r->matches.empty()) ++empty_by_kind[q.kind];
        by_kind[q.kind].push_back(ms);
        all.push_back(ms);
        t0 = Clock::now();
        naive.run(q);
        const double naive_ms = ms_since(t0);
        naive_by_kind[q.kind].push_back(naive_ms);
        naive_all.push_back(naive_ms);
    }

    std::printf(
        "\nsearch latency, limit 20, %zu queries (ms)    index: p50     p95     max"
        "  | naive LIKE scan: p50     p95   | no match\n",
        all.size());
    const auto row = [&](const std::string& name, const std::vector<double>& v,
                         const std::vector<double>& n, size_t empty) {
        const Stats s = stats_of(v);
        const Stats b = stats_of(n);
        std::printf("  %-34s %4zu %8.2f %7.2f %7.2f  | %19.2f %7.2f   | %zu\n", name.c_str(),
                    v.size(), s.p50, s.p95, s.max, b.p50, b.p95, empty);
    };
    for (const auto& kind : order) {
        row(kind, by_kind[kind], naive_by_kind[kind], empty_by_kind[kind]);
    }
    size_t empty_total = 0;
    for (const auto& [k, n] : empty_by_kind) empty_total += n;
    row("all", all, naive_all, empty_total);
    const Stats s = stats_of(all);
    const Stats b = stats_of(naive_all);
    std::printf(
        "\nimport %.0f ms (CPU %.0f ms); search p50 %.2f ms, p95 %.2f ms, max %.2f ms "
        "(goal: < 50 ms), mean CPU %.2f ms; naive scan / index at p50: %.1fx; "
        "load average at end: %s%s\n",
        import_ms, import_cpu_ms, s.p50, s.p95, s.max,
        all.empty() ? 0.0 : search_cpu_ms / all.size(), s.p50 > 0 ? b.p50 / s.p50 : 0.0,
        load_average().c_str(), failures != 0 ? "  (SEARCH FAILURES)" : "");
    if (slowest != nullptr) {
        std::printf("slowest search: %.2f ms (CPU %.2f ms), %s: \"%s\"%s%s\n", slowest_ms,
                    slowest_cpu_ms, slowest->kind.c_str(), slowest->text.c_str(),
                    slowest->lang.empty() ? "" : " language ", slowest->lang.c_str());
    }
    fs::remove_all(dir, ec);
    return failures == 0 ? 0 : 1;
}
