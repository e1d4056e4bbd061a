#include "hash/primitives.h"

#include <isa-l.h>
#include <openssl/evp.h>
#include <rhash.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>

namespace anidb::hash {

// OpenSSL 3 marks the MD4_* calls deprecated; they are the one MD4 that
// works without loading the legacy provider, and ED2K needs MD4.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
Md4::Md4() {
    MD4_Init(&ctx_);
}

void Md4::update(std::span<const std::byte> bytes) noexcept {
    MD4_Update(&ctx_, bytes.data(), bytes.size());
}

Md4Digest Md4::finish() noexcept {
    Md4Digest out{};
    MD4_Final(out.data(), &ctx_);
    MD4_Init(&ctx_);
    return out;
}
#pragma GCC diagnostic pop

Md4Digest Md4::of(std::span<const std::byte> bytes) noexcept {
    Md4 md4;
    md4.update(bytes);
    return md4.finish();
}

Md4Digest Md4::empty() noexcept {
    static const Md4Digest value = of({});
    return value;
}

EvpDigest::EvpDigest(Kind kind) : kind_(kind), ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr ||
        EVP_DigestInit_ex(ctx_, kind == Kind::md5 ? EVP_md5() : EVP_sha1(), nullptr) != 1) {
        EVP_MD_CTX_free(ctx_);
        throw std::bad_alloc();
    }
}

EvpDigest::~EvpDigest() {
    EVP_MD_CTX_free(ctx_);
}

void EvpDigest::update(std::span<const std::byte> bytes) noexcept {
    EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
}

size_t EvpDigest::finish(std::span<uint8_t, 20> out) noexcept {
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &length);
    EVP_DigestInit_ex(ctx_, kind_ == Kind::md5 ? EVP_md5() : EVP_sha1(), nullptr);
    return length;
}

void Crc32::update(std::span<const std::byte> bytes) noexcept {
    // ISA-L takes a 64-bit length; one call covers any span.
    crc_ =
        crc32_gzip_refl(crc_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

uint32_t Crc32::combine(uint32_t first, uint32_t second, uint64_t second_length) noexcept {
    return static_cast<uint32_t>(crc32_combine(first, second, static_cast<z_off_t>(second_length)));
}

namespace {
std::once_flag g_rhash_init;
}

Tiger::Tiger() {
    std::call_once(g_rhash_init, [] { rhash_library_init(); });
    ctx_ = rhash_init(RHASH_TIGER);
    if (ctx_ == nullptr) throw std::bad_alloc();
}

Tiger::~Tiger() {
    rhash_free(ctx_);
}

TigerDigest Tiger::leaf(std::span<const std::byte> block) noexcept {
    // Prefix and block as one aligned message: librhash then hashes the
    // 64-byte blocks in place instead of copying each one.
    alignas(64) std::array<uint8_t, 1 + kTthLeafSize> message;
    message[0] = 0x00;
    const size_t n = std::min(block.size(), kTthLeafSize);
    if (n > 0) std::memcpy(message.data() + 1, block.data(), n);
    TigerDigest out{};
    rhash_reset(ctx_);
    rhash_update(ctx_, message.data(), 1 + n);
    rhash_final(ctx_, out.data());
    return out;
}

TigerDigest Tiger::digest(std::span<const std::byte> message) noexcept {
    TigerDigest out{};
    rhash_reset(ctx_);
    rhash_update(ctx_, message.data(), message.size());
    rhash_final(ctx_, out.data());
    return out;
}

TigerDigest Tiger::node(const TigerDigest& left, const TigerDigest& right) noexcept {
    // One contiguous message: a single update is cheaper than three.
    std::array<uint8_t, 1 + 2 * 24> message{};
    message[0] = 0x01;
    std::copy(left.begin(), left.end(), message.begin() + 1);
    std::copy(right.begin(), right.end(), message.begin() + 1 + 24);
    TigerDigest out{};
    rhash_reset(ctx_);
    rhash_update(ctx_, message.data(), message.size());
    rhash_final(ctx_, out.data());
    return out;
}

}  // namespace anidb::hash
