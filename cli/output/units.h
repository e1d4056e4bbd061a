// How sizes and durations are written for people: "1.5 GiB", "512 B",
// "0:04", "1:02:03", "7.4 s".
#pragma once

#include <string>

namespace anidb::cli {

std::string human_bytes(double bytes);
// m:ss, or h:mm:ss from an hour on.
std::string clock_duration(double seconds);
// "0.4 s", "12 s", "3 min 5 s".
std::string human_seconds(double seconds);

}  // namespace anidb::cli
