// Digest bytes to the text forms docs/design.md ("Hashing") fixes.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace anidb::hash {

// Lowercase hexadecimal, two characters per byte.
std::string to_hex(std::span<const uint8_t> bytes);
// CRC32 as 8 lowercase hex digits (what rhash --crc32 prints).
std::string crc32_to_hex(uint32_t crc);
// RFC 4648 base32, uppercase, without '=' padding (24 bytes -> 39 chars).
std::string to_base32(std::span<const uint8_t> bytes);

}  // namespace anidb::hash
