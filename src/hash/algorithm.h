// The hash algorithms the library computes, their names and text formats
// (docs/design.md, "Hashing"), and the validation every hashing request goes through.
// Everything here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace anidb::hash {

// Values equal the C ABI's anidb_hash_algorithm_t.
enum class Algorithm : int { ed2k = 1, crc32 = 2, md5 = 3, sha1 = 4, tth = 5 };

// ED2K flavours: `red` (default, what `rhash --ed2k` prints) appends MD4("")
// to the chunk list when the size is an exact non-zero multiple of the chunk
// size; `blue` does not. They differ only for such sizes.
enum class Ed2kVariant { red, blue };

inline constexpr uint64_t kEd2kChunkSize = 9728000;
inline constexpr size_t kMaxAlgorithms = 5;

// The algorithm with this C value, or nullopt for an unknown value.
std::optional<Algorithm> algorithm_from_int(int v) noexcept;
// "ed2k", "crc32", "md5", "sha1", "tth"; "unknown" for a value outside the enum.
const char* algorithm_name(Algorithm a) noexcept;
// Length of the digest text without NUL: 32, 8, 32, 40, 39; 0 if unknown.
size_t digest_text_length(Algorithm a) noexcept;
// True when `text` has the form the hasher gives for `a` (below): the right
// length, lowercase hex, or for TTH uppercase RFC 4648 base32. Used to check
// stored values (the cache) before they are handed out again.
bool is_digest_text(Algorithm a, std::string_view text) noexcept;

// One result: lowercase hex, except TTH which is RFC 4648 base32 uppercase
// without padding (as DC++ prints it).
struct Digest {
    Algorithm algorithm;
    std::string value;
    friend bool operator==(const Digest&, const Digest&) = default;
};

// OK for 1..5 known algorithms without duplicates; otherwise
// Errc::invalid_parameter with a message naming the problem.
Status validate_algorithms(std::span<const Algorithm> algorithms);

}  // namespace anidb::hash
