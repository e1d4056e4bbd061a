// The AVX-512 MD4 kernels: 16 lanes in zmm registers, and 8 lanes in ymm
// registers (AVX-512VL) for rounds with at most 8 busy lanes. Against AVX2
// they save instructions on the critical path: F, G and H are one
// vpternlogd each and the rotation is one vprold. Each block's 16 x 64
// bytes are transposed 16 x 16 in four shuffle stages. Only functions
// marked ANIDB_TARGET_AVX512 use AVX-512; nothing here runs unless
// md4_kernel_choice.h found AVX-512F and AVX-512VL on the CPU.
#include "hash/md4_kernels.h"

#if defined(__x86_64__)
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_epi32(), which
// -Wmaybe-uninitialized reports inside the header (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "hash/md4_transpose_avx2.h"

#define ANIDB_TARGET_AVX512 __attribute__((target("avx2,avx512f,avx512vl")))
#define ANIDB_INLINE_AVX512 __attribute__((target("avx2,avx512f,avx512vl"), always_inline)) inline

namespace anidb::hash::md4 {
namespace {

// vpternlogd truth tables over (b, c, d): F = b ? c : d, G = majority,
// H = b ^ c ^ d.
constexpr int kF = 0xca;
constexpr int kG = 0xe8;
constexpr int kH = 0x96;

ANIDB_INLINE_AVX512 __m512i load512(const std::byte* p) {
    return _mm512_loadu_si512(p);
}

// 16 rows (one lane's 16 words each) to 16 columns (one word of 16 lanes).
ANIDB_INLINE_AVX512 void transpose16(__m512i (&r)[16]) {
    // Within each 128-bit block: groups of 4 rows (lanes 4g..4g+3) give
    // u[g][k], whose 128-bit block L holds word 4L + k of those 4 lanes.
    __m512i u[4][4];
    for (size_t g = 0; g < 4; ++g) {
        const __m512i t0 = _mm512_unpacklo_epi32(r[4 * g], r[4 * g + 1]);
        const __m512i t1 = _mm512_unpackhi_epi32(r[4 * g], r[4 * g + 1]);
        const __m512i t2 = _mm512_unpacklo_epi32(r[4 * g + 2], r[4 * g + 3]);
        const __m512i t3 = _mm512_unpackhi_epi32(r[4 * g + 2], r[4 * g + 3]);
        u[g][0] = _mm512_unpacklo_epi64(t0, t2);
        u[g][1] = _mm512_unpackhi_epi64(t0, t2);
        u[g][2] = _mm512_unpacklo_epi64(t1, t3);
        u[g][3] = _mm512_unpackhi_epi64(t1, t3);
    }
    // Then a 4 x 4 transpose of 128-bit blocks for each k.
    for (size_t k = 0; k < 4; ++k) {
        const __m512i v0 = _mm512_shuffle_i32x4(u[0][k], u[1][k], 0x44);  // u0.L0 u0.L1 u1.L0 u1.L1
        const __m512i v1 = _mm512_shuffle_i32x4(u[0][k], u[1][k], 0xee);  // u0.L2 u0.L3 u1.L2 u1.L3
        const __m512i v2 = _mm512_shuffle_i32x4(u[2][k], u[3][k], 0x44);
        const __m512i v3 = _mm512_shuffle_i32x4(u[2][k], u[3][k], 0xee);
        r[k] = _mm512_shuffle_i32x4(v0, v2, 0x88);       // block 0 of u0..u3: word k
        r[4 + k] = _mm512_shuffle_i32x4(v0, v2, 0xdd);   // block 1: word 4 + k
        r[8 + k] = _mm512_shuffle_i32x4(v1, v3, 0x88);   // block 2: word 8 + k
        r[12 + k] = _mm512_shuffle_i32x4(v1, v3, 0xdd);  // block 3: word 12 + k
    }
}

}  // namespace

ANIDB_TARGET_AVX512 void compress_avx512_x16(LaneFrame<16>& frame, size_t blocks) noexcept {
    __m512i a = _mm512_load_si512(frame.state[0]);
    __m512i b = _mm512_load_si512(frame.state[1]);
    __m512i c = _mm512_load_si512(frame.state[2]);
    __m512i d = _mm512_load_si512(frame.state[3]);
    const __m512i k2 = _mm512_set1_epi32(0x5a827999);
    const __m512i k3 = _mm512_set1_epi32(0x6ed9eba1);

    for (size_t block = 0; block < blocks; ++block) {
        const size_t at = block * kBlockSize;
        __m512i X[16];
        for (int lane = 0; lane < 16; ++lane) X[lane] = load512(frame.data[lane] + at);
        transpose16(X);
        const __m512i a0 = a, b0 = b, c0 = c, d0 = d;

#define MD4_R1(a, b, c, d, k, s) \
    a = _mm512_rol_epi32(        \
        _mm512_add_epi32(_mm512_add_epi32(a, X[k]), _mm512_ternarylogic_epi32(b, c, d, kF)), s)
#define MD4_R2(a, b, c, d, k, s)                                                           \
    a = _mm512_rol_epi32(_mm512_add_epi32(_mm512_add_epi32(a, _mm512_add_epi32(X[k], k2)), \
                                          _mm512_ternarylogic_epi32(b, c, d, kG)),         \
                         s)
#define MD4_R3(a, b, c, d, k, s)                                                           \
    a = _mm512_rol_epi32(_mm512_add_epi32(_mm512_add_epi32(a, _mm512_add_epi32(X[k], k3)), \
                                          _mm512_ternarylogic_epi32(b, c, d, kH)),         \
                         s)
#include "hash/md4_rounds.inc"
#undef MD4_R1
#undef MD4_R2
#undef MD4_R3

        a = _mm512_add_epi32(a, a0);
        b = _mm512_add_epi32(b, b0);
        c = _mm512_add_epi32(c, c0);
        d = _mm512_add_epi32(d, d0);
    }

    _mm512_store_si512(frame.state[0], a);
    _mm512_store_si512(frame.state[1], b);
    _mm512_store_si512(frame.state[2], c);
    _mm512_store_si512(frame.state[3], d);
}

ANIDB_TARGET_AVX512 void compress_avx512_x8(LaneFrame<8>& frame, size_t blocks) noexcept {
    __m256i a = _mm256_load_si256(reinterpret_cast<const __m256i*>(frame.state[0]));
    __m256i b = _mm256_load_si256(reinterpret_cast<const __m256i*>(frame.state[1]));
    __m256i c = _mm256_load_si256(reinterpret_cast<const __m256i*>(frame.state[2]));
    __m256i d = _mm256_load_si256(reinterpret_cast<const __m256i*>(frame.state[3]));
    const __m256i k2 = _mm256_set1_epi32(0x5a827999);
    const __m256i k3 = _mm256_set1_epi32(0x6ed9eba1);

    for (size_t block = 0; block < blocks; ++block) {
        __m256i X[16];
        load_block8(frame.data, block * kBlockSize, X);
        const __m256i a0 = a, b0 = b, c0 = c, d0 = d;

#define MD4_R1(a, b, c, d, k, s) \
    a = _mm256_rol_epi32(        \
        _mm256_add_epi32(_mm256_add_epi32(a, X[k]), _mm256_ternarylogic_epi32(b, c, d, kF)), s)
#define MD4_R2(a, b, c, d, k, s)                                                           \
    a = _mm256_rol_epi32(_mm256_add_epi32(_mm256_add_epi32(a, _mm256_add_epi32(X[k], k2)), \
                                          _mm256_ternarylogic_epi32(b, c, d, kG)),         \
                         s)
#define MD4_R3(a, b, c, d, k, s)                                                           \
    a = _mm256_rol_epi32(_mm256_add_epi32(_mm256_add_epi32(a, _mm256_add_epi32(X[k], k3)), \
                                          _mm256_ternarylogic_epi32(b, c, d, kH)),         \
                         s)
#include "hash/md4_rounds.inc"
#undef MD4_R1
#undef MD4_R2
#undef MD4_R3

        a = _mm256_add_epi32(a, a0);
        b = _mm256_add_epi32(b, b0);
        c = _mm256_add_epi32(c, c0);
        d = _mm256_add_epi32(d, d0);
    }

    _mm256_store_si256(reinterpret_cast<__m256i*>(frame.state[0]), a);
    _mm256_store_si256(reinterpret_cast<__m256i*>(frame.state[1]), b);
    _mm256_store_si256(reinterpret_cast<__m256i*>(frame.state[2]), c);
    _mm256_store_si256(reinterpret_cast<__m256i*>(frame.state[3]), d);
}

}  // namespace anidb::hash::md4

#endif  // __x86_64__
