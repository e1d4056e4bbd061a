// One tracked block for a C result of issue 16 (MyList entry, anime,
// episode, group, title search, queue listing): the structure (and its
// array of items) first, then every string it points to, declared to the
// tracker as two typed parts (the result's type, and STRING), as
// convert.cc does for file results. The typed free function frees it whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "memory/allocation_tracker.h"

namespace anidb::capi {

class ResultBlock {
  public:
    // `fixed_bytes`: the structure and its item array (each a multiple of
    // the next one's alignment: static_assert at the caller).
    ResultBlock(memory::AllocType type, size_t fixed_bytes) : type_(type), fixed_(fixed_bytes) {}

    // Keeps a copy of `s` (made valid UTF-8) for the block; returns its
    // index for text(). May throw std::bad_alloc.
    size_t add_text(std::string_view s);
    // The zero-filled block, or nullptr when the memory limit refuses it.
    char* allocate();
    // After allocate(): where string `index` was copied (NUL-terminated).
    char* text(size_t index) const { return block_ + offsets_[index]; }

  private:
    memory::AllocType type_;
    size_t fixed_;
    std::vector<std::string> texts_;
    std::vector<size_t> offsets_;
    char* block_ = nullptr;
};

}  // namespace anidb::capi
