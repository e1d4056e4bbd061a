// `anidb hash --update LIST` (rhash --update): which of the given files a
// list lacks, and the format and algorithms to append them in (the
// list's own unless the command line says otherwise). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "hash/algorithm.h"
#include "output_format.h"

namespace anidb::cli {

struct ListUpdate {
    OutputFormat format = OutputFormat::text;
    std::vector<hash::Algorithm> algorithms;
    bool ed2k_blue = false;            // and the blue ED2K column
    std::vector<std::string> missing;  // files the list lacks, in the order given
    bool new_list = false;             // no entries yet: the format's header comes first
    bool needs_line_break = false;     // the list does not end with one
};

// `content` is the list's text ("" for a list that does not exist yet) at
// `list_path`. `format` / `algorithms`: from the command line (nullopt /
// empty: the list's). A name in the list matches a file as `anidb check`
// would resolve it (current folder, then the list's folder). Errors:
// Errc::invalid_parameter for a JSON array list or format (an array
// cannot be appended to; use jsonl).
Result<ListUpdate> plan_list_update(std::string_view list_path, std::string_view content,
                                    const std::vector<std::string>& files,
                                    std::optional<OutputFormat> format,
                                    AlgorithmSelection algorithms);

}  // namespace anidb::cli
