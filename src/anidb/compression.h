// Compressed reply datagrams (docs/anidb-protocol.md, "Compressed replies"): two zero bytes
// followed by a zlib stream, or (fallback) a raw DEFLATE stream. Thread-safe, no state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace anidb::udp {

// Largest reply text we accept after inflating; a datagram that inflates to
// more is refused (protects against decompression bombs).
inline constexpr size_t kMaxInflatedReply = 64 * 1024;

// True when the datagram starts with the compression marker 00 00.
bool is_compressed(std::string_view datagram);

// Inflates a datagram that starts with 00 00. Bytes 2-3 that form a valid
// zlib header select zlib (windowBits 15), anything else raw DEFLATE
// (windowBits -15). Errors: Errc::protocol for a corrupt or truncated
// stream, or one that inflates to more than max_size bytes.
Result<std::string> inflate_datagram(std::string_view datagram,
                                     size_t max_size = kMaxInflatedReply);

// Builds 00 00 + zlib stream (raw_deflate: 00 00 + raw DEFLATE) of text.
// Used by the fake server and tests.
Result<std::string> deflate_datagram(std::string_view text, bool raw_deflate = false);

}  // namespace anidb::udp
