// Text that came from the network (reply texts, ban reasons, data fields)
// made safe to show and to store: control characters (C0, DEL and C1) and
// bytes that are not UTF-8 become visible escapes ("\x1b", "\n"), so a
// hostile server cannot move a terminal's cursor, change its title or
// inject lines into a log. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace anidb::udp {

// Longest server text kept in an error message or a stored state.
inline constexpr size_t kMaxServerText = 300;

// `text` with control characters and invalid UTF-8 escaped ("\n", "\t",
// "\xHH"; a C1 control as its two bytes, "\xc2\x9b"), cut on a character
// boundary once the output would pass max_bytes ("..." is appended then).
// The output holds no control character, so escaping it again changes
// nothing (unless it was cut).
std::string safe_text(std::string_view text, size_t max_bytes = kMaxServerText);

// safe_text for text that may hold line breaks (a MyList note): each line
// escaped on its own, joined with '\n' again.
std::string safe_multiline_text(std::string_view text, size_t max_bytes = kMaxServerText);

// True when `text` is exactly `digits` hexadecimal digits (digits 0: any
// non-zero length).
bool is_hex(std::string_view text, size_t digits = 0);

}  // namespace anidb::udp
