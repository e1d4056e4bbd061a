#include "titles/title_ranking.h"

#include <algorithm>

namespace anidb::titles {

namespace {

size_t code_points(std::string_view s) noexcept {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// Calls f(token) for each space-separated token; stops when f returns false.
template <typename F>
bool for_each_token(std::string_view s, F&& f) {
    size_t start = 0;
    while (start < s.size()) {
        size_t end = s.find(' ', start);
        if (end == std::string_view::npos) end = s.size();
        if (end > start && !f(s.substr(start, end - start))) return false;
        start = end + 1;
    }
    return true;
}

// True when `needle` occurs in `hay` starting at a token boundary (and, when
// `whole_last`, ending at one).
bool at_token_boundary(std::string_view hay, std::string_view needle, bool whole_last) noexcept {
    for (size_t pos = hay.find(needle); pos != std::string_view::npos;
         pos = hay.find(needle, pos + 1)) {
        const bool starts = pos == 0 || hay[pos - 1] == ' ';
        const size_t end = pos + needle.size();
        const bool ends = end == hay.size() || hay[end] == ' ';
        if (starts && (ends || !whole_last)) return true;
    }
    return false;
}

std::optional<MatchKind> classify(std::string_view q, std::string_view t) noexcept {
    if (t == q) return MatchKind::exact;
    if (t.substr(0, q.size()) == q) return MatchKind::prefix;
    if (at_token_boundary(t, q, false)) return MatchKind::phrase;
    bool all_whole = true;
    const bool all_found = for_each_token(q, [&](std::string_view word) {
        if (at_token_boundary(t, word, true)) return true;
        if (at_token_boundary(t, word, false)) {
            all_whole = false;
            return true;
        }
        return false;
    });
    if (all_found) return all_whole ? MatchKind::words : MatchKind::word_prefixes;
    if (t.find(q) != std::string_view::npos) return MatchKind::substring;
    return std::nullopt;
}

}  // namespace

int class_base_score(MatchKind kind) noexcept {
    switch (kind) {
        case MatchKind::exact:
            return 1000;
        case MatchKind::prefix:
            return 850;
        case MatchKind::phrase:
            return 700;
        case MatchKind::words:
            return 550;
        case MatchKind::word_prefixes:
            return 450;
        case MatchKind::substring:
            return 300;
    }
    return 0;
}

int type_bonus(TitleType type) noexcept {
    switch (type) {
        case TitleType::primary:
            return kMaxTypeBonus;
        case TitleType::official:
            return 25;
        case TitleType::short_:
            return 20;
        case TitleType::synonym:
            return 0;
    }
    return 0;
}

std::optional<TitleScore> score_title(std::string_view folded_query,
                                      std::string_view folded_title, TitleType type) noexcept {
    if (folded_query.empty() || folded_title.empty()) return std::nullopt;
    const auto kind = classify(folded_query, folded_title);
    if (!kind) return std::nullopt;
    const size_t qlen = code_points(folded_query);
    const size_t tlen = code_points(folded_title);
    const int penalty =
        static_cast<int>(std::min<size_t>(tlen > qlen ? tlen - qlen : 0, kMaxLengthPenalty));
    return TitleScore{*kind, class_base_score(*kind) + type_bonus(type) - penalty};
}

}  // namespace anidb::titles
