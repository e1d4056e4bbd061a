#include "hash/stream_hasher.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "hash/ed2k_chunks.h"
#include "hash/encoding.h"

namespace anidb::hash {

namespace {
std::span<const Algorithm> checked(std::span<const Algorithm> algorithms) {
    const Status ok = validate_algorithms(algorithms);
    if (!ok) throw std::invalid_argument(ok.error().message);
    return algorithms;
}
}  // namespace

StreamHasher::StreamHasher(std::span<const Algorithm> algorithms, Ed2kVariant variant)
    : algorithms_(checked(algorithms).begin(), algorithms.end()),
      variant_(variant),
      serial_(algorithms) {
    for (const Algorithm a : algorithms_) {
        if (a == Algorithm::ed2k) ed2k_ = true;
        if (a == Algorithm::tth) tiger_.emplace();
    }
}

void StreamHasher::update(std::span<const std::byte> bytes) {
    size_ += bytes.size();
    serial_.update(bytes);
    if (ed2k_) update_ed2k(bytes);
    if (tiger_) update_tth(bytes);
}

void StreamHasher::update_ed2k(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
        const size_t n =
            static_cast<size_t>(std::min<uint64_t>(bytes.size(), kEd2kChunkSize - chunk_filled_));
        chunk_md4_.update(bytes.first(n));
        chunk_filled_ += n;
        bytes = bytes.subspan(n);
        if (chunk_filled_ == kEd2kChunkSize) {
            chunk_digests_.push_back(chunk_md4_.finish());
            chunk_filled_ = 0;
        }
    }
}

void StreamHasher::update_tth(std::span<const std::byte> bytes) {
    // A leaf is hashed only once it is full or the stream ends, so a split
    // inside a leaf never changes the result.
    if (leaf_filled_ > 0) {
        const size_t n = std::min(bytes.size(), kTthLeafSize - leaf_filled_);
        if (n > 0) std::memcpy(leaf_.data() + leaf_filled_, bytes.data(), n);
        leaf_filled_ += n;
        bytes = bytes.subspan(n);
        if (leaf_filled_ < kTthLeafSize) return;
        tree_.add(tiger_->leaf(leaf_), *tiger_);
        leaf_filled_ = 0;
    }
    while (bytes.size() >= kTthLeafSize) {
        tree_.add(tiger_->leaf(bytes.first(kTthLeafSize)), *tiger_);
        bytes = bytes.subspan(kTthLeafSize);
    }
    if (!bytes.empty()) std::memcpy(leaf_.data(), bytes.data(), bytes.size());
    leaf_filled_ = bytes.size();
}

std::vector<Digest> StreamHasher::finish() {
    std::vector<Digest> out;
    out.reserve(algorithms_.size());
    for (const Algorithm a : algorithms_) {
        switch (a) {
            case Algorithm::ed2k: {
                std::vector<Md4Digest> chunks = chunk_digests_;
                if (chunk_filled_ > 0) chunks.push_back(chunk_md4_.finish());
                out.push_back({a, ed2k_from_chunks(chunks, size_, variant_)});
                break;
            }
            case Algorithm::tth: {
                TthTree tree = tree_;
                if (leaf_filled_ > 0) {
                    tree.add(tiger_->leaf(std::span(leaf_).first(leaf_filled_)), *tiger_);
                }
                out.push_back({a, to_base32(tree.root(*tiger_))});
                break;
            }
            default:
                out.push_back({a, serial_.finish(a)});
                break;
        }
    }
    return out;
}

std::vector<Digest> hash_bytes(std::span<const std::byte> bytes,
                               std::span<const Algorithm> algorithms, Ed2kVariant variant) {
    StreamHasher hasher(algorithms, variant);
    hasher.update(bytes);
    return hasher.finish();
}

}  // namespace anidb::hash
