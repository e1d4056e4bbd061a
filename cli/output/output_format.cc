#include "output_format.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace anidb::cli {

namespace {

constexpr std::array<std::pair<std::string_view, OutputFormat>, 7> kFormats{{
    {"text", OutputFormat::text},
    {"json", OutputFormat::json},
    {"jsonl", OutputFormat::jsonl},
    {"csv", OutputFormat::csv},
    {"sfv", OutputFormat::sfv},
    {"ed2k", OutputFormat::ed2k},
    {"bsd", OutputFormat::bsd},
}};

constexpr std::array<hash::Algorithm, 5> kAllAlgorithms{
    hash::Algorithm::ed2k, hash::Algorithm::crc32, hash::Algorithm::md5, hash::Algorithm::sha1,
    hash::Algorithm::tth};

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view name) {
    const std::string lower = lowercase(name);
    for (const auto& [text, format] : kFormats) {
        if (text == lower) return format;
    }
    return std::nullopt;
}

std::vector<hash::Algorithm> default_algorithms(OutputFormat format) {
    if (format == OutputFormat::sfv) return {hash::Algorithm::crc32};
    return {hash::Algorithm::ed2k};
}

Status check_format_algorithms(OutputFormat format, std::span<const hash::Algorithm> algorithms,
                               bool ed2k_blue) {
    const auto has = [&](hash::Algorithm a) {
        return std::find(algorithms.begin(), algorithms.end(), a) != algorithms.end();
    };
    if (format == OutputFormat::sfv &&
        (algorithms.size() != 1 || algorithms[0] != hash::Algorithm::crc32 || ed2k_blue)) {
        return make_error(Errc::invalid_parameter,
                          "--format sfv holds CRC32 only: use -a crc32 (or leave -a out)");
    }
    if (format == OutputFormat::ed2k && ed2k_blue) {
        return make_error(Errc::invalid_parameter,
                          "--format ed2k links carry one ED2K value, not ed2k-blue: use another "
                          "--format (text, json, jsonl, csv, bsd) for the blue variant");
    }
    if (format == OutputFormat::ed2k && !has(hash::Algorithm::ed2k)) {
        return make_error(Errc::invalid_parameter, "--format ed2k needs -a to include ed2k");
    }
    return {};
}

Result<AlgorithmSelection> parse_algorithm_list(const std::vector<std::string>& values) {
    AlgorithmSelection selection;
    std::vector<hash::Algorithm>& out = selection.algorithms;
    const auto add = [&](hash::Algorithm a) {
        if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    };
    for (const std::string& value : values) {
        size_t start = 0;
        while (start <= value.size()) {
            size_t comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            const std::string item = lowercase(value.substr(start, comma - start));
            start = comma + 1;
            if (item.empty()) continue;
            if (item == kEd2kBlueName) {
                selection.ed2k_blue = true;
                continue;
            }
            if (item == "all") {
                for (auto a : kAllAlgorithms) add(a);
                continue;
            }
            const auto found =
                std::find_if(kAllAlgorithms.begin(), kAllAlgorithms.end(),
                             [&](auto a) { return item == hash::algorithm_name(a); });
            if (found == kAllAlgorithms.end()) {
                return make_error(Errc::invalid_parameter,
                                  "unknown algorithm '" + item +
                                      "' (choose from ed2k, crc32, md5, sha1, tth, all, "
                                      "ed2k-blue)");
            }
            add(*found);
        }
    }
    if (out.empty() && !selection.ed2k_blue)
        return make_error(Errc::invalid_parameter, "no algorithm given to -a");
    return selection;
}

}  // namespace anidb::cli
