#include "anime_facts.h"

#include <ctime>

namespace anidb::cli {

std::string anime_title(const client::AnimeInfo& info) {
    if (!info.title_romaji.empty()) return info.title_romaji;
    if (!info.title_english.empty()) return info.title_english;
    return info.title_kanji;
}

std::string format_date(int64_t unix_time, std::string_view format) {
    if (unix_time == 0 || format.empty()) return {};
    const auto t = static_cast<std::time_t>(unix_time);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return {};
    char buffer[256];
    const size_t n = std::strftime(buffer, sizeof buffer, std::string(format).c_str(), &tm);
    return std::string(buffer, n);
}

}  // namespace anidb::cli
