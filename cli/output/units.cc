#include "units.h"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace anidb::cli {

std::string human_bytes(double bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t unit = 0;
    while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
        bytes /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{:.0f} B", bytes)
                     : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

std::string clock_duration(double seconds) {
    const long long total = std::llround(seconds < 0 ? 0 : seconds);
    if (total >= 3600)
        return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
    return fmt::format("{}:{:02}", total / 60, total % 60);
}

std::string human_seconds(double seconds) {
    if (seconds < 0) seconds = 0;
    if (seconds < 10) return fmt::format("{:.1f} s", seconds);
    const long long total = std::llround(seconds);
    if (total < 60) return fmt::format("{} s", total);
    return fmt::format("{} min {} s", total / 60, total % 60);
}

}  // namespace anidb::cli
