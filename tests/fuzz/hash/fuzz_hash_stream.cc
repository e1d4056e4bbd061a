// libFuzzer: the input's first bytes choose split points, the rest is the
// data; StreamHasher fed in those pieces must equal one-shot hash_bytes, for
// all five algorithms and both ED2K variants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "hash/stream_hasher.h"

namespace {
const std::vector<anidb::hash::Algorithm> kAll = {
    anidb::hash::Algorithm::ed2k, anidb::hash::Algorithm::crc32, anidb::hash::Algorithm::md5,
    anidb::hash::Algorithm::sha1, anidb::hash::Algorithm::tth};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    // Byte 0: how many split-length bytes follow (each a piece length 0..255,
    // scaled by a shift from byte 0's high bits to reach across 1 KiB leaves).
    const size_t n_splits = std::min<size_t>(data[0] & 0x1f, size - 1);
    const unsigned shift = data[0] >> 5;
    const auto splits = std::span(data + 1, n_splits);
    const auto bytes = std::as_bytes(std::span(data + 1 + n_splits, size - 1 - n_splits));
    const auto variant =
        (shift & 1) ? anidb::hash::Ed2kVariant::blue : anidb::hash::Ed2kVariant::red;

    anidb::hash::StreamHasher hasher(kAll, variant);
    size_t at = 0;
    for (const uint8_t s : splits) {
        const size_t n = std::min<size_t>(static_cast<size_t>(s) << shift, bytes.size() - at);
        hasher.update(bytes.subspan(at, n));
        at += n;
    }
    hasher.update(bytes.subspan(at));
    if (hasher.finish() != anidb::hash::hash_bytes(bytes, kAll, variant)) std::abort();
    return 0;
}
