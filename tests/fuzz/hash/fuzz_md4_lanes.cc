// libFuzzer: unequal streams through Md4Lanes. The input drives one
// Md4Lanes on a kernel this CPU can run: updates that give each lane its
// own length (many lanes idle, some long, some mid-block), and lanes
// finished at arbitrary points while the others go on. Every digest must
// equal OpenSSL's MD4 of exactly the bytes that lane was given.
//   byte 0        kernel (index into the runnable ones)
//   then records  0x80 | lane: finish that lane and check it
//                 otherwise s: one update; the next width() bytes b give
//                 lane i the length b << (s & 7) (0: idle)
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "hash/md4_kernel_choice.h"
#include "hash/md4_lanes.h"
#include "hash/primitives.h"

namespace {

using anidb::hash::Md4Kernel;
using anidb::hash::Md4Lanes;

// Bytes the lanes hash: fixed, so that the input is all structure.
const std::vector<std::byte>& source() {
    static const std::vector<std::byte> bytes = [] {
        std::vector<std::byte> v(size_t{1} << 16);
        uint64_t x = 0x2545F4914F6CDD1DULL;
        for (auto& b : v) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b = static_cast<std::byte>(x);
        }
        return v;
    }();
    return bytes;
}

void check(Md4Lanes& lanes, unsigned lane, std::vector<std::byte>& fed) {
    if (lanes.finish(lane) != anidb::hash::Md4::of(fed)) std::abort();
    fed.clear();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const anidb::hash::CpuFeatures cpu = anidb::hash::cpu_features();
    std::vector<Md4Kernel> kernels = {Md4Kernel::scalar};
    if (cpu.avx2) kernels.push_back(Md4Kernel::avx2);
    if (cpu.avx2 && cpu.avx512) kernels.push_back(Md4Kernel::avx512);
    Md4Lanes lanes(kernels[data[0] % kernels.size()]);
    const unsigned width = lanes.width();
    const auto& src = source();
    std::array<std::vector<std::byte>, Md4Lanes::kMaxLanes> fed;

    size_t pos = 1;
    while (pos < size) {
        const uint8_t op = data[pos++];
        if (op & 0x80) {
            const unsigned lane = (op & 0x7f) % width;
            check(lanes, lane, fed[lane]);
            continue;
        }
        std::array<std::span<const std::byte>, Md4Lanes::kMaxLanes> input{};
        for (unsigned lane = 0; lane < width && pos < size; ++lane) {
            const size_t length = std::min<size_t>(size_t{data[pos++]} << (op & 7), src.size());
            const size_t offset = (pos * 977 + lane * 131) % (src.size() - length + 1);
            input[lane] = std::span(src).subspan(offset, length);
            fed[lane].insert(fed[lane].end(), input[lane].begin(), input[lane].end());
        }
        lanes.update(std::span(input).first(width));
    }
    for (unsigned lane = 0; lane < width; ++lane) check(lanes, lane, fed[lane]);
    return 0;
}
