// AniDB's MyList storage states by the names the `anidb` command uses
// (`--state hdd`, "in MyList (lid N), hdd, ..."): one table for parsing the
// flags of `mylist add` and `watch` and for printing `mylist show`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anidb::cli {

// "unknown" 0, "hdd" 1, "cd" 2, "deleted" 3, "remote" 4; nullopt otherwise.
std::optional<int> mylist_state_value(std::string_view name);
// The name of a state; "?" for a value outside 0..4.
const char* mylist_state_name(int64_t state);
// Every name, for CLI::IsMember.
std::vector<std::string> mylist_state_names();

}  // namespace anidb::cli
