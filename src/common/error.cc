#include "common/error.h"

namespace anidb {

const char* errc_description(Errc code) noexcept {
    switch (code) {
        case Errc::ok: return "success";
        case Errc::invalid_handle: return "invalid handle";
        case Errc::invalid_parameter: return "invalid parameter";
        case Errc::file_not_found: return "file not found";
        case Errc::processing: return "processing error";
        case Errc::out_of_memory: return "out of memory (library memory limit reached)";
        case Errc::io: return "I/O error";
        case Errc::network: return "network error";
        case Errc::cancelled: return "operation cancelled";
        case Errc::invalid_utf8: return "string is not valid UTF-8";
        case Errc::version_mismatch: return "ABI version mismatch";
        case Errc::timeout: return "timed out";
        case Errc::permission_denied: return "permission denied";
        case Errc::cache: return "cache error";
        case Errc::busy: return "busy";
        case Errc::login_failed: return "AniDB login failed (wrong user name or password)";
        case Errc::banned: return "banned by AniDB; waiting for the cool-down";
        case Errc::no_such_file: return "file not known to AniDB";
        case Errc::server_busy: return "AniDB server busy or rate limited; try again later";
        case Errc::out_of_service: return "AniDB out of service; try again later";
        case Errc::client_rejected: return "AniDB refused this client (outdated or banned version)";
        case Errc::server_error: return "AniDB internal server error";
        case Errc::access_denied: return "AniDB access denied";
        case Errc::protocol: return "AniDB protocol error (illegal input or unparsable reply)";
        case Errc::no_credentials: return "no AniDB user name or password configured";
        case Errc::unknown: return "unknown error";
    }
    return "unknown error";
}

}  // namespace anidb
