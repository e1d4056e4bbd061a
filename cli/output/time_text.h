// Dates as the commands read and print them (local time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace anidb::cli {

// "", "now", "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (local time) or seconds
// since the epoch (1..2^31-1, AniDB's range); nullopt otherwise.
std::optional<int64_t> parse_watch_date(const std::string& text);

// "2024-05-01 21:30" in local time; "-" for 0 (unknown).
std::string local_time_text(int64_t unix_time);
// "2024-05-01" in local time; "-" for 0 (unknown).
std::string local_date_text(int64_t unix_time);

}  // namespace anidb::cli
