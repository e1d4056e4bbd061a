// Gunzips a downloaded dump without trusting it: the output is handed on in
// small pieces and never allowed past a limit, so a gzip bomb (a few KiB that
// inflate to gigabytes) costs one 64 KiB buffer and stops at the limit.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <stop_token>
#include <string_view>

#include "common/result.h"

namespace anidb::titles {

// Inflates `gz` (one gzip member, or several back to back as gzip allows)
// and calls `sink` with each piece of output. Errc::protocol when the data is
// not gzip, is truncated (a partial download), fails gzip's CRC-32 or length
// check, has trailing bytes that are not another member, or inflates to more
// than `max_output` bytes. Errc::cancelled when `stop` is requested. A sink
// error ends the run and is returned as it is.
Status gunzip(std::span<const uint8_t> gz, uint64_t max_output,
              const std::function<Status(std::string_view)>& sink,
              const std::stop_token& stop = {});

}  // namespace anidb::titles
