#include "hash/md4_lanes.h"

#include <algorithm>
#include <cstring>

#include "hash/md4_kernels.h"

namespace anidb::hash {

namespace {

constexpr size_t kBlock = md4::kBlockSize;

// Runs `blocks` blocks of the n busy lanes through an N-lane kernel; the
// frame's spare lanes re-read the first busy lane's data (no extra memory
// traffic) and their results are dropped.
template <unsigned N, class Runs>
void run_in_frame(uint32_t (&state)[4][Md4Lanes::kMaxLanes], Runs& runs, const unsigned* busy,
                  unsigned n, size_t blocks, void (*kernel)(md4::LaneFrame<N>&, size_t)) noexcept {
    md4::LaneFrame<N> frame;
    for (unsigned j = 0; j < N; ++j) {
        const unsigned lane = busy[j < n ? j : 0];
        for (unsigned w = 0; w < 4; ++w) frame.state[w][j] = state[w][lane];
        frame.data[j] = runs[lane].data;
    }
    kernel(frame, blocks);
    for (unsigned j = 0; j < n; ++j) {
        const unsigned lane = busy[j];
        for (unsigned w = 0; w < 4; ++w) state[w][lane] = frame.state[w][j];
        runs[lane].data += blocks * kBlock;
        runs[lane].blocks -= blocks;
    }
}

}  // namespace

Md4Lanes::Md4Lanes(Md4Kernel kernel) noexcept : kernel_(kernel), width_(md4_kernel_lanes(kernel)) {
    for (unsigned lane = 0; lane < kMaxLanes; ++lane) reset(lane);
}

void Md4Lanes::reset(unsigned lane) noexcept {
    state_[0][lane] = md4::kInitA;
    state_[1][lane] = md4::kInitB;
    state_[2][lane] = md4::kInitC;
    state_[3][lane] = md4::kInitD;
    length_[lane] = 0;
    partial_length_[lane] = 0;
}

void Md4Lanes::update(std::span<const std::span<const std::byte>> input) noexcept {
    const auto lanes = static_cast<unsigned>(std::min<size_t>(input.size(), width_));
    Runs completed{};  // partial blocks that these bytes fill up
    Runs whole{};      // whole blocks straight from the caller's bytes
    std::array<std::span<const std::byte>, kMaxLanes> rest{};
    bool any_completed = false;
    for (unsigned lane = 0; lane < lanes; ++lane) {
        std::span<const std::byte> bytes = input[lane];
        length_[lane] += bytes.size();
        if (partial_length_[lane] > 0 && !bytes.empty()) {
            const size_t take = std::min<size_t>(kBlock - partial_length_[lane], bytes.size());
            std::memcpy(partial_[lane] + partial_length_[lane], bytes.data(), take);
            partial_length_[lane] = static_cast<uint8_t>(partial_length_[lane] + take);
            bytes = bytes.subspan(take);
            if (partial_length_[lane] == kBlock) {
                completed[lane] = {partial_[lane], 1};
                partial_length_[lane] = 0;
                any_completed = true;
            }
        }
        const size_t blocks = bytes.size() / kBlock;
        whole[lane] = {bytes.data(), blocks};
        rest[lane] = bytes.subspan(blocks * kBlock);
    }
    if (any_completed) hash_runs(completed);
    hash_runs(whole);
    for (unsigned lane = 0; lane < lanes; ++lane) {
        if (rest[lane].empty()) continue;
        std::memcpy(partial_[lane], rest[lane].data(), rest[lane].size());
        partial_length_[lane] = static_cast<uint8_t>(rest[lane].size());
    }
}

void Md4Lanes::finish(std::span<const unsigned> lanes, std::span<Md4Digest> out) noexcept {
    Runs padded{};
    for (const unsigned lane : lanes) {
        // RFC 1320 3.1-3.2: 0x80, zeros to 56 mod 64, the bit length (LE).
        const size_t n = partial_length_[lane];
        std::byte* block = partial_[lane];
        const size_t total = n < kBlock - 8 ? kBlock : 2 * kBlock;
        block[n] = std::byte{0x80};
        std::memset(block + n + 1, 0, total - 8 - (n + 1));
        const uint64_t bits = length_[lane] * 8;
        for (size_t i = 0; i < 8; ++i)
            block[total - 8 + i] = static_cast<std::byte>(bits >> (8 * i));
        padded[lane] = {block, total / kBlock};
    }
    hash_runs(padded);
    for (size_t j = 0; j < lanes.size(); ++j) {
        const unsigned lane = lanes[j];
        for (unsigned w = 0; w < 4; ++w) {
            for (unsigned i = 0; i < 4; ++i) {
                out[j][4 * w + i] = static_cast<uint8_t>(state_[w][lane] >> (8 * i));
            }
        }
        reset(lane);
    }
}

Md4Digest Md4Lanes::finish(unsigned lane) noexcept {
    Md4Digest out{};
    finish(std::span(&lane, 1), std::span(&out, 1));
    return out;
}

void Md4Lanes::hash_runs(Runs& runs) noexcept {
    for (;;) {
        unsigned busy[kMaxLanes];
        unsigned n = 0;
        size_t step = SIZE_MAX;
        for (unsigned lane = 0; lane < width_; ++lane) {
            if (runs[lane].blocks == 0) continue;
            busy[n++] = lane;
            step = std::min(step, runs[lane].blocks);
        }
        if (n == 0) return;
        // One busy lane: OpenSSL's scalar code beats a vector round with one
        // useful lane (docs/performance.md).
        if (n == 1 || kernel_ == Md4Kernel::scalar) {
            for (unsigned j = 0; j < n; ++j) {
                Run& run = runs[busy[j]];
                uint32_t state[4] = {state_[0][busy[j]], state_[1][busy[j]], state_[2][busy[j]],
                                     state_[3][busy[j]]};
                md4::compress_scalar(state, run.data, run.blocks);
                for (unsigned w = 0; w < 4; ++w) state_[w][busy[j]] = state[w];
                run.blocks = 0;
            }
            return;
        }
#if defined(ANIDB_HAVE_MD4_SIMD)
        if (n > 8) {
            run_in_frame<16>(state_, runs, busy, n, step, md4::compress_avx512_x16);
        } else {
            run_in_frame<8>(
                state_, runs, busy, n, step,
                kernel_ == Md4Kernel::avx512 ? md4::compress_avx512_x8 : md4::compress_avx2_x8);
        }
#endif
    }
}

}  // namespace anidb::hash
