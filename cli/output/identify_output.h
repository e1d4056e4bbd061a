// Writes `anidb identify` results: text (one line per file), json (one
// array), jsonl (one object per line) or csv. The fields of a JSON object
// and the CSV columns are one table (identify_output.cc): path, size, ed2k,
// the AniDB ids, titles (anime_title is romaji, else English, else kanji),
// episode and group facts, the file facts AniDB records, source ("anidb"
// or "cache"), or error. Not thread-safe: the caller serialises write().
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "client/types.h"
#include "output_format.h"
#include "terminal.h"

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
    // Only text, json, jsonl and csv. `style` colours the text format.
    IdentifyOutput(std::ostream& out, OutputFormat format, Style style = Style());
    void begin();
    void write(const IdentifyRecord& record);
    void end();

  private:
    std::ostream& out_;
    OutputFormat format_;
    Style style_;
    size_t written_ = 0;
};

}  // namespace anidb::cli
