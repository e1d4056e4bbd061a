// hash_file against rhash on random files at every boundary the engine has:
// TTH leaves (1 KiB) and leaf groups / read blocks (1 MiB and the smaller
// pool classes), ED2K chunks (9728000) and their multiples.
#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "hash/ed2k_chunks.h"
#include "hash/encoding.h"
#include "hash/hash_file.h"
#include "hash/primitives.h"
#include "md4_kernels_support.h"
#include "memory/buffer_pool.h"
#include "memory/memory_budget.h"
#include "rhash_oracle.h"
#include "support/temp_dir.h"

namespace anidb::hash {
namespace {

using test_support::lower;
using test_support::rhash_five;
using test_support::runnable_kernels;

const std::vector<Algorithm> kAll = {Algorithm::ed2k, Algorithm::crc32, Algorithm::md5,
                                     Algorithm::sha1, Algorithm::tth};
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kChunk = kEd2kChunkSize;

void expect_matches_rhash(const std::filesystem::path& path, const FileHashes& got) {
    const auto expected = rhash_five(path);
    ASSERT_EQ(expected.size(), 5u);
    ASSERT_EQ(got.digests.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(lower(got.digests[i].value), expected[i])
            << algorithm_name(got.digests[i].algorithm) << " of " << got.size << " bytes";
    }
}

// The blue ED2K from first principles: MD4 of each chunk, then MD4 of the
// list (no trailing MD4("")), or the lone chunk digest.
std::string blue_ed2k_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chunk(static_cast<size_t>(kChunk));
    std::vector<Md4Digest> digests;
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
        digests.push_back(
            Md4::of(std::as_bytes(std::span(chunk.data(), static_cast<size_t>(in.gcount())))));
    }
    if (digests.empty()) return to_hex(Md4::empty());
    if (digests.size() == 1) return to_hex(digests[0]);
    Md4 md4;
    md4.update(std::as_bytes(std::span(digests)));
    return to_hex(md4.finish());
}

class FileOracle : public ::testing::TestWithParam<uint64_t> {};

TEST_P(FileOracle, AllFiveMatchRhash) {
    const uint64_t size = GetParam();
    test::TempDir dir;
    const auto path = dir.write_random("f.bin", size, size + 1);
    FileHashOptions options;
    options.algorithms = kAll;
    const auto red = hash_file(path, options);
    ASSERT_TRUE(red.ok()) << red.error().message;
    EXPECT_EQ(red->size, size);
    expect_matches_rhash(path, *red);

    options.ed2k_variant = Ed2kVariant::blue;
    const auto blue = hash_file(path, options);
    ASSERT_TRUE(blue.ok()) << blue.error().message;
    EXPECT_EQ(blue->digests[0].value, blue_ed2k_of(path));
    if (ed2k_variants_differ(size)) {
        EXPECT_NE(red->digests[0].value, blue->digests[0].value);
        EXPECT_EQ(red->ed2k_other_variant, blue->digests[0].value);
        EXPECT_EQ(blue->ed2k_other_variant, red->digests[0].value);
    } else {
        EXPECT_EQ(red->digests[0].value, blue->digests[0].value);
        EXPECT_TRUE(red->ed2k_other_variant.empty());
    }

    // ED2K and CRC32 without the others run on the chunk engine (each worker
    // hashes up to 16 chunks at once in MD4 lanes): every kernel this CPU
    // has, both variants, both orders, and the sequential read pattern
    // (one reader, one lane).
    struct Case {
        std::vector<Algorithm> set;
        Ed2kVariant variant;
        ReadPattern pattern;
    };
    const std::vector<Case> cases = {
        {{Algorithm::ed2k}, Ed2kVariant::red, ReadPattern::parallel},
        {{Algorithm::crc32, Algorithm::ed2k}, Ed2kVariant::blue, ReadPattern::parallel},
        {{Algorithm::ed2k, Algorithm::crc32}, Ed2kVariant::red, ReadPattern::sequential},
    };
    for (const Md4Kernel kernel : runnable_kernels()) {
        test_support::ForcedKernel forced(kernel);
        for (const auto& c : cases) {
            // The sequential pattern always runs the scalar kernel: once is enough.
            if (c.pattern == ReadPattern::sequential && kernel != Md4Kernel::scalar) continue;
            FileHashOptions chunked;
            chunked.algorithms = c.set;
            chunked.ed2k_variant = c.variant;
            chunked.read_pattern = c.pattern;
            const auto got = hash_file(path, chunked);
            ASSERT_TRUE(got.ok()) << got.error().message;
            const auto& all = c.variant == Ed2kVariant::red ? *red : *blue;
            const std::string where =
                std::string(md4_kernel_name(kernel)) +
                (c.pattern == ReadPattern::sequential ? " sequential " : " parallel ") +
                (c.variant == Ed2kVariant::red ? "red " : "blue ") + std::to_string(c.set.size()) +
                " algorithms";
            EXPECT_EQ(got->size, size) << where;
            ASSERT_EQ(got->digests.size(), c.set.size()) << where;
            for (size_t i = 0; i < c.set.size(); ++i) {
                // kAll's order: ed2k is [0], crc32 [1].
                const size_t in_all = c.set[i] == Algorithm::ed2k ? 0 : 1;
                EXPECT_EQ(got->digests[i], all.digests[in_all]) << where;
            }
            EXPECT_EQ(got->ed2k_other_variant, all.ed2k_other_variant) << where;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Boundaries, FileOracle,
                         ::testing::Values(0, 1, 1023, 1024, 1025, 2047, 2048, 2049, 3 * 1024,
                                           (kMiB / 4) - 1, kMiB / 4,
                                           (kMiB / 4) + 1,            // smaller block classes
                                           kMiB - 1, kMiB, kMiB + 1,  // leaf group / read block
                                           2 * kMiB - 1, 2 * kMiB,
                                           3 * kMiB + 1024,  // odd group counts
                                           kChunk - 1, kChunk, kChunk + 1, 2 * kChunk - 1,
                                           2 * kChunk, 2 * kChunk + 1, 3 * kChunk));

TEST(FileHash, OneThreadAndSubsetsMatchRhash) {
    test::TempDir dir;
    const uint64_t size = kChunk + 5 * kMiB + 333;
    const auto path = dir.write_random("f.bin", size, 9);
    const auto expected = rhash_five(path);
    ASSERT_EQ(expected.size(), 5u);
    for (unsigned threads : {1u, 2u, 0u}) {
        for (size_t i = 0; i < kAll.size(); ++i) {
            FileHashOptions options;
            options.algorithms = {kAll[i]};
            options.max_threads = threads;
            const auto got = hash_file(path, options);
            ASSERT_TRUE(got.ok()) << got.error().message;
            ASSERT_EQ(got->digests.size(), 1u);
            EXPECT_EQ(lower(got->digests[0].value), expected[i])
                << algorithm_name(kAll[i]) << " threads " << threads;
        }
    }
}

TEST(FileHash, ConcurrentFilesShareThePool) {
    test::TempDir dir;
    std::vector<std::filesystem::path> paths;
    for (int i = 0; i < 3; ++i) {
        paths.push_back(dir.write_random("f" + std::to_string(i), 3 * kMiB + i * 777, 100 + i));
    }
    std::vector<Result<FileHashes>> results(paths.size(), make_error(Errc::unknown, ""));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < paths.size(); ++i) {
        threads.emplace_back([&, i] {
            FileHashOptions options;
            options.algorithms = kAll;
            results[i] = hash_file(paths[i], options);
        });
    }
    for (auto& t : threads) t.join();
    for (size_t i = 0; i < paths.size(); ++i) {
        ASSERT_TRUE(results[i].ok()) << results[i].error().message;
        expect_matches_rhash(paths[i], *results[i]);
    }
}

// Under a tight library memory limit both engines fall back to fewer and
// smaller buffers and still get every value right.
TEST(FileHash, LowMemoryLimitUsesSmallerBuffers) {
    test::TempDir dir;
    const auto path = dir.write_random("f.bin", 2 * kChunk + 3 * kMiB + 5, 77);
    const auto expected = rhash_five(path);
    ASSERT_EQ(expected.size(), 5u);
    auto& budget = memory::MemoryBudget::instance();
    for (const uint64_t headroom : {uint64_t{300} << 10, uint64_t{100} << 10, uint64_t{12} << 10}) {
        memory::BufferPool::instance().clear();
        budget.set_limit(budget.used() + headroom);
        FileHashOptions options;
        options.algorithms = kAll;
        const auto all = hash_file(path, options);
        budget.set_limit(0);
        ASSERT_TRUE(all.ok()) << "headroom " << headroom << ": " << all.error().message;
        expect_matches_rhash(path, *all);
        // The chunk engine with every kernel: down to 64 bytes per lane.
        for (const Md4Kernel kernel : runnable_kernels()) {
            test_support::ForcedKernel forced(kernel);
            memory::BufferPool::instance().clear();
            budget.set_limit(budget.used() + headroom);
            options.algorithms = {Algorithm::ed2k, Algorithm::crc32};
            const auto got = hash_file(path, options);
            budget.set_limit(0);
            ASSERT_TRUE(got.ok()) << "headroom " << headroom << ": " << got.error().message;
            EXPECT_EQ(lower(got->digests[0].value), expected[0])
                << "headroom " << headroom << " " << md4_kernel_name(kernel);
            EXPECT_EQ(lower(got->digests[1].value), expected[1])
                << "headroom " << headroom << " " << md4_kernel_name(kernel);
        }
    }
}

TEST(FileHash, OutOfMemoryOnlyWhenNothingFits) {
    test::TempDir dir;
    const auto path = dir.write_random("f.bin", 5000, 3);
    auto& budget = memory::MemoryBudget::instance();
    for (const bool ed2k_alone : {false, true}) {
        memory::BufferPool::instance().clear();
        budget.set_limit(budget.used() + 100);
        FileHashOptions options;
        options.algorithms = ed2k_alone ? std::vector{Algorithm::ed2k} : kAll;
        const auto got = hash_file(path, options);
        budget.set_limit(0);
        ASSERT_FALSE(got.ok());
        EXPECT_EQ(got.code(), Errc::out_of_memory) << got.error().message;
        // And with the default limit back, the same file hashes.
        EXPECT_TRUE(hash_file(path, options).ok());
    }
}

}  // namespace
}  // namespace anidb::hash
