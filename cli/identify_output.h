// Writes `anidb identify` results: text (one line per file), json (one
// array), jsonl (one object per line) or csv. Objects hold path, size, ed2k,
// file_id, anime_id, episode_id, group_id, anime_title,
// anime_title_english, episode_number, episode_title, group_name and source
// ("anidb" or "cache"), or path, size, ed2k (when known) and error.
// Not thread-safe: the caller serialises write().
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "client/types.h"
#include "output_format.h"

namespace anidb::cli {

struct IdentifyRecord {
    std::string path;
    uint64_t size = 0;
    std::string ed2k;                       // empty when hashing failed
    std::optional<client::AnimeInfo> info;  // set on success
    std::optional<std::string> error;       // "unknown to AniDB", I/O errors, ...
};

class IdentifyOutput {
  public:
    // Only text, json, jsonl and csv.
    IdentifyOutput(std::ostream& out, OutputFormat format);
    void begin();
    void write(const IdentifyRecord& record);
    void end();

  private:
    std::ostream& out_;
    OutputFormat format_;
    size_t written_ = 0;
};

}  // namespace anidb::cli
