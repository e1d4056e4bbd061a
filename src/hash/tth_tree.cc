#include "hash/tth_tree.h"

#include <algorithm>

namespace anidb::hash {

void TthTree::add(const TigerDigest& node, Tiger& tiger, unsigned level) {
    Entry entry{node, level};
    // Combine equal-height neighbours as soon as both exist (a binary counter).
    while (!stack_.empty() && stack_.back().level == entry.level) {
        entry.digest = tiger.node(stack_.back().digest, entry.digest);
        entry.level += 1;
        stack_.pop_back();
    }
    stack_.push_back(entry);
}

TigerDigest TthTree::root(Tiger& tiger) const {
    if (stack_.empty()) return tiger.leaf({});
    // What is left are complete subtrees of decreasing height. The rightmost
    // one is promoted until it meets its left neighbour's height; promotion
    // leaves a digest unchanged, so folding right to left is the THEX root.
    TigerDigest acc = stack_.back().digest;
    for (size_t i = stack_.size() - 1; i-- > 0;) acc = tiger.node(stack_[i].digest, acc);
    return acc;
}

TigerDigest tth_subtree_root(std::span<const std::byte> bytes, Tiger& tiger) {
    if (bytes.empty()) return tiger.leaf({});
    TthTree tree;
    for (size_t offset = 0; offset < bytes.size(); offset += kTthLeafSize) {
        const size_t n = std::min(kTthLeafSize, bytes.size() - offset);
        tree.add(tiger.leaf(bytes.subspan(offset, n)), tiger);
    }
    return tree.root(tiger);
}

}  // namespace anidb::hash
