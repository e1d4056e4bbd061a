// The 8-lane AVX2 MD4 kernel: lane i is element i of every ymm register.
// Each block's 8 x 64 bytes are loaded lane by lane and transposed
// (md4_transpose_avx2.h) so that X[k] holds word k of all 8 lanes.
// Only functions marked ANIDB_TARGET_AVX2 use AVX2; nothing here runs
// unless md4_kernel_choice.h found AVX2 on the CPU.
#include "hash/md4_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "hash/md4_transpose_avx2.h"

#define ANIDB_TARGET_AVX2 __attribute__((target("avx2")))

namespace anidb::hash::md4 {
namespace {

template <int S>
ANIDB_INLINE_AVX2 __m256i rotate_left(__m256i x) {
    return _mm256_or_si256(_mm256_slli_epi32(x, S), _mm256_srli_epi32(x, 32 - S));
}

}  // namespace

ANIDB_TARGET_AVX2 void compress_avx2_x8(LaneFrame<8>& frame, size_t blocks) noexcept {
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

// F = d ^ (b & (c ^ d)); G = majority; H = b ^ c ^ d.
#define MD4_R1(a, b, c, d, k, s)                    \
    a = rotate_left<s>(                             \
        _mm256_add_epi32(_mm256_add_epi32(a, X[k]), \
                         _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d)))))
#define MD4_R2(a, b, c, d, k, s)                         \
    a = rotate_left<s>(_mm256_add_epi32(                 \
        _mm256_add_epi32(a, _mm256_add_epi32(X[k], k2)), \
        _mm256_or_si256(_mm256_and_si256(b, c), _mm256_and_si256(d, _mm256_or_si256(b, c)))))
#define MD4_R3(a, b, c, d, k, s)                                                         \
    a = rotate_left<s>(_mm256_add_epi32(_mm256_add_epi32(a, _mm256_add_epi32(X[k], k3)), \
                                        _mm256_xor_si256(_mm256_xor_si256(b, c), d)))
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
