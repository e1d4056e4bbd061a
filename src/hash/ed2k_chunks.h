// The ED2K chunk list: MD4 of each 9728000-byte chunk, then MD4 of the
// concatenated chunk digests (or the single chunk digest when there is only
// one). The red and blue variants differ only for sizes that are an exact
// non-zero multiple of the chunk size, where red appends MD4("") to the list.
// Memory: 16 bytes per chunk (1.6 KiB per GiB).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hash/algorithm.h"
#include "hash/hash_file.h"
#include "hash/primitives.h"

namespace anidb::hash {

// `chunks` holds the MD4 of every non-empty chunk of the input in order;
// `size` is the input size. Returns the lowercase hex ED2K of `variant`.
std::string ed2k_from_chunks(std::span<const Md4Digest> chunks, uint64_t size, Ed2kVariant variant);

// Appends the ED2K digest of `variant` to out.digests and, where the variants
// differ for out.size, sets out.ed2k_other_variant. out.size must be set.
void add_ed2k_result(FileHashes& out, std::span<const Md4Digest> chunks, Ed2kVariant variant);

// True when the two variants give different values for this size.
inline bool ed2k_variants_differ(uint64_t size) noexcept {
    return size != 0 && size % kEd2kChunkSize == 0;
}

inline Ed2kVariant other_variant(Ed2kVariant v) noexcept {
    return v == Ed2kVariant::red ? Ed2kVariant::blue : Ed2kVariant::red;
}

}  // namespace anidb::hash
