// Charges memory that grows (a download, a parsed dump) to the library-wide
// budget (src/memory) in 1 MiB steps, and gives it all back on destruction.
#pragma once

#include <cstdint>
#include <vector>

#include "memory/memory_budget.h"

namespace anidb::titles {

class MemoryMeter {
  public:
    static constexpr uint64_t kStep = 1 << 20;

    // Makes sure at least `total_bytes` are charged; false when the budget
    // refuses (nothing more is charged then).
    [[nodiscard]] bool cover(uint64_t total_bytes) {
        while (charged_ < total_bytes) {
            auto charge = memory::Charge::take(kStep);
            if (!charge.ok()) return false;
            charges_.push_back(std::move(charge));
            charged_ += kStep;
        }
        return true;
    }
    uint64_t charged() const noexcept { return charged_; }

  private:
    std::vector<memory::Charge> charges_;
    uint64_t charged_ = 0;
};

}  // namespace anidb::titles
