// Single-thread throughput of the multi-lane MD4 (Md4Lanes) per kernel and
// number of busy lanes, against OpenSSL's one stream (docs/performance.md).
// MB/s counts the bytes of all lanes together.
//   anidb-bench-md4-lanes [--benchmark_min_time=0.5] [--benchmark_repetitions=3]
// Two data sets: "memory", every lane streaming its own part of a 64 MiB
// buffer (beyond the last-level cache), and "l2", every lane re-hashing its
// own 64 KiB piece (what the ED2K engine does: a piece is hashed right after
// pread put it in the core's cache).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "hash/md4_kernel_choice.h"
#include "hash/md4_lanes.h"

namespace {

using anidb::hash::Md4Kernel;
using anidb::hash::Md4Lanes;

constexpr size_t kBufferSize = size_t{64} << 20;
constexpr size_t kPiece = size_t{64} << 10;

const std::vector<std::byte>& buffer() {
    static const std::vector<std::byte> data = [] {
        std::vector<std::byte> v(kBufferSize);
        uint64_t x = 0x9E3779B97F4A7C15ULL;
        for (auto& b : v) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b = static_cast<std::byte>(x >> 24);
        }
        return v;
    }();
    return data;
}

// state.range(0): kernel; range(1): busy lanes; range(2): 1 = l2, 0 = memory.
void BM_Md4Lanes(benchmark::State& state) {
    const auto kernel = static_cast<Md4Kernel>(state.range(0));
    const auto busy = static_cast<unsigned>(state.range(1));
    const bool l2 = state.range(2) != 0;
    if (anidb::hash::choose_md4_kernel(anidb::hash::cpu_features(),
                                       anidb::hash::SimdRequest::automatic) < kernel) {
        state.SkipWithError("the CPU cannot run this kernel");
        return;
    }
    Md4Lanes lanes(kernel);
    if (busy > lanes.width()) {
        state.SkipWithError("more busy lanes than the kernel has");
        return;
    }
    const auto& data = buffer();
    const size_t slice = data.size() / busy / kPiece * kPiece;
    std::vector<std::span<const std::byte>> input(busy);
    std::vector<unsigned> which(busy);
    for (unsigned lane = 0; lane < busy; ++lane) which[lane] = lane;
    std::vector<anidb::hash::Md4Digest> out(busy);
    size_t bytes = 0;
    for (auto _ : state) {
        // One pass: every lane hashes its slice (memory) or its piece slice /
        // kPiece times (l2): the same byte count either way.
        for (size_t at = 0; at < slice; at += kPiece) {
            for (unsigned lane = 0; lane < busy; ++lane) {
                input[lane] = {data.data() + lane * slice + (l2 ? 0 : at), kPiece};
            }
            lanes.update(input);
        }
        lanes.finish(which, out);
        benchmark::DoNotOptimize(out.data());
        bytes += slice * busy;
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.SetLabel(std::string(anidb::hash::md4_kernel_name(kernel)) + " " + std::to_string(busy) +
                   "/" + std::to_string(lanes.width()) + " lanes " + (l2 ? "l2" : "memory"));
}

void lane_counts(benchmark::internal::Benchmark* b) {
    for (const int l2 : {1, 0}) {
        b->Args({static_cast<int>(Md4Kernel::scalar), 1, l2});
        for (const int busy : {1, 2, 4, 6, 8})
            b->Args({static_cast<int>(Md4Kernel::avx2), busy, l2});
        for (const int busy : {1, 2, 4, 8, 12, 16}) {
            b->Args({static_cast<int>(Md4Kernel::avx512), busy, l2});
        }
    }
}

}  // namespace

BENCHMARK(BM_Md4Lanes)->Apply(lane_counts)->ArgNames({"kernel", "busy", "l2"});
BENCHMARK_MAIN();
