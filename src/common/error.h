// The error vocabulary of the C++ core. Each Errc value equals the
// anidb_result_t value the C ABI returns for it, so src/capi converts with a
// cast; tests/capi pins the two enums together.
#pragma once

#include <string>

namespace anidb {

enum class Errc : int {
    ok = 0,
    invalid_handle = 1,
    invalid_parameter = 2,
    file_not_found = 3,
    processing = 4,
    out_of_memory = 5,
    io = 6,
    network = 7,
    cancelled = 8,
    invalid_utf8 = 9,
    version_mismatch = 10,
    timeout = 11,
    permission_denied = 12,
    cache = 13,
    busy = 14,
    // AniDB answers a caller must tell apart (see include/anidb/anidb.h).
    login_failed = 20,       // 500
    banned = 21,             // 555, or a persisted ban cool-down
    no_such_file = 22,       // 320: AniDB does not know the file
    server_busy = 23,        // 602 / 604 after the retries, rate limited
    out_of_service = 24,     // 601, or a persisted out-of-service cool-down
    client_rejected = 25,    // 503 client outdated, 504 client banned
    server_error = 26,       // 600 and other 6xx
    access_denied = 27,      // 502
    protocol = 28,           // 505 / 598, a reply we cannot parse
    no_credentials = 29,     // a command needs a login and none is configured
    unknown = 99,
};

struct Error {
    Errc code = Errc::unknown;
    std::string message;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

// Short English name of a code ("file not found"); never NULL, never empty.
const char* errc_description(Errc code) noexcept;

}  // namespace anidb
