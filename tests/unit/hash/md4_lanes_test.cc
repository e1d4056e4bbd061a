// The multi-lane MD4 (Md4Lanes over every kernel this CPU can run) against
// OpenSSL's MD4 (Md4::of): the RFC 1320 vectors in every lane, random
// lengths up to 10 MiB fed in random unequal pieces, and every busy-lane
// count with lanes ending at every tail length. Plus the run-time kernel
// choice (ANIDB_SIMD parsing, capping to the CPU).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "hash/encoding.h"
#include "hash/md4_kernel_choice.h"
#include "hash/md4_lanes.h"
#include "hash/primitives.h"
#include "md4_kernels_support.h"
#include "support/temp_dir.h"

namespace anidb::hash {
namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}
std::span<const std::byte> bytes_of(const std::vector<uint8_t>& v) {
    return std::as_bytes(std::span(v));
}

using test_support::runnable_kernels;

class Md4LanesKernels : public ::testing::TestWithParam<Md4Kernel> {};

// RFC 1320 appendix A.5, one vector per lane, all lanes hashed at once.
TEST_P(Md4LanesKernels, Rfc1320VectorsInEveryLane) {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", "31d6cfe0d16ae931b73c59d7e0c089c0"},
        {"a", "bde52cb31de33e46245e05fbdbd6fb24"},
        {"abc", "a448017aaf21d8525fc10ae87aa6729d"},
        {"message digest", "d9130a8164549fe818874806e1c7014b"},
        {"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "043f8582f241db351ce627e153e7f0e4"},
        {"1234567890123456789012345678901234567890123456789012345678901234567890"
         "1234567890",
         "e33b4ddc9c38f2199c3e7b164fcc0536"},
    };
    Md4Lanes lanes(GetParam());
    std::vector<unsigned> all;
    for (unsigned lane = 0; lane < lanes.width(); ++lane) all.push_back(lane);
    std::vector<Md4Digest> out(lanes.width());
    // Twice over the vectors (one lane: one vector after the other); the
    // second pass checks that finished lanes start over cleanly.
    for (size_t first = 0; first < 2 * vectors.size(); first += lanes.width()) {
        std::vector<std::span<const std::byte>> input;
        for (unsigned lane = 0; lane < lanes.width(); ++lane) {
            input.push_back(bytes_of(vectors[(first + lane) % vectors.size()].first));
        }
        lanes.update(input);
        lanes.finish(all, out);
        for (unsigned lane = 0; lane < lanes.width(); ++lane) {
            const auto& [text, md4] = vectors[(first + lane) % vectors.size()];
            EXPECT_EQ(to_hex(out[lane]), md4) << "lane " << lane << ": \"" << text << '"';
        }
    }
}

// Random lengths 0..10 MiB per lane, fed in random pieces that differ from
// lane to lane (some lanes get nothing in some updates): every lane ends at
// its own length, and each digest equals OpenSSL's.
TEST_P(Md4LanesKernels, RandomLengthsInUnequalPiecesMatchOpenSsl) {
    std::mt19937_64 rng(1320);
    const std::vector<uint8_t> pool = test::random_bytes(size_t{10} << 20, 7);
    Md4Lanes lanes(GetParam());
    const unsigned width = lanes.width();
    for (int round = 0; round < 2; ++round) {
        std::vector<size_t> length(width), offset(width), fed(width, 0);
        for (unsigned lane = 0; lane < width; ++lane) {
            // Mostly long messages, some short ones (tails, empty).
            length[lane] = rng() % 4 == 0 ? rng() % 300 : rng() % (pool.size() + 1);
            offset[lane] = rng() % (pool.size() - length[lane] + 1);
        }
        for (bool pending = true; pending;) {
            pending = false;
            std::vector<std::span<const std::byte>> input(width);
            for (unsigned lane = 0; lane < width; ++lane) {
                const size_t left = length[lane] - fed[lane];
                if (left == 0) continue;
                pending = true;
                if (rng() % 5 == 0) continue;  // this lane idles this update
                const size_t piece =
                    std::min<size_t>(left, rng() % 3 == 0 ? rng() % 200 : rng() % (1 << 20));
                input[lane] =
                    std::as_bytes(std::span(pool.data() + offset[lane] + fed[lane], piece));
                fed[lane] += piece;
            }
            lanes.update(input);
        }
        for (unsigned lane = 0; lane < width; ++lane) {
            const Md4Digest expected =
                Md4::of(std::as_bytes(std::span(pool.data() + offset[lane], length[lane])));
            EXPECT_EQ(to_hex(lanes.finish(lane)), to_hex(expected))
                << "round " << round << " lane " << lane << " length " << length[lane];
        }
    }
}

// Every number of busy lanes (1..width), each lane's message a whole number
// of blocks plus its own tail of 0..127 bytes, so lanes end in different
// blocks and padding takes one or two blocks in different lanes.
TEST_P(Md4LanesKernels, EveryBusyLaneCountAndTail) {
    const std::vector<uint8_t> data = test::random_bytes(64 * 40 + 128, 11);
    Md4Lanes lanes(GetParam());
    const unsigned width = lanes.width();
    for (unsigned busy = 1; busy <= width; ++busy) {
        for (size_t tail = 0; tail < 128; ++tail) {
            std::vector<std::span<const std::byte>> input(width);
            std::vector<unsigned> which;
            std::vector<size_t> lengths;
            for (unsigned j = 0; j < busy; ++j) {
                // Spread the busy lanes over the register, not just the low ones.
                const unsigned lane = (j * 7 + static_cast<unsigned>(tail)) % width;
                if (std::find(which.begin(), which.end(), lane) != which.end()) continue;
                const size_t length = 64 * ((j * 3 + tail) % 40) + (tail + 17 * j) % 128;
                input[lane] = bytes_of(data).first(length);
                which.push_back(lane);
                lengths.push_back(length);
            }
            lanes.update(input);
            std::vector<Md4Digest> out(which.size());
            lanes.finish(which, out);
            for (size_t j = 0; j < which.size(); ++j) {
                ASSERT_EQ(to_hex(out[j]), to_hex(Md4::of(bytes_of(data).first(lengths[j]))))
                    << "busy " << busy << " tail " << tail << " lane " << which[j] << " length "
                    << lengths[j];
            }
        }
    }
}

// Byte by byte into one lane while the others get whole blocks: the
// partial-block path of each lane is its own.
TEST_P(Md4LanesKernels, PartialBlocksStayInTheirLane) {
    const std::vector<uint8_t> data = test::random_bytes(5000, 5);
    Md4Lanes lanes(GetParam());
    const unsigned width = lanes.width();
    for (size_t at = 0; at < 1000; ++at) {
        std::vector<std::span<const std::byte>> input(width);
        input[0] = bytes_of(data).subspan(at, 1);
        for (unsigned lane = 1; lane < width; ++lane) {
            input[lane] = bytes_of(data).subspan((at * lane) % 64, 64);
        }
        lanes.update(input);
    }
    EXPECT_EQ(to_hex(lanes.finish(0)), to_hex(Md4::of(bytes_of(data).first(1000))));
    for (unsigned lane = 1; lane < width; ++lane) {
        Md4 md4;
        for (size_t at = 0; at < 1000; ++at)
            md4.update(bytes_of(data).subspan((at * lane) % 64, 64));
        EXPECT_EQ(to_hex(lanes.finish(lane)), to_hex(md4.finish())) << "lane " << lane;
    }
}

std::string kernel_test_name(const ::testing::TestParamInfo<Md4Kernel>& info) {
    return md4_kernel_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(Kernels, Md4LanesKernels, ::testing::ValuesIn(runnable_kernels()),
                         kernel_test_name);

TEST(Md4KernelChoice, ParsesSimdRequests) {
    EXPECT_EQ(parse_simd_request(""), SimdRequest::automatic);
    EXPECT_EQ(parse_simd_request("auto"), SimdRequest::automatic);
    EXPECT_EQ(parse_simd_request("on"), SimdRequest::automatic);
    EXPECT_EQ(parse_simd_request("off"), SimdRequest::off);
    EXPECT_EQ(parse_simd_request("0"), SimdRequest::off);
    EXPECT_EQ(parse_simd_request("scalar"), SimdRequest::off);
    EXPECT_EQ(parse_simd_request("avx2"), SimdRequest::avx2);
    EXPECT_EQ(parse_simd_request("avx512"), SimdRequest::avx512);
    EXPECT_EQ(parse_simd_request("sse9"), std::nullopt);
}

// The choice never exceeds what the CPU can run, whatever was asked.
TEST(Md4KernelChoice, NeverChoosesWhatTheCpuLacks) {
    const CpuFeatures none{};
    const CpuFeatures avx2{true, false};
    const CpuFeatures avx512{true, true};
    for (auto request :
         {SimdRequest::automatic, SimdRequest::off, SimdRequest::avx2, SimdRequest::avx512}) {
        EXPECT_EQ(choose_md4_kernel(none, request), Md4Kernel::scalar);
    }
    EXPECT_EQ(choose_md4_kernel(avx2, SimdRequest::automatic), Md4Kernel::avx2);
    EXPECT_EQ(choose_md4_kernel(avx2, SimdRequest::avx512), Md4Kernel::avx2);
    EXPECT_EQ(choose_md4_kernel(avx2, SimdRequest::off), Md4Kernel::scalar);
    EXPECT_EQ(choose_md4_kernel(avx512, SimdRequest::automatic), Md4Kernel::avx512);
    EXPECT_EQ(choose_md4_kernel(avx512, SimdRequest::avx2), Md4Kernel::avx2);
    EXPECT_EQ(choose_md4_kernel(avx512, SimdRequest::off), Md4Kernel::scalar);
    // AVX-512 without AVX2 does not exist; AVX2 is required for either.
    EXPECT_EQ(choose_md4_kernel(CpuFeatures{false, true}, SimdRequest::automatic),
              Md4Kernel::scalar);
}

TEST(Md4KernelChoice, ForcingIsCappedToTheCpuAndUndone) {
    const Md4Kernel automatic = active_md4_kernel();
    EXPECT_EQ(force_md4_kernel(Md4Kernel::scalar), Md4Kernel::scalar);
    EXPECT_EQ(Md4Lanes().width(), 1u);
    const Md4Kernel best = choose_md4_kernel(cpu_features(), SimdRequest::automatic);
    EXPECT_EQ(force_md4_kernel(Md4Kernel::avx512), best);
    EXPECT_EQ(Md4Lanes().width(), md4_kernel_lanes(best));
    EXPECT_EQ(force_md4_kernel(std::nullopt), automatic);
}

// The process-wide choice follows ANIDB_SIMD (CTest runs this executable
// once more with ANIDB_SIMD=off and ANIDB_EXPECT_KERNEL=scalar).
TEST(Md4KernelChoice, EnvironmentChoosesTheKernel) {
    const char* simd = std::getenv("ANIDB_SIMD");
    const auto request =
        simd ? parse_simd_request(simd).value_or(SimdRequest::automatic) : SimdRequest::automatic;
    EXPECT_EQ(active_md4_kernel(), choose_md4_kernel(cpu_features(), request));
    if (const char* expect = std::getenv("ANIDB_EXPECT_KERNEL")) {
        EXPECT_STREQ(md4_kernel_name(active_md4_kernel()), expect);
    }
}

}  // namespace
}  // namespace anidb::hash
