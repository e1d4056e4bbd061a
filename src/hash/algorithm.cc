#include "hash/algorithm.h"

#include <string>

namespace anidb::hash {

std::optional<Algorithm> algorithm_from_int(int v) noexcept {
    if (v >= static_cast<int>(Algorithm::ed2k) && v <= static_cast<int>(Algorithm::tth)) {
        return static_cast<Algorithm>(v);
    }
    return std::nullopt;
}

const char* algorithm_name(Algorithm a) noexcept {
    switch (a) {
        case Algorithm::ed2k:
            return "ed2k";
        case Algorithm::crc32:
            return "crc32";
        case Algorithm::md5:
            return "md5";
        case Algorithm::sha1:
            return "sha1";
        case Algorithm::tth:
            return "tth";
    }
    return "unknown";
}

size_t digest_text_length(Algorithm a) noexcept {
    switch (a) {
        case Algorithm::ed2k:
            return 32;
        case Algorithm::crc32:
            return 8;
        case Algorithm::md5:
            return 32;
        case Algorithm::sha1:
            return 40;
        case Algorithm::tth:
            return 39;
    }
    return 0;
}

bool is_digest_text(Algorithm a, std::string_view text) noexcept {
    const size_t length = digest_text_length(a);
    if (length == 0 || text.size() != length) return false;
    for (const char c : text) {
        const bool ok = a == Algorithm::tth ? (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')
                                            : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        if (!ok) return false;
    }
    // 39 base32 characters carry 195 bits for TTH's 192: the last one's low
    // three bits are padding and always zero in a canonical encoding.
    if (a == Algorithm::tth && ((text.back() - 'A') & 7) != 0) return false;
    return true;
}

Status validate_algorithms(std::span<const Algorithm> algorithms) {
    if (algorithms.empty()) {
        return make_error(Errc::invalid_parameter, "no hash algorithm requested");
    }
    if (algorithms.size() > kMaxAlgorithms) {
        return make_error(Errc::invalid_parameter, "too many hash algorithms requested (" +
                                                       std::to_string(algorithms.size()) +
                                                       ", at most 5)");
    }
    bool seen[kMaxAlgorithms + 1] = {};
    for (const Algorithm a : algorithms) {
        const auto known = algorithm_from_int(static_cast<int>(a));
        if (!known) {
            return make_error(Errc::invalid_parameter,
                              "unknown hash algorithm " + std::to_string(static_cast<int>(a)));
        }
        const auto index = static_cast<size_t>(a);
        if (seen[index]) {
            return make_error(Errc::invalid_parameter,
                              std::string("hash algorithm requested twice: ") + algorithm_name(a));
        }
        seen[index] = true;
    }
    return {};
}

}  // namespace anidb::hash
