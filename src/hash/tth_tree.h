// The THEX Merkle tree of TTH (Tiger Tree Hash): leaves are
// Tiger(0x00 || 1024-byte block), inner nodes Tiger(0x01 || left || right),
// a node without a partner is promoted unchanged to the next level.
//
// TthTree folds a left-to-right sequence of subtree roots of equal height
// (leaf digests, or the roots of aligned power-of-two groups of leaves, the
// last of which may be partial) into the root. Because groups start at
// aligned leaf indices, the root of a group is exactly the node the full tree
// holds at that position, so the file engine hashes groups in parallel and
// folds their roots here. Memory: one digest per level (O(log n)).
// Not thread-safe; one per hashing job.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hash/primitives.h"

namespace anidb::hash {

class TthTree {
  public:
    // Appends the root of the next subtree, `level` levels above the leaves
    // (0 for a leaf). Subtrees must start at leaf indices that are multiples
    // of 2^level (true when the engine's block size only ever shrinks); a
    // partial last subtree counts as full height.
    void add(const TigerDigest& node, Tiger& tiger, unsigned level = 0);
    bool empty() const noexcept { return stack_.empty(); }
    // The root; for no nodes at all, the TTH of empty input, Tiger(0x00).
    TigerDigest root(Tiger& tiger) const;

  private:
    struct Entry {
        TigerDigest digest;
        unsigned level;
    };
    std::vector<Entry> stack_;  // levels strictly decreasing bottom to top
};

// Root of the subtree over `bytes` (split into 1024-byte leaves, the last may
// be shorter). Empty bytes give Tiger(0x00), the TTH of empty input.
TigerDigest tth_subtree_root(std::span<const std::byte> bytes, Tiger& tiger);

}  // namespace anidb::hash
