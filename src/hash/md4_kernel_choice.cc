#include "hash/md4_kernel_choice.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "hash/md4_kernels.h"

namespace anidb::hash {

namespace {

Md4Kernel best_for(CpuFeatures cpu) noexcept {
    if (cpu.avx512 && cpu.avx2) return Md4Kernel::avx512;
    if (cpu.avx2) return Md4Kernel::avx2;
    return Md4Kernel::scalar;
}

Md4Kernel from_environment() noexcept {
    // Read once, from the static initialiser of active_md4_kernel().
    const char* text = std::getenv("ANIDB_SIMD");  // NOLINT(concurrency-mt-unsafe)
    const SimdRequest request =
        text ? parse_simd_request(text).value_or(SimdRequest::automatic) : SimdRequest::automatic;
    return choose_md4_kernel(cpu_features(), request);
}

// -1: nothing forced.
std::atomic<int> g_forced{-1};

}  // namespace

CpuFeatures cpu_features() noexcept {
    CpuFeatures cpu;
#if defined(ANIDB_HAVE_MD4_SIMD)
    // libgcc's checks include the OS's XSAVE support for ymm/zmm state.
    __builtin_cpu_init();
    cpu.avx2 = __builtin_cpu_supports("avx2");
    cpu.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
#endif
    return cpu;
}

std::optional<SimdRequest> parse_simd_request(std::string_view text) noexcept {
    if (text.empty() || text == "auto" || text == "on" || text == "1") {
        return SimdRequest::automatic;
    }
    if (text == "off" || text == "0" || text == "scalar") return SimdRequest::off;
    if (text == "avx2") return SimdRequest::avx2;
    if (text == "avx512") return SimdRequest::avx512;
    return std::nullopt;
}

Md4Kernel choose_md4_kernel(CpuFeatures cpu, SimdRequest request) noexcept {
    const Md4Kernel best = best_for(cpu);
    switch (request) {
        case SimdRequest::off:
            return Md4Kernel::scalar;
        case SimdRequest::avx2:
            return std::min(best, Md4Kernel::avx2);
        case SimdRequest::avx512:
        case SimdRequest::automatic:
            break;
    }
    return best;
}

Md4Kernel active_md4_kernel() noexcept {
    const int forced = g_forced.load(std::memory_order_relaxed);
    if (forced >= 0) return static_cast<Md4Kernel>(forced);
    static const Md4Kernel chosen = from_environment();
    return chosen;
}

Md4Kernel force_md4_kernel(std::optional<Md4Kernel> kernel) noexcept {
    if (!kernel) {
        g_forced.store(-1, std::memory_order_relaxed);
    } else {
        const Md4Kernel capped = std::min(*kernel, best_for(cpu_features()));
        g_forced.store(static_cast<int>(capped), std::memory_order_relaxed);
    }
    return active_md4_kernel();
}

unsigned md4_kernel_lanes(Md4Kernel kernel) noexcept {
    switch (kernel) {
        case Md4Kernel::avx2:
            return 8;
        case Md4Kernel::avx512:
            return 16;
        case Md4Kernel::scalar:
            break;
    }
    return 1;
}

const char* md4_kernel_name(Md4Kernel kernel) noexcept {
    switch (kernel) {
        case Md4Kernel::avx2:
            return "avx2";
        case Md4Kernel::avx512:
            return "avx512";
        case Md4Kernel::scalar:
            break;
    }
    return "scalar";
}

}  // namespace anidb::hash
