#include "json_path.h"

#include "common/utf8.h"
#include "text_escape.h"

namespace anidb::cli {

void put_json_path(nlohmann::ordered_json& object, std::string_view path) {
    if (is_valid_utf8(path)) {
        object["path"] = std::string(path);
    } else {
        object["path"] = to_valid_utf8(path);
        object["path_base64"] = base64_encode(path);
    }
}

}  // namespace anidb::cli
