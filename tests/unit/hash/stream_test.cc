// Streaming: the same bytes fed in any split pattern give the same digests
// as one-shot hashing (and as hash_file on a file of those bytes).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "hash/hash_file.h"
#include "hash/stream_hasher.h"
#include "support/temp_dir.h"

namespace anidb::hash {
namespace {

const std::vector<Algorithm> kAll = {Algorithm::ed2k, Algorithm::crc32, Algorithm::md5,
                                     Algorithm::sha1, Algorithm::tth};

std::vector<Digest> hash_in_pieces(std::span<const std::byte> data, std::mt19937_64& rng,
                                   size_t max_piece, Ed2kVariant variant) {
    StreamHasher hasher(kAll, variant);
    std::uniform_int_distribution<size_t> piece(0, max_piece);
    size_t at = 0;
    while (at < data.size()) {
        const size_t n = std::min(piece(rng), data.size() - at);
        hasher.update(data.subspan(at, n));
        at += n;
    }
    EXPECT_EQ(hasher.size(), data.size());
    return hasher.finish();
}

class StreamSplits : public ::testing::TestWithParam<size_t> {};

TEST_P(StreamSplits, RandomSplitsMatchOneShot) {
    const size_t size = GetParam();
    const auto raw = test::random_bytes(size, size + 7);
    const auto data = std::as_bytes(std::span(raw));
    std::mt19937_64 rng(size);
    for (const Ed2kVariant variant : {Ed2kVariant::red, Ed2kVariant::blue}) {
        const auto expected = hash_bytes(data, kAll, variant);
        ASSERT_EQ(expected.size(), kAll.size());
        for (size_t max_piece :
             {size_t{1} + size / 4096, size_t{1023}, size_t{1025}, size_t{3} << 20}) {
            EXPECT_EQ(hash_in_pieces(data, rng, max_piece, variant), expected)
                << "size " << size << " max piece " << max_piece;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, StreamSplits,
                         ::testing::Values(0, 1, 1023, 1024, 1025, 4096 + 3, (1 << 20) + 17,
                                           9728000, 2 * 9728000 + 5));

TEST(StreamHasher, DigestsComeInRequestedOrder) {
    const std::vector<Algorithm> order = {Algorithm::tth, Algorithm::md5, Algorithm::ed2k};
    StreamHasher hasher(order);
    hasher.update(std::as_bytes(std::span("abc", 3)));
    const auto digests = hasher.finish();
    ASSERT_EQ(digests.size(), 3u);
    for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(digests[i].algorithm, order[i]);
    EXPECT_EQ(digests[1].value, "900150983cd24fb0d6963f7d28e17f72");
}

TEST(StreamHasher, MatchesHashFile) {
    test::TempDir dir;
    const uint64_t size = 3 * (1 << 20) + 12345;
    const auto path = dir.write_random("f.bin", size, 42);
    std::vector<uint8_t> raw;
    for (uint64_t seed = 42, left = size; left > 0; ++seed) {
        const auto block = test::random_bytes(std::min<uint64_t>(left, 1 << 20), seed);
        raw.insert(raw.end(), block.begin(), block.end());
        left -= block.size();
    }
    FileHashOptions options;
    options.algorithms = kAll;
    const auto from_file = hash_file(path, options);
    ASSERT_TRUE(from_file.ok()) << from_file.error().message;
    EXPECT_EQ(from_file->digests, hash_bytes(std::as_bytes(std::span(raw)), kAll));
}

}  // namespace
}  // namespace anidb::hash
