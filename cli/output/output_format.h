// The --format values and which of them each command accepts.
#pragma once

#include <optional>
#include <span>
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
// sfv carries exactly crc32 and ed2k links need ed2k: Errc::invalid_parameter
// with a message otherwise.
Status check_format_algorithms(OutputFormat format, std::span<const hash::Algorithm> algorithms);

// Parses "-a ed2k,crc32" / "all" (repeatable, comma-separated, case
// insensitive); duplicates are dropped, order kept.
Result<std::vector<hash::Algorithm>> parse_algorithm_list(const std::vector<std::string>& values);

}  // namespace anidb::cli
