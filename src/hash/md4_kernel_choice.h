// Which MD4 kernel (md4_kernels.h) this process uses, chosen at run time
// from the CPU's features, never from compile flags: the same binary runs
// on any x86-64 and uses AVX-512 or AVX2 where the CPU has them.
//
// The environment variable ANIDB_SIMD, read once at first use, caps the
// choice: "off" (or "0", "scalar") forces the scalar OpenSSL path, "avx2"
// allows at most AVX2, "avx512" / "on" / "auto" / unset take the best the
// CPU has. A request the CPU cannot run falls back to the best it can
// (so "avx512" on an AVX2-only CPU runs AVX2); an unknown value counts as
// "auto". Tests and benchmarks switch kernels in-process with
// force_md4_kernel. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace anidb::hash {

enum class Md4Kernel { scalar = 0, avx2 = 1, avx512 = 2 };

struct CpuFeatures {
    bool avx2 = false;
    bool avx512 = false;  // AVX-512F and AVX-512VL (with OS support for zmm state)
};

// What ANIDB_SIMD asks for.
enum class SimdRequest { automatic, off, avx2, avx512 };

// The features of the CPU this runs on.
CpuFeatures cpu_features() noexcept;
// ANIDB_SIMD's value parsed; nullopt for a value it does not know.
std::optional<SimdRequest> parse_simd_request(std::string_view text) noexcept;
// The best kernel `cpu` can run that `request` allows.
Md4Kernel choose_md4_kernel(CpuFeatures cpu, SimdRequest request) noexcept;

// The kernel hashing uses now: the forced one if any, else the choice from
// this CPU and ANIDB_SIMD.
Md4Kernel active_md4_kernel() noexcept;
// Forces `kernel` for the whole process (capped to what the CPU can run, as
// for ANIDB_SIMD) and returns the kernel now active; nullopt goes back to
// the automatic choice. Hashing already running keeps its kernel.
Md4Kernel force_md4_kernel(std::optional<Md4Kernel> kernel) noexcept;

// Lanes of a kernel: 1, 8 or 16.
unsigned md4_kernel_lanes(Md4Kernel kernel) noexcept;
// "scalar", "avx2", "avx512".
const char* md4_kernel_name(Md4Kernel kernel) noexcept;

}  // namespace anidb::hash
