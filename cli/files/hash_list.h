// Reading the hash lists `anidb check` verifies and `anidb hash --update`
// extends: SFV ("name CRC32"), md5sum/sha1sum ("hex  name", "hex *name",
// and "hex hex ...  name" with several digests as `anidb hash` writes
// them), BSD tags ("MD5 (name) = hex"), ed2k links
// ("ed2k://|file|name|size|hash|/"), with the coreutils backslash escaping
// of names; and the JSON array, JSON lines and CSV that `anidb hash`
// writes. Line formats are detected per line, so a file may mix them.
// Pure: parsing only, no file access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "hash/algorithm.h"

namespace anidb::cli {

// How an entry was written (hash --update appends in the same format).
enum class ListSyntax { sfv, text, bsd, ed2k_link, json, jsonl, csv };

struct HashListEntry {
    std::string name;  // as written in the list
    hash::Algorithm algorithm = hash::Algorithm::ed2k;
    // 32 hex digits in md5sum layout are MD5 or ED2K. When the list's name
    // does not say which (".md5", ".ed2k"), `algorithm` is ED2K (what
    // `anidb hash` writes) and `alternative` MD5: either may match, as
    // rhash -c accepts.
    std::optional<hash::Algorithm> alternative;
    // ED2K's blue variant, named as such (JSON key / CSV column ed2k-blue,
    // BSD tag ED2K-BLUE); `algorithm` is then ED2K. An ED2K value that is
    // not named (md5sum layout, ed2k links) may be either variant.
    bool ed2k_blue = false;
    std::string expected;          // lowercase hex, uppercase base32 for TTH
    std::optional<uint64_t> size;  // ed2k links, JSON and CSV carry the size
    size_t line = 0;               // 1-based, for messages
    ListSyntax syntax = ListSyntax::text;
};

struct HashListProblem {
    size_t line = 0;
    std::string message;
};

struct HashList {
    std::vector<HashListEntry> entries;
    std::vector<HashListProblem> problems;  // lines that are neither blank, comment nor entry
};

// `list_name` (the list's file name, "-" for standard input) decides what
// a bare 32-hex-digit digest is.
HashList parse_hash_list(std::string_view content, std::string_view list_name);

// Parses one line of a line format; nullopt for blank and comment lines,
// an error for junk. A line with several digests gives several entries.
Result<std::vector<HashListEntry>> parse_hash_list_line(std::string_view line,
                                                        std::string_view list_name);

}  // namespace anidb::cli
