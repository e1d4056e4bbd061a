// How a file path goes into JSON: JSON strings must be UTF-8, file names need
// not be. A valid name goes in as is; otherwise "path" holds it with U+FFFD
// for the bad bytes and "path_base64" the exact bytes.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace anidb::cli {

void put_json_path(nlohmann::ordered_json& object, std::string_view path);

}  // namespace anidb::cli
