// MD4 compression over several independent messages at once ("lanes", one
// message per 32-bit element of a vector register): AVX2 with 8 lanes,
// AVX-512 with 16 (and an 8-lane AVX-512VL form for half-full rounds), and
// OpenSSL's scalar code for one. Multi-buffer hashing in the style of ISA-L's
// MD5/SHA1 managers; no packaged library has it for MD4.
//
// A kernel runs `blocks` 64-byte blocks of every lane: lane i reads
// frame.data[i][0 .. blocks * 64) and updates column i of frame.state. It
// neither pads nor counts lengths (Md4Lanes does) and does not move the
// data pointers. The SIMD kernels are compiled for their instruction set
// with per-function target attributes, so the rest of the library stays
// baseline x86-64: calling one on a CPU without its instructions is SIGILL;
// md4_kernel_choice.h decides which may run.
#pragma once

#include <cstddef>
#include <cstdint>

namespace anidb::hash::md4 {

// MD4's initial state (RFC 1320 section 3.3).
inline constexpr uint32_t kInitA = 0x67452301;
inline constexpr uint32_t kInitB = 0xefcdab89;
inline constexpr uint32_t kInitC = 0x98badcfe;
inline constexpr uint32_t kInitD = 0x10325476;
inline constexpr size_t kBlockSize = 64;

template <unsigned N>
struct LaneFrame {
    static constexpr unsigned kLanes = N;
    // Rows A, B, C, D; lane i's state is state[0][i] .. state[3][i].
    alignas(64) uint32_t state[4][N];
    const std::byte* data[N];
};

// One message through OpenSSL's MD4 block function; state is A, B, C, D.
void compress_scalar(uint32_t (&state)[4], const std::byte* data, size_t blocks) noexcept;

// x86-64 only; elsewhere these are absent and md4_kernel_choice.h offers
// the scalar kernel alone.
#if defined(__x86_64__)
#define ANIDB_HAVE_MD4_SIMD 1
void compress_avx2_x8(LaneFrame<8>& frame, size_t blocks) noexcept;
void compress_avx512_x16(LaneFrame<16>& frame, size_t blocks) noexcept;
void compress_avx512_x8(LaneFrame<8>& frame, size_t blocks) noexcept;
#endif

}  // namespace anidb::hash::md4
