// Reading the fields of one reply data line as untrusted input: numbers must
// be decimal and in range (an empty field is 0, "unknown"), text is
// unescaped and made safe to show (server_text.h) and cut at
// kMaxFieldBytes, lists are split on '\'' and capped. The first field that
// breaks a rule, or a line with fewer fields than its record has, makes the
// whole line Errc::protocol: a reply is either what the protocol says or it
// is not used. Extra trailing fields are ignored (the server may add some).
// Value type, not thread-safe (one per line).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace anidb::udp {

// Longest data field kept; a longer one (a hostile or broken reply) is cut.
inline constexpr size_t kMaxFieldBytes = 1024;
// Most elements kept of a list field.
inline constexpr size_t kMaxListElements = 64;
// AniDB's int4: ids, counts, ratings.
inline constexpr int64_t kMaxInt4 = 0x7FFFFFFF;
// Unix times (AniDB sends int4 today; accepted up to the year 9999).
inline constexpr int64_t kMaxUnixTime = 253402300799;

// Decimal digits only, in [0, max]; empty -> 0. nullopt otherwise.
std::optional<int64_t> parse_field_number(std::string_view field, int64_t max);

class LineReader {
  public:
    // `record` names the line in errors ("EPISODE reply"); `min_fields` is
    // how many fields the record has.
    LineReader(std::string record, std::string_view line, size_t min_fields);

    // The first error, if any field (or the field count) broke a rule.
    Status status() const;
    size_t size() const { return fields_.size(); }

    int64_t number(size_t i, const char* name, int64_t max = kMaxInt4);
    int64_t date(size_t i, const char* name) { return number(i, name, kMaxUnixTime); }
    bool flag(size_t i, const char* name);  // "0", "1" or empty
    // Display text: "<br />" -> newline escaped, '`' -> '\''.
    std::string text(size_t i);
    // Text kept as sent (URLs, IRC channels): only "<br />" undone.
    std::string raw(size_t i);
    // Text that may hold line breaks (a MyList note): each line made safe.
    std::string note(size_t i);
    // A '\''-joined list, each element as raw().
    std::vector<std::string> list(size_t i);
    // The raw field, for callers that parse it further.
    std::string_view field(size_t i) const;
    // Records a rule broken by a field the caller parsed itself.
    void fail(const std::string& why);

  private:
    std::string record_;
    std::vector<std::string> fields_;
    Error error_{Errc::ok, {}};
};

}  // namespace anidb::udp
