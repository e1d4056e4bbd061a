#include "capi/result_block.h"

#include <cstring>

#include "common/utf8.h"

namespace anidb::capi {

size_t ResultBlock::add_text(std::string_view s) {
    texts_.push_back(is_valid_utf8(s) ? std::string(s) : to_valid_utf8(s));
    return texts_.size() - 1;
}

char* ResultBlock::allocate() {
    size_t strings_bytes = 0;
    offsets_.clear();
    offsets_.reserve(texts_.size());
    for (const auto& t : texts_) {
        offsets_.push_back(fixed_ + strings_bytes);
        strings_bytes += t.size() + 1;
    }
    memory::AllocationLayout layout(type_, fixed_);
    if (!texts_.empty()) layout.add(memory::AllocType::string, texts_.size(), strings_bytes);
    block_ = static_cast<char*>(memory::AllocationTracker::instance().allocate(layout));
    if (block_ == nullptr) return nullptr;
    for (size_t i = 0; i < texts_.size(); ++i) {
        // Zero-filled: the NUL after each copy is there.
        std::memcpy(block_ + offsets_[i], texts_[i].data(), texts_[i].size());
    }
    return block_;
}

}  // namespace anidb::capi
