// Escaping of file names for the output formats. File names are byte strings
// (any byte but '/' and NUL), so every format needs a rule for line breaks,
// backslashes and bytes that are not UTF-8. All functions are pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace anidb::cli {

// GNU coreutils checksum-line escaping (md5sum, sha1sum --tag): when the name
// holds '\\', '\n' or '\r', they become "\\\\", "\\n", "\\r" and the caller
// must start the line with a backslash. Returns the name to print and whether
// the line needs the leading backslash.
struct EscapedName {
    std::string text;
    bool needs_prefix = false;
};
EscapedName coreutils_escape(std::string_view name);
// The inverse, for a line that started with a backslash; nullopt for an
// invalid escape sequence.
std::optional<std::string> coreutils_unescape(std::string_view escaped);

// RFC 4180 field: quoted (with doubled quotes) when it holds a comma, quote,
// CR or LF or starts/ends with a space; bytes are passed through unchanged.
std::string csv_field(std::string_view value);

// Percent-encoding of an ed2k link's name: everything but unreserved ASCII
// characters becomes %xx (lowercase hex, like rhash), so '|', '%', spaces,
// line breaks and non-UTF-8 bytes survive.
std::string percent_encode(std::string_view value);
// nullopt for a malformed escape ("%g1", "%4").
std::optional<std::string> percent_decode(std::string_view value);

// RFC 4648 base64 with padding; used for the raw bytes of a name that is not
// valid UTF-8 (JSON output carries it as "path_base64").
std::string base64_encode(std::string_view bytes);
// The inverse (OpenSSL's decoder); nullopt for text that is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// For human-readable lines (terminal text, error messages): control
// characters become \n, \t, \xHH (C1 controls \xc2\xHH) and invalid UTF-8
// bytes \xHH.
std::string printable(std::string_view name);

}  // namespace anidb::cli
