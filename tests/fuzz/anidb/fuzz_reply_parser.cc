// libFuzzer: the reply parser and every record decoder on arbitrary text.
// Must never crash, hang or read out of bounds, whatever the server sends.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "anidb/codec.h"
#include "anidb/mylist_records.h"
#include "anidb/records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace anidb::udp;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto reply = parse_reply(text);
    if (!reply) return 0;
    (void)reply->detail();
    for (size_t i = 0; i < reply->lines.size(); ++i) {
        const std::string& line = reply->lines[i];
        for (const auto& f : reply->fields(i)) {
            (void)split_list(f);
            (void)display_field(f);
            (void)field_int(f);
        }
        (void)decode_file_line(line, file_request_fmask(), file_request_amask());
        (void)decode_file_line(line, "79C8C30000", "00A0C080");
        (void)decode_anime_line(line, anime_request_amask());
        (void)decode_episode_line(line);
        (void)decode_group_line(line);
        (void)decode_mylist_entry(line);
        (void)decode_mylist_summary(line);
        (void)parse_episode_ranges(line);
    }
    (void)parse_command(text);
    return 0;
}
