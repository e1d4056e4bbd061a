// The 8 x 8 transpose of 32-bit words shared by the 8-lane kernels (AVX2
// and AVX-512VL): rows r[0..7], 8 words of one lane each, become columns,
// one word of all 8 lanes each. AVX2 code, compiled with a per-function
// target attribute: include it only in a kernel file, and call it only
// from functions compiled for AVX2 or more.
#pragma once

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>

#define ANIDB_INLINE_AVX2 __attribute__((target("avx2"), always_inline)) inline

namespace anidb::hash::md4 {

ANIDB_INLINE_AVX2 void transpose8(__m256i (&r)[8]) {
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]);
    const __m256i t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]);
    const __m256i t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]);
    const __m256i t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]);
    const __m256i t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2);  // words 0 | 4 of lanes 0-3
    const __m256i u1 = _mm256_unpackhi_epi64(t0, t2);  // 1 | 5
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3);  // 2 | 6
    const __m256i u3 = _mm256_unpackhi_epi64(t1, t3);  // 3 | 7
    const __m256i u4 = _mm256_unpacklo_epi64(t4, t6);  // the same for lanes 4-7
    const __m256i u5 = _mm256_unpackhi_epi64(t4, t6);
    const __m256i u6 = _mm256_unpacklo_epi64(t5, t7);
    const __m256i u7 = _mm256_unpackhi_epi64(t5, t7);
    r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

// The 16 message words of one block of 8 lanes, transposed: X[k] is word k
// of every lane. `at` is the block's offset in each lane's data.
ANIDB_INLINE_AVX2 void load_block8(const std::byte* const (&data)[8], size_t at, __m256i (&X)[16]) {
    __m256i low[8];
    __m256i high[8];
    for (int lane = 0; lane < 8; ++lane) {
        low[lane] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data[lane] + at));
        high[lane] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data[lane] + at + 32));
    }
    transpose8(low);
    transpose8(high);
    for (int k = 0; k < 8; ++k) {
        X[k] = low[k];
        X[k + 8] = high[k];
    }
}

}  // namespace anidb::hash::md4

#endif  // __x86_64__
