// Helpers shared by the title tests: gzip, a small dump in AniDB's format with
// the cases search must handle (accents, CJK, several types and languages),
// and raw access to the database file.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "titles/title_index.h"

namespace anidb::titles::test {

inline constexpr int64_t kNow = 1'700'000'000;  // 2023-11-14
inline constexpr int64_t kHour = 3600;
inline constexpr int64_t kDay = 24 * kHour;

// Compresses `text` as one gzip member.
inline std::string gzip(std::string_view text, int level = 6) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2");
    }
    std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    return out;
}

inline std::span<const uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// `count` plain filler titles (aids from 100000), so that a dump can carry a
// few bad lines and stay under the 1 % rejection bound.
inline std::string filler_lines(int count, int first_aid = 100000) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        out += std::to_string(first_aid + i) + "|1|x-jat|Filler Series " + std::to_string(i) + "\n";
    }
    return out;
}

// A small dump in AniDB's format (header comments included).
inline std::string sample_dump() {
    return "# created: Tue Nov 14 02:00:01 2023\n"
           "# <aid>|<type>|<language>|<title>\n"
           "1|1|x-jat|Seikai no Monshou\n"
           "1|4|en|Crest of the Stars\n"
           "1|4|ja|星界の紋章\n"
           "1|2|en|Crest of Stars\n"
           "23|1|x-jat|Cowboy Bebop\n"
           "23|4|ja|カウボーイビバップ\n"
           "23|3|x-jat|CB\n"
           "4563|1|x-jat|Cowboy Bebop: Tengoku no Tobira\n"
           "4563|4|en|Cowboy Bebop: The Movie\n"
           "4563|4|de|Cowboy Bebop: Der Film\n"
           "9541|1|x-jat|Shingeki no Kyojin\n"
           "9541|4|ja|進撃の巨人\n"
           "9541|4|en|Attack on Titan\n"
           "9541|3|x-jat|SnK\n"
           "230|1|x-jat|Pocket Monsters\n"
           "230|4|en|Pokémon\n"
           "9656|1|x-jat|Kyōkai no Kanata\n"
           "9656|4|en|Beyond the Boundary\n"
           "7729|1|x-jat|Steins;Gate\n"
           "5391|1|x-jat|Fate/stay night\n"
           "5391|4|fr|Fate/stay night: la série\n" +
           filler_lines(200);
}

// Runs one SQL statement on the file with a connection of its own (to damage
// or inspect what the API does not show).
inline void exec_sql(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string message = err != nullptr ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

inline void write_file(const std::filesystem::path& p, std::string_view bytes) {
    std::ofstream(p, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::unique_ptr<TitleIndex> open_index(const std::filesystem::path& file) {
    auto index = TitleIndex::open(file);
    EXPECT_TRUE(index.ok()) << (index.ok() ? "" : index.error().message);
    return index.ok() ? std::move(*index) : nullptr;
}

// The aids of a search, best first.
inline std::vector<uint64_t> aids_of(const SearchResult& r) {
    std::vector<uint64_t> out;
    for (const auto& m : r.matches) out.push_back(m.aid);
    return out;
}

}  // namespace anidb::titles::test
