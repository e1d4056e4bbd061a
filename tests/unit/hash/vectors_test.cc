// Published test vectors for every primitive and for the TTH and ED2K
// constructions built on them.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "hash/algorithm.h"
#include "hash/encoding.h"
#include "hash/primitives.h"
#include "hash/stream_hasher.h"

namespace anidb::hash {
namespace {

std::span<const std::byte> bytes_of(std::string_view s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

std::string one(Algorithm a, std::string_view data, Ed2kVariant v = Ed2kVariant::red) {
    const Algorithm list[] = {a};
    return hash_bytes(bytes_of(data), list, v).at(0).value;
}

const std::string kDigits80 =
    "12345678901234567890123456789012345678901234567890123456789012345678901234567890";

// RFC 1320 appendix A.5. ED2K of less than one chunk is the MD4 of the data.
TEST(HashVectors, Md4Rfc1320ThroughEd2k) {
    EXPECT_EQ(one(Algorithm::ed2k, ""), "31d6cfe0d16ae931b73c59d7e0c089c0");
    EXPECT_EQ(one(Algorithm::ed2k, "a"), "bde52cb31de33e46245e05fbdbd6fb24");
    EXPECT_EQ(one(Algorithm::ed2k, "abc"), "a448017aaf21d8525fc10ae87aa6729d");
    EXPECT_EQ(one(Algorithm::ed2k, "message digest"), "d9130a8164549fe818874806e1c7014b");
    EXPECT_EQ(one(Algorithm::ed2k, "abcdefghijklmnopqrstuvwxyz"),
              "d79e1c308aa5bbcdeea8ed63df412da9");
    EXPECT_EQ(one(Algorithm::ed2k, kDigits80), "e33b4ddc9c38f2199c3e7b164fcc0536");
    EXPECT_EQ(to_hex(Md4::empty()), "31d6cfe0d16ae931b73c59d7e0c089c0");
}

// RFC 1321 appendix A.5.
TEST(HashVectors, Md5Rfc1321) {
    EXPECT_EQ(one(Algorithm::md5, ""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(one(Algorithm::md5, "a"), "0cc175b9c0f1b6a831c399e269772661");
    EXPECT_EQ(one(Algorithm::md5, "abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(one(Algorithm::md5, "message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    EXPECT_EQ(one(Algorithm::md5, "abcdefghijklmnopqrstuvwxyz"),
              "c3fcd3d76192e4007dfb496cca67e13b");
    EXPECT_EQ(one(Algorithm::md5, kDigits80), "57edf4a22be3c955ac49da2e2107b67a");
}

// FIPS 180 examples.
TEST(HashVectors, Sha1Fips180) {
    EXPECT_EQ(one(Algorithm::sha1, ""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(one(Algorithm::sha1, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(one(Algorithm::sha1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    EXPECT_EQ(one(Algorithm::sha1, std::string(1000000, 'a')),
              "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(HashVectors, Crc32Ieee) {
    EXPECT_EQ(one(Algorithm::crc32, "123456789"), "cbf43926");
    EXPECT_EQ(one(Algorithm::crc32, ""), "00000000");
    EXPECT_EQ(one(Algorithm::crc32, "The quick brown fox jumps over the lazy dog"), "414fa339");
}

// Tiger reference vectors (Anderson and Biham's original padding).
TEST(HashVectors, Tiger) {
    Tiger tiger;
    EXPECT_EQ(to_hex(tiger.digest(bytes_of(""))),
              "3293ac630c13f0245f92bbb1766e16167a4e58492dde73f3");
    EXPECT_EQ(to_hex(tiger.digest(bytes_of("abc"))),
              "2aab1484e8c158f2bfb8c5ff41b57a525129131c957b5f93");
    EXPECT_EQ(to_hex(tiger.digest(bytes_of("The quick brown fox jumps over the lazy dog"))),
              "6d12a41e72e644f017b6f0e2f7b44c6285f06dd5d2c5b075");
}

// THEX / DC++ vectors: empty input, one zero byte, 1024 and 1025 'A's.
TEST(HashVectors, TigerTreeHash) {
    EXPECT_EQ(one(Algorithm::tth, ""), "LWPNACQDBZRYXW3VHJVCJ64QBZNGHOHHHZWCLNQ");
    EXPECT_EQ(one(Algorithm::tth, std::string(1, '\0')), "VK54ZIEEVTWNAUI5D5RDFIL37LX2IQNSTAXFKSA");
    EXPECT_EQ(one(Algorithm::tth, std::string(1024, 'A')),
              "L66Q4YVNAFWVS23X2HJIRA5ZJ7WXR3F26RSASFA");
    EXPECT_EQ(one(Algorithm::tth, std::string(1025, 'A')),
              "PZMRYHGY6LTBEH63ZWAHDORHSYTLO4LEFUIKHWY");
}

TEST(HashVectors, Ed2kOfZeroChunksBothVariants) {
    const std::string one_chunk(static_cast<size_t>(kEd2kChunkSize), '\0');
    const std::string two_chunks(static_cast<size_t>(2 * kEd2kChunkSize), '\0');
    EXPECT_EQ(one(Algorithm::ed2k, one_chunk, Ed2kVariant::red),
              "fc21d9af828f92a8df64beac3357425d");
    EXPECT_EQ(one(Algorithm::ed2k, two_chunks, Ed2kVariant::red),
              "114b21c63a74b6ca922291a11177dd5c");
    EXPECT_EQ(one(Algorithm::ed2k, one_chunk, Ed2kVariant::blue),
              "d7def262a127cd79096a108e7a9fc138");
    EXPECT_EQ(one(Algorithm::ed2k, two_chunks, Ed2kVariant::blue),
              "194ee9e4fa79b2ee9f8829284c466051");
}

TEST(HashVectors, VariantsAgreeOffChunkMultiples) {
    const std::string data(static_cast<size_t>(kEd2kChunkSize) + 1, 'x');
    EXPECT_EQ(one(Algorithm::ed2k, data, Ed2kVariant::red),
              one(Algorithm::ed2k, data, Ed2kVariant::blue));
    EXPECT_EQ(one(Algorithm::ed2k, "", Ed2kVariant::red),
              one(Algorithm::ed2k, "", Ed2kVariant::blue));
}

TEST(HashEncoding, Base32AndHex) {
    const uint8_t bytes[] = {'f', 'o', 'o', 'b', 'a', 'r'};
    EXPECT_EQ(to_base32(std::span(bytes).first(1)), "MY");
    EXPECT_EQ(to_base32(std::span(bytes).first(3)), "MZXW6");
    EXPECT_EQ(to_base32(bytes), "MZXW6YTBOI");
    EXPECT_EQ(to_hex(std::span(bytes).first(2)), "666f");
}

TEST(HashAlgorithm, NamesLengthsAndValues) {
    const std::pair<Algorithm, std::pair<const char*, size_t>> expected[] = {
        {Algorithm::ed2k, {"ed2k", 32}},
        {Algorithm::crc32, {"crc32", 8}},
        {Algorithm::md5, {"md5", 32}},
        {Algorithm::sha1, {"sha1", 40}},
        {Algorithm::tth, {"tth", 39}}};
    for (const auto& [a, info] : expected) {
        EXPECT_STREQ(algorithm_name(a), info.first);
        EXPECT_EQ(digest_text_length(a), info.second);
        EXPECT_EQ(algorithm_from_int(static_cast<int>(a)), a);
        EXPECT_EQ(one(a, "abc").size(), info.second) << info.first;
    }
    EXPECT_FALSE(algorithm_from_int(0));
    EXPECT_FALSE(algorithm_from_int(6));
    EXPECT_FALSE(algorithm_from_int(-1));
}

TEST(HashAlgorithm, ValidationRejectsBadRequests) {
    using A = Algorithm;
    EXPECT_TRUE(validate_algorithms(std::vector<A>{A::tth}).ok());
    EXPECT_TRUE(
        validate_algorithms(std::vector<A>{A::sha1, A::ed2k, A::tth, A::md5, A::crc32}).ok());
    const std::vector<std::vector<A>> bad = {
        {},
        {A::ed2k, A::crc32, A::md5, A::sha1, A::tth, A::ed2k},
        {static_cast<A>(0)},
        {A::md5, static_cast<A>(6)},
        {A::md5, A::md5},
    };
    for (const auto& request : bad) {
        const Status s = validate_algorithms(request);
        EXPECT_EQ(s.code(), Errc::invalid_parameter);
        EXPECT_FALSE(s.error().message.empty());
    }
    EXPECT_THROW(StreamHasher(std::vector<A>{A::md5, A::md5}), std::invalid_argument);
}

// The form check the cache applies to stored digests before it returns them.
TEST(HashAlgorithm, DigestTextFormIsCheckedExactly) {
    using A = Algorithm;
    for (const A a : {A::ed2k, A::crc32, A::md5, A::sha1, A::tth}) {
        const std::string real = one(a, "abc");
        EXPECT_TRUE(is_digest_text(a, real)) << real;
        EXPECT_FALSE(is_digest_text(a, real.substr(1))) << "short";
        EXPECT_FALSE(is_digest_text(a, real + real.back())) << "long";
        std::string flipped = real;
        flipped[3] = a == A::tth ? 'a' : 'A';  // wrong case
        EXPECT_FALSE(is_digest_text(a, flipped)) << flipped;
        flipped[3] = a == A::tth ? '1' : 'g';  // outside the alphabet
        EXPECT_FALSE(is_digest_text(a, flipped)) << flipped;
        flipped[3] = '\xff';
        EXPECT_FALSE(is_digest_text(a, flipped));
    }
    EXPECT_FALSE(is_digest_text(A::crc32, ""));
    EXPECT_FALSE(is_digest_text(static_cast<A>(9), "00000000"));
    // TTH: 39 characters hold 195 bits for 192; the last one's padding bits are 0.
    EXPECT_TRUE(is_digest_text(A::tth, "LWPNACQDBZRYXW3VHJVCJ64QBZNGHOHHHZWCLNQ"));
    EXPECT_FALSE(is_digest_text(A::tth, "LWPNACQDBZRYXW3VHJVCJ64QBZNGHOHHHZWCLNR"));
}

}  // namespace
}  // namespace anidb::hash
