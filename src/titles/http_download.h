// One HTTP(S) GET through libcurl, bounded in size and time, cancellable, and
// conditional when the caller knows the validators of its stored copy.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/result.h"
#include "titles/memory_meter.h"

namespace anidb::titles {

struct HttpLimits {
    // Largest body accepted (the compressed dump: about 1.5-2 MB today).
    // A bigger Content-Length is refused before the body is read; a body
    // without one is cut off at the limit.
    uint64_t max_body_bytes = 64ull << 20;
    std::chrono::milliseconds connect_timeout{30'000};
    // The whole transfer, redirects included.
    std::chrono::milliseconds total_timeout{600'000};
    // Aborts when less than one byte arrived in this time (a stalled server).
    std::chrono::seconds stall_timeout{60};
};

// Errc::invalid_parameter unless every limit is positive (libcurl reads a
// zero time-out as "none").
Status check_http_limits(const HttpLimits& limits);

// ETag and Last-Modified of a stored copy, sent as If-None-Match and
// If-Modified-Since. Both come from an earlier response, so they are checked
// (printable ASCII, at most kMaxValidatorBytes) before they are stored or sent.
struct HttpValidators {
    std::string etag;
    std::string last_modified;
};
inline constexpr size_t kMaxValidatorBytes = 200;
bool is_valid_validator(std::string_view value) noexcept;

struct HttpResponse {
    bool not_modified = false;  // 304: the stored copy is current; body empty
    std::string body;           // 200: the body as received
    HttpValidators validators;  // of the final response; invalid values dropped
    MemoryMeter charge;         // the body's memory, charged to the library budget
};

// Only http:// and https:// URLs of printable ASCII (at most 2048 bytes)
// are accepted, and redirects (at most 5) only to http or https.
bool is_valid_http_url(std::string_view url) noexcept;

// GETs `url`. A status other than 200 (or 304 after a conditional request)
// is an error. Errors: invalid_parameter (URL, a zero limit), cancelled (stop requested:
// the transfer ends within a poll of the request), timeout (connect, total or
// stall time-out), network (name resolution, connection, TLS, a body cut
// short), protocol (body over max_body_bytes), server_error ("HTTP <status>
// from <url>"), out_of_memory (the body would cross the library memory
// limit). The message names the URL.
Result<HttpResponse> http_get(std::string_view url, const HttpValidators& conditional,
                              const HttpLimits& limits, const std::stop_token& stop = {});

}  // namespace anidb::titles
