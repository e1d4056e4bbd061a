// UTF-8 validation for every string that enters through the C ABI, and
// repair for strings that leave it (file names from disk may hold any bytes).
#pragma once

#include <string>
#include <string_view>

namespace anidb {

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;

// `s` with every ill-formed sequence replaced by U+FFFD, so the result can
// cross the ABI as a valid UTF-8 string.
std::string to_valid_utf8(std::string_view s);

}  // namespace anidb
