#include "anidb/reply_checks.h"

#include "anidb/server_text.h"

namespace anidb::udp {

Error unexpected_reply(const char* command, const Reply& r) {
    return make_error(Errc::protocol, std::string(command) + ": unexpected reply " +
                                          std::to_string(r.code) + " " + safe_text(r.text));
}

Error not_ours(const char* command, const std::string& what) {
    return make_error(Errc::protocol, std::string(command) +
                                          ": AniDB's reply is not about what was asked (" + what +
                                          "); ignored");
}

Status expect_id(const char* command, const char* name, int64_t asked, int64_t got) {
    if (asked == got) return {};
    return not_ours(command, std::string("asked ") + name + " " + std::to_string(asked) + ", got " +
                                 name + " " + std::to_string(got));
}

Status check_fits(const Command& c) {
    const size_t bytes = c.encode({}).size();
    if (bytes <= kMaxRequestBytes) return {};
    return make_error(Errc::invalid_parameter, c.name() + " request would be " +
                                                   std::to_string(bytes) +
                                                   " bytes, more than one AniDB datagram holds");
}

}  // namespace anidb::udp
