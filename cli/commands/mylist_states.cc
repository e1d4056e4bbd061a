#include "mylist_states.h"

#include <array>

namespace anidb::cli {

namespace {
constexpr std::array<const char*, 5> kNames{"unknown", "hdd", "cd", "deleted", "remote"};
}  // namespace

std::optional<int> mylist_state_value(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (name == kNames[i]) return static_cast<int>(i);
    }
    return std::nullopt;
}

const char* mylist_state_name(int64_t state) {
    return state >= 0 && state < static_cast<int64_t>(kNames.size())
               ? kNames[static_cast<size_t>(state)]
               : "?";
}

std::vector<std::string> mylist_state_names() {
    return {kNames.begin(), kNames.end()};
}

}  // namespace anidb::cli
