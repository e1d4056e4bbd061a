// Test helpers for running the same checks on every MD4 kernel this CPU
// can run: the list, and a guard that forces one for the whole process
// (force_md4_kernel) and restores the automatic choice when it goes.
#pragma once

#include <vector>

#include "hash/md4_kernel_choice.h"

namespace anidb::hash::test_support {

// Scalar always; AVX2 and AVX-512 where the CPU has them.
inline std::vector<Md4Kernel> runnable_kernels() {
    std::vector<Md4Kernel> out = {Md4Kernel::scalar};
    const CpuFeatures cpu = cpu_features();
    if (cpu.avx2) out.push_back(Md4Kernel::avx2);
    if (cpu.avx2 && cpu.avx512) out.push_back(Md4Kernel::avx512);
    return out;
}

class ForcedKernel {
  public:
    explicit ForcedKernel(Md4Kernel kernel) { force_md4_kernel(kernel); }
    ~ForcedKernel() { force_md4_kernel(std::nullopt); }
    ForcedKernel(const ForcedKernel&) = delete;
    ForcedKernel& operator=(const ForcedKernel&) = delete;
};

}  // namespace anidb::hash::test_support
