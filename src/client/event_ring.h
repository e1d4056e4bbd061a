// The bounded queue behind EventHub: a ring of at most `capacity` entries in
// one vector that grows on demand and is then reused in place, so a long run
// that keeps the queue full (nobody polls) costs no allocation per event for
// the queue itself. When full, push() hands back the oldest entry it evicted.
//
// Not thread-safe: EventHub guards it with its queue mutex.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace anidb::client {

template <typename T>
class EventRing {
  public:
    explicit EventRing(size_t capacity) : capacity_(capacity) {}

    size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }

    // Appends `value`; when the ring already holds `capacity` entries, the
    // oldest is removed and returned. May throw std::bad_alloc while the
    // vector grows (the ring is then unchanged).
    std::optional<T> push(T value) {
        if (count_ < slots_.size()) {
            slots_[(head_ + count_) % slots_.size()] = std::move(value);
            ++count_;
            return std::nullopt;
        }
        if (slots_.size() < capacity_) {
            // Full but allowed to grow: make the oldest entry the first
            // slot, then append.
            std::rotate(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(head_),
                        slots_.end());
            head_ = 0;
            slots_.push_back(std::move(value));
            ++count_;
            return std::nullopt;
        }
        std::optional<T> evicted(std::move(slots_[head_]));
        slots_[head_] = std::move(value);
        head_ = (head_ + 1) % slots_.size();
        return evicted;
    }

    // The i-th oldest entry, left in place. Precondition: i < size().
    const T& peek(size_t i) const { return slots_[(head_ + i) % slots_.size()]; }

    // Removes and returns the oldest entry. Precondition: !empty().
    T pop() {
        T out = std::move(slots_[head_]);
        slots_[head_] = T{};  // drop what the moved-from slot still owns
        head_ = (head_ + 1) % slots_.size();
        --count_;
        return out;
    }

    void clear() noexcept {
        slots_.clear();
        head_ = 0;
        count_ = 0;
    }

  private:
    size_t capacity_;
    std::vector<T> slots_;
    size_t head_ = 0;   // oldest entry
    size_t count_ = 0;  // entries held, <= slots_.size()
};

}  // namespace anidb::client
