// How the CLI shows facts AniDB gives about a file, in one place for the
// identify output and the rename tags.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "client/types.h"

namespace anidb::cli {

// The anime's title for people: romaji, else English, else kanji.
std::string anime_title(const client::AnimeInfo& info);

// A Unix time as a UTC date with a strftime(3) format ("%Y-%m-%d" by
// default); empty for 0 (unknown).
std::string format_date(int64_t unix_time, std::string_view format = "%Y-%m-%d");

}  // namespace anidb::cli
