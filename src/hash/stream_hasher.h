// Single-threaded streaming hashing: feed bytes in any split pattern, get the
// same digests as hashing them in one piece. Memory: O(1) apart from 16 bytes
// per ED2K chunk. Not thread-safe; one object per stream.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hash/algorithm.h"
#include "hash/primitives.h"
#include "hash/serial_digests.h"
#include "hash/tth_tree.h"

namespace anidb::hash {

class StreamHasher {
  public:
    // `algorithms` must pass validate_algorithms (throws std::invalid_argument
    // otherwise: a programming error, callers validate requests first).
    explicit StreamHasher(std::span<const Algorithm> algorithms,
                          Ed2kVariant variant = Ed2kVariant::red);
    void update(std::span<const std::byte> bytes);
    // The digests in the order requested. Call once: the hasher is spent.
    std::vector<Digest> finish();
    uint64_t size() const noexcept { return size_; }

  private:
    void update_ed2k(std::span<const std::byte> bytes);
    void update_tth(std::span<const std::byte> bytes);

    std::vector<Algorithm> algorithms_;
    Ed2kVariant variant_;
    uint64_t size_ = 0;
    SerialDigests serial_;
    // ED2K: the chunk being hashed and the digests of the chunks before it.
    bool ed2k_ = false;
    Md4 chunk_md4_;
    uint64_t chunk_filled_ = 0;
    std::vector<Md4Digest> chunk_digests_;
    // TTH: the partial leaf carried between updates and the tree so far.
    std::optional<Tiger> tiger_;
    std::array<std::byte, kTthLeafSize> leaf_{};
    size_t leaf_filled_ = 0;
    TthTree tree_;
};

// One-shot convenience: StreamHasher over one buffer (same precondition:
// throws std::invalid_argument for a list validate_algorithms rejects).
std::vector<Digest> hash_bytes(std::span<const std::byte> bytes,
                               std::span<const Algorithm> algorithms,
                               Ed2kVariant variant = Ed2kVariant::red);

}  // namespace anidb::hash
