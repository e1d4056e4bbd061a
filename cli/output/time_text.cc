#include "time_text.h"

#include <ctime>
#include <limits>

namespace anidb::cli {

std::optional<int64_t> parse_watch_date(const std::string& text) {
    if (text.empty() || text == "now") return static_cast<int64_t>(std::time(nullptr));
    if (text.find_first_not_of("0123456789") == std::string::npos) {
        if (text.size() > 10) return std::nullopt;
        const int64_t v = std::stoll(text);
        if (v < 1 || v > std::numeric_limits<int32_t>::max()) return std::nullopt;
        return v;
    }
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (end == nullptr || *end != '\0') {
        tm = {};
        end = strptime(text.c_str(), "%Y-%m-%dT%H:%M", &tm);
    }
    if (end == nullptr || *end != '\0') {
        tm = {};
        end = strptime(text.c_str(), "%Y-%m-%d", &tm);
    }
    if (end == nullptr || *end != '\0') return std::nullopt;
    tm.tm_isdst = -1;
    const time_t t = std::mktime(&tm);
    // mktime's failure (-1) is below 1 too.
    if (t < 1 || t > std::numeric_limits<int32_t>::max()) {
        return std::nullopt;
    }
    return static_cast<int64_t>(t);
}

namespace {
std::string format(int64_t unix_time, const char* pattern) {
    if (unix_time <= 0) return "-";
    const time_t t = static_cast<time_t>(unix_time);
    std::tm tm{};
    if (localtime_r(&t, &tm) == nullptr) return "-";
    char out[64];
    const size_t n = std::strftime(out, sizeof out, pattern, &tm);
    return n == 0 ? "-" : std::string(out, n);
}
}  // namespace

std::string local_time_text(int64_t unix_time) {
    return format(unix_time, "%Y-%m-%d %H:%M");
}

std::string local_date_text(int64_t unix_time) {
    return format(unix_time, "%Y-%m-%d");
}

}  // namespace anidb::cli
