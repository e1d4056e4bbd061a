// Reading the hash lists `anidb check` verifies: SFV ("name CRC32"),
// md5sum/sha1sum ("hex  name", "hex *name"), BSD tags ("MD5 (name) = hex")
// and ed2k links ("ed2k://|file|name|size|hash|/"), with the coreutils
// backslash escaping of names. The format is detected per line, so a file
// may mix them. Pure: parsing only, no file access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "hash/algorithm.h"

namespace anidb::cli {

struct HashListEntry {
    std::string name;  // as written in the list (relative to the list's folder)
    hash::Algorithm algorithm = hash::Algorithm::ed2k;
    std::string expected;          // lowercase hex, uppercase base32 for TTH
    std::optional<uint64_t> size;  // ed2k links carry the size
    size_t line = 0;               // 1-based, for messages
};

struct HashListProblem {
    size_t line = 0;
    std::string message;
};

struct HashList {
    std::vector<HashListEntry> entries;
    std::vector<HashListProblem> problems;  // lines that are neither blank, comment nor entry
};

// `list_name` decides what a bare 32-hex-digit digest is (".ed2k" -> ed2k,
// anything else -> md5, as md5sum writes them).
HashList parse_hash_list(std::string_view content, std::string_view list_name);

// Parses one line; nullopt for blank and comment lines, an error for junk.
Result<std::optional<HashListEntry>> parse_hash_list_line(std::string_view line,
                                                          std::string_view list_name);

}  // namespace anidb::cli
