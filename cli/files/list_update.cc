#include "list_update.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "hash_list.h"
#include "list_paths.h"

namespace anidb::cli {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

OutputFormat format_of(ListSyntax syntax) {
    switch (syntax) {
        case ListSyntax::sfv:
            return OutputFormat::sfv;
        case ListSyntax::bsd:
            return OutputFormat::bsd;
        case ListSyntax::ed2k_link:
            return OutputFormat::ed2k;
        case ListSyntax::json:
            return OutputFormat::json;
        case ListSyntax::jsonl:
            return OutputFormat::jsonl;
        case ListSyntax::csv:
            return OutputFormat::csv;
        case ListSyntax::text:
            break;
    }
    return OutputFormat::text;
}

OutputFormat format_of_name(std::string_view list_path) {
    if (ends_with(list_path, ".sfv")) return OutputFormat::sfv;
    if (ends_with(list_path, ".jsonl")) return OutputFormat::jsonl;
    if (ends_with(list_path, ".csv")) return OutputFormat::csv;
    return OutputFormat::text;
}

}  // namespace

Result<ListUpdate> plan_list_update(std::string_view list_path, std::string_view content,
                                    const std::vector<std::string>& files,
                                    std::optional<OutputFormat> format,
                                    AlgorithmSelection selection) {
    std::vector<hash::Algorithm>& algorithms = selection.algorithms;
    const std::string name = std::filesystem::path(std::string(list_path)).filename().string();
    const HashList list = parse_hash_list(content, name);
    ListUpdate update;
    update.new_list = list.entries.empty();
    update.needs_line_break = !content.empty() && content.back() != '\n';
    update.format = format ? *format
                           : (update.new_list ? format_of_name(list_path)
                                              : format_of(list.entries.front().syntax));
    if (update.format == OutputFormat::json) {
        return make_error(Errc::invalid_parameter,
                          "--update cannot append to a JSON array; use --format jsonl");
    }
    if (algorithms.empty() && !selection.ed2k_blue && !update.new_list) {
        for (const HashListEntry& e : list.entries) {
            if (e.ed2k_blue) {
                selection.ed2k_blue = true;
            } else if (std::find(algorithms.begin(), algorithms.end(), e.algorithm) ==
                       algorithms.end())
                algorithms.push_back(e.algorithm);
        }
    }
    if (algorithms.empty() && !selection.ed2k_blue) algorithms = default_algorithms(update.format);
    update.algorithms = std::move(algorithms);
    update.ed2k_blue = selection.ed2k_blue;

    const std::string folder = std::filesystem::path(std::string(list_path)).parent_path().string();
    std::set<std::string> listed{comparable_path(list_path)};
    for (const HashListEntry& e : list.entries) {
        for (const std::string& candidate : list_name_candidates(e.name, folder))
            listed.insert(comparable_path(candidate));
    }
    for (const std::string& file : files) {
        if (listed.insert(comparable_path(file)).second) update.missing.push_back(file);
    }
    return update;
}

}  // namespace anidb::cli
