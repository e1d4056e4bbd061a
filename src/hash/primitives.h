// Thin RAII wrappers over the vetted hash primitives we build on (chosen by
// measurement, see docs/performance.md): OpenSSL libcrypto for MD4, MD5 and
// SHA1, ISA-L for CRC32, librhash for Tiger. Each object is one hashing
// state, used by one thread at a time; different objects are independent.
// Constructors throw std::bad_alloc when the library cannot allocate state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <openssl/md4.h>

struct evp_md_ctx_st;
struct rhash_context;

namespace anidb::hash {

using Md4Digest = std::array<uint8_t, 16>;
using Md5Digest = std::array<uint8_t, 16>;
using Sha1Digest = std::array<uint8_t, 20>;
using TigerDigest = std::array<uint8_t, 24>;

// THEX leaf size: TTH hashes the input in blocks of this many bytes.
inline constexpr size_t kTthLeafSize = 1024;

// MD4 through OpenSSL's low-level API (needs no provider, unlike EVP MD4).
class Md4 {
  public:
    Md4();
    void update(std::span<const std::byte> bytes) noexcept;
    // Returns the digest and resets the state for reuse.
    Md4Digest finish() noexcept;
    // MD4 of the empty input, 31d6cfe0d16ae931b73c59d7e0c089c0.
    static Md4Digest empty() noexcept;
    static Md4Digest of(std::span<const std::byte> bytes) noexcept;

  private:
    MD4_CTX ctx_;
};

// MD5 or SHA1 through an OpenSSL EVP context (SHA-NI where the CPU has it).
class EvpDigest {
  public:
    enum class Kind { md5, sha1 };
    explicit EvpDigest(Kind kind);
    ~EvpDigest();
    EvpDigest(const EvpDigest&) = delete;
    EvpDigest& operator=(const EvpDigest&) = delete;
    void update(std::span<const std::byte> bytes) noexcept;
    // Digest bytes written to `out` (16 for MD5, 20 for SHA1); resets.
    size_t finish(std::span<uint8_t, 20> out) noexcept;

  private:
    Kind kind_;
    evp_md_ctx_st* ctx_;
};

// CRC32 (IEEE 802.3, reflected: the value of zlib crc32 and rhash --crc32)
// through ISA-L's PCLMUL/VPCLMUL code.
class Crc32 {
  public:
    // `initial`: the CRC32 of the bytes before (to continue a running CRC).
    explicit Crc32(uint32_t initial = 0) noexcept : crc_(initial) {}
    void update(std::span<const std::byte> bytes) noexcept;
    uint32_t value() const noexcept { return crc_; }
    // The CRC32 of A followed by B from crc(A), crc(B) and B's length
    // (zlib's crc32_combine): chunks hashed apart give the file's CRC32.
    static uint32_t combine(uint32_t first, uint32_t second, uint64_t second_length) noexcept;

  private:
    uint32_t crc_;
};

// Tiger (the original padding, as THEX/TTH uses) through librhash; one
// context reused for many short messages.
class Tiger {
  public:
    Tiger();
    ~Tiger();
    Tiger(const Tiger&) = delete;
    Tiger& operator=(const Tiger&) = delete;
    // Tiger(0x00 || block): a THEX leaf (block is at most kTthLeafSize bytes;
    // longer blocks are cut there).
    TigerDigest leaf(std::span<const std::byte> block) noexcept;
    // Tiger of a whole message (no THEX prefix).
    TigerDigest digest(std::span<const std::byte> message) noexcept;
    // Tiger(0x01 || left || right): a THEX inner node.
    TigerDigest node(const TigerDigest& left, const TigerDigest& right) noexcept;

  private:
    rhash_context* ctx_;
};

}  // namespace anidb::hash
