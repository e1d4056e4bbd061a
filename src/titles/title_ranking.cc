#include "titles/title_ranking.h"

#include <algorithm>

#include "titles/title_folding.h"

namespace anidb::titles {

namespace {

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

std::optional<MatchKind> classify(const FoldedQuery& query, std::string_view t) noexcept {
    const std::string_view q = query.text();
    if (t == q) return MatchKind::exact;
    if (t.substr(0, q.size()) == q) return MatchKind::prefix;
    if (at_token_boundary(t, q, false)) return MatchKind::phrase;
    bool all_whole = true;
    bool all_found = true;
    for (const std::string& word : query.distinct_words()) {
        if (at_token_boundary(t, word, true)) continue;
        if (at_token_boundary(t, word, false)) {
            all_whole = false;
            continue;
        }
        all_found = false;
        break;
    }
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

FoldedQuery::FoldedQuery(std::string folded) : text_(std::move(folded)) {
    code_points_ = count_code_points(text_);
    size_t start = 0;
    while (start < text_.size()) {
        size_t end = text_.find(' ', start);
        if (end == std::string::npos) end = text_.size();
        if (end > start) {
            std::string word = text_.substr(start, end - start);
            if (std::find(words_.begin(), words_.end(), word) == words_.end()) {
                words_.push_back(std::move(word));
            }
        }
        start = end + 1;
    }
}

std::optional<TitleScore> score_title(const FoldedQuery& query, std::string_view folded_title,
                                      TitleType type) {
    if (query.text().empty() || folded_title.empty()) return std::nullopt;
    const auto kind = classify(query, folded_title);
    if (!kind) return std::nullopt;
    const size_t qlen = query.code_points();
    const size_t tlen = count_code_points(folded_title);
    const int penalty =
        static_cast<int>(std::min<size_t>(tlen > qlen ? tlen - qlen : 0, kMaxLengthPenalty));
    return TitleScore{*kind, class_base_score(*kind) + type_bonus(type) - penalty};
}

}  // namespace anidb::titles
