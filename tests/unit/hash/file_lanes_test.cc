// Whole files side by side in MD4 lanes (FileLanes, hash_files_in_lanes)
// against rhash, on every kernel this CPU can run: files of every size up
// to one chunk finishing in different steps, a lane taking the next file,
// larger files handed to hash_file, and the errors hash_file would give.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stop_token>
#include <vector>

#include "hash/file_lanes.h"
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

constexpr uint64_t kChunk = kEd2kChunkSize;

FileHashOptions ed2k_crc32(Ed2kVariant variant = Ed2kVariant::red) {
    FileHashOptions options;
    options.algorithms = {Algorithm::ed2k, Algorithm::crc32};
    options.ed2k_variant = variant;
    return options;
}

// Sizes around every block, piece and chunk edge, plus random ones, so that
// lanes end in different steps and in different blocks.
std::vector<uint64_t> mixed_sizes() {
    std::vector<uint64_t> sizes = {0,          1,       55,         56,     63,     64,    65,
                                   119,        120,     1023,       1024,   65535,  65536, 65537,
                                   131072 + 7, 1 << 20, kChunk - 1, kChunk, 3 << 20};
    uint64_t x = 12345;
    for (int i = 0; i < 13; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sizes.push_back((x >> 33) % (1 << 20));
    }
    return sizes;
}

TEST(FileLanes, MixedSizesMatchRhashOnEveryKernel) {
    test::TempDir dir;
    std::vector<std::filesystem::path> paths;
    std::vector<std::vector<std::string>> expected;
    for (const uint64_t size : mixed_sizes()) {
        paths.push_back(dir.write_random("f" + std::to_string(paths.size()), size, size + 3));
        expected.push_back(rhash_five(paths.back()));
    }
    // One file of several chunks: not taken by a lane, hashed by hash_file.
    paths.push_back(dir.write_random("large", 2 * kChunk + 5, 8));
    expected.push_back(rhash_five(paths.back()));

    for (const Md4Kernel kernel : runnable_kernels()) {
        test_support::ForcedKernel forced(kernel);
        const auto results = hash_files_in_lanes(paths, ed2k_crc32());
        ASSERT_EQ(results.size(), paths.size());
        for (size_t i = 0; i < paths.size(); ++i) {
            ASSERT_TRUE(results[i].ok()) << paths[i] << ": " << results[i].error().message;
            EXPECT_EQ(results[i]->size, std::filesystem::file_size(paths[i]));
            ASSERT_EQ(results[i]->digests.size(), 2u);
            EXPECT_EQ(results[i]->digests[0].algorithm, Algorithm::ed2k);
            EXPECT_EQ(lower(results[i]->digests[0].value), expected[i][0])
                << md4_kernel_name(kernel) << " " << paths[i];
            EXPECT_EQ(lower(results[i]->digests[1].value), expected[i][1])
                << md4_kernel_name(kernel) << " " << paths[i];
        }
    }
}

// ED2K alone, the blue variant, and the other variant of a chunk-sized
// file: the same as hash_file.
TEST(FileLanes, VariantsAndOtherVariantAsHashFile) {
    test::TempDir dir;
    const std::vector<std::filesystem::path> paths = {dir.write_random("chunk", kChunk, 1),
                                                      dir.write_random("small", 4000, 2)};
    for (const auto variant : {Ed2kVariant::red, Ed2kVariant::blue}) {
        FileHashOptions options;
        options.algorithms = {Algorithm::ed2k};
        options.ed2k_variant = variant;
        const auto results = hash_files_in_lanes(paths, options);
        for (size_t i = 0; i < paths.size(); ++i) {
            const auto single = hash_file(paths[i], options);
            ASSERT_TRUE(results[i].ok() && single.ok());
            EXPECT_EQ(results[i]->digests, single->digests);
            EXPECT_EQ(results[i]->ed2k_other_variant, single->ed2k_other_variant);
        }
        EXPECT_FALSE(results[0]->ed2k_other_variant.empty());
        EXPECT_TRUE(results[1]->ed2k_other_variant.empty());
    }
}

TEST(FileLanes, ErrorsAreThoseOfHashFile) {
    test::TempDir dir;
    const auto good = dir.write_random("good", 5000, 4);
    std::filesystem::create_directory(dir / "sub");
    const std::vector<std::filesystem::path> paths = {dir / "missing", dir / "sub", good};
    const auto results = hash_files_in_lanes(paths, ed2k_crc32());
    EXPECT_EQ(results[0].code(), Errc::file_not_found);
    EXPECT_EQ(results[1].code(), Errc::invalid_parameter);
    ASSERT_TRUE(results[2].ok());
    EXPECT_EQ(lower(results[2]->digests[0].value), rhash_five(good)[0]);

    // Algorithms without a multi-lane kernel are refused for every file.
    FileHashOptions md5;
    md5.algorithms = {Algorithm::ed2k, Algorithm::md5};
    for (const auto& r : hash_files_in_lanes(paths, md5))
        EXPECT_EQ(r.code(), Errc::invalid_parameter);
    EXPECT_THROW(FileLanes({Algorithm::tth}, Ed2kVariant::red), std::invalid_argument);
}

// The manager interface: a lane whose file ends takes the next one while
// the others are still busy, and a file that shrinks in its lane fails
// alone with "file changed while hashing".
TEST(FileLanes, FreedLaneTakesTheNextFileAndAShrunkFileFailsAlone) {
    test::TempDir dir;
    for (const Md4Kernel kernel : runnable_kernels()) {
        test_support::ForcedKernel forced(kernel);
        FileLanes lanes({Algorithm::ed2k}, Ed2kVariant::red);
        std::vector<std::filesystem::path> paths;
        std::vector<FileLanes::Finished> finished;
        // One long file (it shrinks later) and short ones in every other lane.
        paths.push_back(dir.write_random("long", 5 << 20, 1));
        ASSERT_EQ(lanes.submit(0, paths[0], finished), FileLanes::Admission::hashing);
        while (lanes.has_free_lane()) {
            paths.push_back(
                dir.write_random("s" + std::to_string(paths.size()), 3000, paths.size()));
            ASSERT_EQ(lanes.submit(paths.size() - 1, paths.back(), finished),
                      FileLanes::Admission::hashing);
        }
        lanes.step(finished);
        // The short files are done after one step; their lanes are free
        // (the scalar kernel has one lane, busy with the long file).
        EXPECT_EQ(finished.size(), paths.size() - 1);
        const auto next = dir.write_random("next", 200000, 99);
        const bool one_more = lanes.width() > 1;
        EXPECT_EQ(lanes.has_free_lane(), one_more);
        if (one_more) {
            ASSERT_EQ(lanes.submit(1000, next, finished), FileLanes::Admission::hashing);
        }
        std::filesystem::resize_file(paths[0], 1 << 20);
        while (!lanes.idle()) lanes.step(finished);
        ASSERT_EQ(finished.size(), paths.size() + (one_more ? 1 : 0));
        for (auto& f : finished) {
            if (f.tag == 0) {
                EXPECT_EQ(f.hashes.code(), Errc::io);
                EXPECT_EQ(f.hashes.error().message, "file changed while hashing");
                continue;
            }
            ASSERT_TRUE(f.hashes.ok()) << f.hashes.error().message;
            const auto& path = f.tag == 1000 ? next : paths[f.tag];
            EXPECT_EQ(lower(f.hashes->digests[0].value), rhash_five(path)[0])
                << md4_kernel_name(kernel) << " " << path;
        }
        // Too large for a lane: not taken.
        const auto large = dir.write_random("large", kChunk + 1, 3);
        EXPECT_EQ(lanes.submit(7, large, finished), FileLanes::Admission::too_large);
        EXPECT_TRUE(lanes.idle());
        std::filesystem::remove(paths[0]);
    }
}

TEST(FileLanes, StopEndsEveryLaneWithCancelled) {
    test::TempDir dir;
    std::stop_source stop;
    FileLanes lanes({Algorithm::ed2k, Algorithm::crc32}, Ed2kVariant::red, stop.get_token());
    std::vector<FileLanes::Finished> finished;
    ASSERT_EQ(lanes.submit(0, dir.write_random("a", 3 << 20, 1), finished),
              FileLanes::Admission::hashing);
    lanes.step(finished);
    stop.request_stop();
    lanes.step(finished);
    ASSERT_EQ(finished.size(), 1u);
    EXPECT_EQ(finished[0].hashes.code(), Errc::cancelled);
    EXPECT_TRUE(lanes.idle());
    EXPECT_EQ(lanes.submit(1, dir.write_random("b", 10, 1), finished),
              FileLanes::Admission::finished);
    EXPECT_EQ(finished.back().hashes.code(), Errc::cancelled);
}

TEST(FileLanes, TightMemoryLimitStillHashesAndNothingFitsIsOutOfMemory) {
    test::TempDir dir;
    std::vector<std::filesystem::path> paths;
    for (int i = 0; i < 20; ++i)
        paths.push_back(dir.write_random("f" + std::to_string(i), 7000 + i, i));
    auto& budget = memory::MemoryBudget::instance();
    for (const Md4Kernel kernel : runnable_kernels()) {
        test_support::ForcedKernel forced(kernel);
        memory::BufferPool::instance().clear();
        budget.set_limit(budget.used() + (12 << 10));  // a 4 KiB buffer at most
        auto results = hash_files_in_lanes(paths, ed2k_crc32());
        budget.set_limit(0);
        for (size_t i = 0; i < paths.size(); ++i) {
            ASSERT_TRUE(results[i].ok()) << results[i].error().message;
            EXPECT_EQ(lower(results[i]->digests[0].value), rhash_five(paths[i])[0]);
        }
        memory::BufferPool::instance().clear();
        budget.set_limit(budget.used() + 100);
        results = hash_files_in_lanes(paths, ed2k_crc32());
        budget.set_limit(0);
        for (const auto& r : results) EXPECT_EQ(r.code(), Errc::out_of_memory);
    }
}

}  // namespace
}  // namespace anidb::hash
