// The CRC32 a release name carries, "[Group] Show - 01 [1A2B3C4D].mkv":
// the last group of exactly 8 hex digits in [] or () in the base name
// (rhash --check-embedded reads the same). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace anidb::cli {

// Lowercase hex, nullopt when the name carries none.
std::optional<std::string> embedded_crc32(std::string_view path);

}  // namespace anidb::cli
