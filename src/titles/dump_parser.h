// Parses AniDB's anime-titles dump (decompressed), treating every byte as
// untrusted.
//
// The format (https://wiki.anidb.net/API, "Anime Titles"): UTF-8 text, one
// title per line, `aid|type|language|title`, e.g. `1|1|x-jat|Seikai no
// Monshou`; lines starting with '#' are comments (the dump opens with
// "# created: <date>" and "# <aid>|<type>|<language>|<title>"). Types: 1
// primary, 2 synonym, 3 short, 4 official.
//
// A line is accepted only when: aid is 1-10 decimal digits without a leading
// zero and fits 32 bits (> 0); type is one digit 1-4; the language code passes
// is_valid_language_code; the title is 1..kMaxTitleBytes bytes of valid UTF-8
// without control characters (C0, DEL, C1). The title is everything after the
// third '|'. "\r\n" line ends and a UTF-8 byte-order mark are accepted; blank
// lines are ignored. Any other line is rejected and counted; a dump whose
// rejected lines exceed kMaxRejectedLines or 1 % of its lines, or that holds
// no title at all, is refused as a whole (it is not AniDB's dump, or it is
// damaged). A line longer than kMaxLineBytes is rejected without being
// buffered.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "titles/title_types.h"

namespace anidb::titles {

inline constexpr size_t kMaxTitleBytes = 1024;
inline constexpr size_t kMaxLineBytes = 2048;
inline constexpr uint64_t kMaxRejectedLines = 100;

struct ParsedDump {
    std::vector<TitleRecord> titles;  // in dump order
    uint64_t lines = 0;               // every line, comments and blanks included
    uint64_t rejected = 0;            // lines that failed validation
    std::string first_rejected;       // why the first one failed (line number, reason)
};

class DumpParser {
  public:
    // max_titles bounds what a hostile dump can make us hold.
    explicit DumpParser(uint64_t max_titles) : max_titles_(max_titles) {}

    // Feeds the next bytes; a line may be split anywhere. Errc::protocol when
    // the dump has more than max_titles titles.
    Status feed(std::string_view bytes);
    // Ends the input (a last line without '\n' counts) and checks the
    // totals. Errc::protocol when the dump is refused (see above).
    Result<ParsedDump> finish();

    // Bytes held so far (titles and the partial line), for memory accounting.
    uint64_t bytes_held() const noexcept { return bytes_held_; }

  private:
    Status end_line();
    void reject(const char* reason);

    uint64_t max_titles_;
    ParsedDump dump_;
    std::string line_;
    bool line_too_long_ = false;
    bool at_start_ = true;  // for the byte-order mark
    uint64_t bytes_held_ = 0;
};

// The rule for a title's text (also applied to titles read back from the
// database): 1..kMaxTitleBytes bytes of valid UTF-8 without C0, DEL or C1
// control characters.
bool is_valid_title_text(std::string_view title) noexcept;

// Validates one title line (not a comment; without its line end).
// Errc::protocol with the reason when it fails.
Result<TitleRecord> parse_title_line(std::string_view line);

}  // namespace anidb::titles
