// The text form of a string->string map kept in one TEXT column (AniDB answer
// fields). Every key and value is written as a netstring, "<byte length>:<bytes>,",
// key then value, pairs in key order: unambiguous for any bytes ('|', '=',
// newlines, NUL, non-UTF-8), so encode/decode round-trips exactly.
// Example: {"aid":"1","title":"a|b"} -> "3:aid,1:1,5:title,3:a|b,".
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace anidb::cache {

std::string encode_fields(const std::map<std::string, std::string>& fields);

// Errc::cache when `text` is not a well-formed encoding (truncated, bad
// length, repeated key).
Result<std::map<std::string, std::string>> decode_fields(std::string_view text);

}  // namespace anidb::cache
