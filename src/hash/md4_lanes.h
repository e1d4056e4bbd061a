// Up to 16 independent MD4 messages ("lanes") advanced together on one
// thread by a multi-lane kernel (md4_kernels.h): the scalar kernel has 1
// lane, AVX2 8, AVX-512 16. Callers give each lane its own bytes, in any
// lengths (lanes may receive different amounts, or nothing, per update);
// Md4Lanes keeps each lane's partial block and length, pads on finish, and
// runs as many lanes per kernel call as have whole blocks: rounds with at
// most 8 busy lanes use an 8-lane kernel, a lone busy lane the scalar one
// (a vector round for one lane costs more than OpenSSL's scalar code).
//
// Memory: about 2.5 KiB, no allocation. Not thread-safe: one object per
// thread. Digests equal OpenSSL's MD4 of each lane's bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "hash/md4_kernel_choice.h"
#include "hash/primitives.h"

namespace anidb::hash {

class Md4Lanes {
  public:
    static constexpr unsigned kMaxLanes = 16;

    explicit Md4Lanes(Md4Kernel kernel = active_md4_kernel()) noexcept;

    // Number of lanes: md4_kernel_lanes(kernel()).
    unsigned width() const noexcept { return width_; }
    Md4Kernel kernel() const noexcept { return kernel_; }
    // Any number of busy lanes up to this costs one round of the smallest
    // kernel: 8 with a SIMD kernel, 1 with the scalar one.
    unsigned smallest_round() const noexcept { return width_ > 1 ? 8 : 1; }

    // Appends input[i] to lane i's message for each i < input.size()
    // (input.size() <= width()). Spans may differ in length or be empty.
    void update(std::span<const std::span<const std::byte>> input) noexcept;

    // Finishes the message of each lane in `lanes` (distinct, < width()):
    // out[j] receives the digest of lane lanes[j], which then starts a new,
    // empty message. out.size() >= lanes.size().
    void finish(std::span<const unsigned> lanes, std::span<Md4Digest> out) noexcept;
    Md4Digest finish(unsigned lane) noexcept;

  private:
    // Whole blocks waiting to be hashed in one lane.
    struct Run {
        const std::byte* data = nullptr;
        size_t blocks = 0;
    };
    using Runs = std::array<Run, kMaxLanes>;
    // Hashes every lane's run; runs are consumed.
    void hash_runs(Runs& runs) noexcept;
    void reset(unsigned lane) noexcept;

    Md4Kernel kernel_;
    unsigned width_;
    alignas(64) uint32_t state_[4][kMaxLanes];
    uint64_t length_[kMaxLanes];
    // A lane's bytes that do not fill a block yet; twice a block for padding.
    alignas(64) std::byte partial_[kMaxLanes][2 * 64];
    uint8_t partial_length_[kMaxLanes];
};

}  // namespace anidb::hash
