// Compressed (zlib and raw DEFLATE) and encrypted datagrams.
#include <gtest/gtest.h>

#include "anidb/codec.h"
#include "anidb/compression.h"
#include "anidb/crypto.h"
#include "support/temp_dir.h"

namespace anidb::udp {
namespace {

const std::string kReply = "t2 220 FILE\n424242|3131|55501|777|0|9|734003200\n";

TEST(Compression, ZlibRoundTripWithMarker) {
    auto packed = deflate_datagram(kReply);
    ASSERT_TRUE(packed.ok());
    EXPECT_TRUE(is_compressed(*packed));
    EXPECT_EQ(static_cast<unsigned char>((*packed)[2]), 0x78);
    auto text = inflate_datagram(*packed);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, kReply);
    auto reply = parse_reply(*text);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->code, 220);
}

TEST(Compression, RawDeflateFallback) {
    auto packed = deflate_datagram(kReply, true);
    ASSERT_TRUE(packed.ok());
    auto text = inflate_datagram(*packed);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, kReply);
}

TEST(Compression, BoundedInflateSize) {
    std::string big(200 * 1024, 'a');
    auto packed = deflate_datagram(big);
    ASSERT_TRUE(packed.ok());
    EXPECT_LT(packed->size(), 1400u);
    EXPECT_EQ(inflate_datagram(*packed).code(), Errc::protocol);
    EXPECT_TRUE(inflate_datagram(*packed, big.size()).ok());
}

TEST(Compression, CorruptAndTruncatedStreams) {
    auto packed = deflate_datagram(kReply);
    ASSERT_TRUE(packed.ok());
    EXPECT_EQ(inflate_datagram(packed->substr(0, packed->size() - 6)).code(), Errc::protocol);
    std::string flipped = *packed;
    flipped[flipped.size() - 1] ^= 0x55;  // Adler-32 mismatch
    EXPECT_EQ(inflate_datagram(flipped).code(), Errc::protocol);
    EXPECT_EQ(inflate_datagram(std::string("\0\0", 2)).code(), Errc::protocol);
    EXPECT_EQ(inflate_datagram("t1 200 x").code(), Errc::protocol);
    auto noise = test::random_bytes(300, 7);
    std::string junk("\0\0", 2);
    junk.append(reinterpret_cast<const char*>(noise.data()), noise.size());
    EXPECT_FALSE(inflate_datagram(junk).ok());
}

TEST(Crypto, RoundTripAndPkcsPadding) {
    AesSession server("myApiKey", "s4lt");
    AesSession client("myApiKey", "s4lt");
    for (size_t len : {0u, 1u, 15u, 16u, 17u, 100u}) {
        std::string plain(len, 'x');
        auto c = server.encrypt(plain);
        ASSERT_TRUE(c.ok());
        EXPECT_EQ(c->size(), (len / 16 + 1) * 16) << len;  // PKCS#5 always pads
        auto p = client.decrypt(*c);
        ASSERT_TRUE(p.ok());
        EXPECT_EQ(*p, plain);
    }
}

TEST(Crypto, WrongKeyOrPlainTextFails) {
    AesSession a("key1", "salt");
    AesSession b("key2", "salt");
    auto c = a.encrypt("t1 200 abc LOGIN ACCEPTED\n");
    ASSERT_TRUE(c.ok());
    auto wrong = b.decrypt(*c);
    EXPECT_TRUE(!wrong.ok() || *wrong != "t1 200 abc LOGIN ACCEPTED\n");
    EXPECT_EQ(a.decrypt("t1 200 abc").code(), Errc::protocol);
}

TEST(Crypto, EncryptedCompressedReplyDecryptsThenInflates) {
    AesSession key("k", "salt");
    auto packed = deflate_datagram(kReply);
    ASSERT_TRUE(packed.ok());
    auto wire = key.encrypt(*packed);
    ASSERT_TRUE(wire.ok());
    auto plain = key.decrypt(*wire);
    ASSERT_TRUE(plain.ok());
    ASSERT_TRUE(is_compressed(*plain));
    auto text = inflate_datagram(*plain);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, kReply);
}

}  // namespace
}  // namespace anidb::udp
