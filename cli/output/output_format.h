// The --format values and which of them each command accepts.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "hash/algorithm.h"

namespace anidb::cli {

enum class OutputFormat { text, json, jsonl, csv, sfv, ed2k, bsd };

std::optional<OutputFormat> parse_output_format(std::string_view name);

// The algorithms `hash` computes when -a is not given: crc32 for sfv, ed2k
// otherwise.
std::vector<hash::Algorithm> default_algorithms(OutputFormat format);
// What `-a` asks for: the library's algorithms, in order, and ED2K's other
// ("blue") variant, `ed2k-blue`, a column of its own that always comes
// after the others (it differs from ed2k only for sizes that are a
// non-zero multiple of the 9728000-byte chunk).
struct AlgorithmSelection {
    std::vector<hash::Algorithm> algorithms;
    bool ed2k_blue = false;
};

// The column name (JSON key, CSV header) of the blue ED2K; BSD tag ED2K-BLUE.
inline constexpr std::string_view kEd2kBlueName = "ed2k-blue";
inline constexpr std::string_view kBsdEd2kBlueTag = "ED2K-BLUE";

// sfv carries exactly crc32, ed2k links need ed2k and carry no blue value:
// Errc::invalid_parameter with a message otherwise.
Status check_format_algorithms(OutputFormat format, std::span<const hash::Algorithm> algorithms,
                               bool ed2k_blue = false);

// Parses "-a ed2k,crc32" / "all" / "ed2k-blue" (repeatable, comma-separated,
// case insensitive); duplicates are dropped, order kept. "all" is every
// algorithm, not ed2k-blue.
Result<AlgorithmSelection> parse_algorithm_list(const std::vector<std::string>& values);

}  // namespace anidb::cli
