// Text codec of the AniDB UDP API (docs/anidb-protocol.md, "Requests and replies"): request
// encoding with value escaping, tags, and reply parsing. Pure functions and value types; no I/O.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace anidb::udp {

// Client -> server escaping of one option value: every '&' becomes "&amp;"
// and every newline ("\n", "\r\n" or a lone "\r") becomes "<br />". After
// this a value can never end its parameter or start a new one: '=' alone
// is harmless because the server splits parameters on '&' first.
std::string escape_value(std::string_view value);

// Inverse of escape_value as a server applies it ("&amp;" -> '&',
// "<br />" -> '\n', and the HTML entities &lt; &gt; &quot; the server also
// decodes). Used by the fake server.
std::string unescape_value(std::string_view value);

// Server -> client escaping of one data field: '\'' -> '`', '|' -> '/',
// newline -> "<br />". Used by the fake server.
std::string escape_field(std::string_view value);

// Undoes what can be undone of escape_field for a data field: "<br />" ->
// '\n'. The backtick is kept (it stands for an apostrophe, and "'" is the
// sub-list separator), and '/' is never turned back into '|'.
std::string unescape_field(std::string_view value);

// unescape_field plus '`' -> '\'' : for free-text fields shown to people
// (titles, names), never for fields that are split into sub-lists.
std::string display_field(std::string_view value);

// One request: "NAME k=v&k=v". Values are escaped when encoded.
class Command {
  public:
    explicit Command(std::string name) : name_(std::move(name)) {}

    Command& add(std::string_view key, std::string_view value);
    Command& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    Command& add(std::string_view key, int64_t value);

    const std::string& name() const { return name_; }
    const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

    // The datagram text, "tag=<tag>" appended when tag is not empty. Holds
    // credentials (pass=, s=): it goes to the socket only, never to a log.
    std::string encode(std::string_view tag) const;
    // The same text with the values of pass, s, api key-like parameters
    // replaced by "***": safe for logs and messages.
    std::string encode_redacted(std::string_view tag) const;

    // True when the command needs "s=<session key>" (all but PING, ENCRYPT,
    // ENCODING, AUTH, VERSION).
    bool needs_session() const;

  private:
    std::string name_;
    std::vector<std::pair<std::string, std::string>> params_;  // unescaped
};

// A request as the server reads it (used by the fake server).
struct ParsedCommand {
    std::string name;
    std::vector<std::pair<std::string, std::string>> params;  // unescaped values

    // Value of the first parameter named key, if present.
    const std::string* get(std::string_view key) const;
};
Result<ParsedCommand> parse_command(std::string_view datagram);

// Fresh request tags that nobody can predict: a letter (so a tag never looks
// like a reply code or begins with the compression marker) and nine random
// letters and digits from the kernel's CSPRNG (getrandom). A spoofed or
// stale reply cannot guess the tag of the request in flight, and processes
// that share the local port never answer each other's requests.
class TagSequence {
  public:
    std::string next();
};

// A parsed reply datagram (already decrypted and decompressed).
struct Reply {
    std::string tag;                 // empty when the reply carried none
    int code = 0;                    // the 3-digit code
    std::vector<std::string> head;   // first-line values before the text (200/201: key
                                     // [, ip:port]; 209: salt)
    std::string text;                // the readable text after the code/values
    std::vector<std::string> lines;  // data lines, raw (not split, not unescaped)

    // Fields of data line i split on '|' (raw, still escaped); empty when
    // there is no such line.
    std::vector<std::string> fields(size_t i) const;
    // For 504 and 6xx: the detail after " - " in the text, or an
    // "ERROR: detail" data line; empty when none.
    std::string detail() const;
};

// Parses reply text: optional tag, 3-digit code, first-line values for
// 200/201/209, data lines split on '\n' (a missing final '\n' is fine, a
// '\r' before it is dropped). Errors: Errc::protocol when there is no code.
Result<Reply> parse_reply(std::string_view text);

// Splits a data line on '|' and a field on '\'' (sub-lists).
std::vector<std::string> split_fields(std::string_view line);
std::vector<std::string> split_list(std::string_view field);

// Lenient integer parsing of a numeric field: empty or malformed -> fallback.
int64_t field_int(std::string_view field, int64_t fallback = 0);

}  // namespace anidb::udp
