// How well one title matches a query, both in folded form (title_folding.h).
//
// A match falls in one class; a title scores its class's base, plus a bonus
// for its type, minus one point per code point it is longer than the query
// (at most kMaxLengthPenalty), so among equal classes the closer title wins.
// The gaps between classes (at least 100) exceed the largest bonus plus the
// largest penalty (40 + 50), so a better class always ranks higher:
//   exact          1000  the whole title equals the query
//   prefix          850  the title starts with the query ("cowboy beb")
//   phrase          700  the query's words appear in order, together, the
//                        last one possibly cut short ("bebop tengoku";
//                        CJK: "巨人" in "進撃の巨人")
//   words           550  every query word is a word of the title, any order
//   word_prefixes   450  every query word starts a word of the title
//   substring       300  the query appears inside a word ("bebo" in
//                        "cowbebop"), found through the trigram index
// Type bonus: main title 40, official 25, short 20, synonym 0.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "titles/title_types.h"

namespace anidb::titles {

enum class MatchKind { exact, prefix, phrase, words, word_prefixes, substring };

inline constexpr int kMaxTypeBonus = 40;
inline constexpr int kMaxLengthPenalty = 50;

int class_base_score(MatchKind kind) noexcept;
int type_bonus(TitleType type) noexcept;

struct TitleScore {
    MatchKind kind = MatchKind::substring;
    int score = 0;
};

// A folded query (title_folding.h) with what scoring needs, computed once
// per search: its distinct words (a word repeated adds nothing to "every
// word appears") and its length in code points.
class FoldedQuery {
  public:
    explicit FoldedQuery(std::string folded);
    const std::string& text() const noexcept { return text_; }
    const std::vector<std::string>& distinct_words() const noexcept { return words_; }
    size_t code_points() const noexcept { return code_points_; }

  private:
    std::string text_;
    std::vector<std::string> words_;  // in order of first appearance
    size_t code_points_ = 0;
};

// nullopt when `folded_title` does not match `query` at all (or either is
// empty).
std::optional<TitleScore> score_title(const FoldedQuery& query, std::string_view folded_title,
                                      TitleType type);

}  // namespace anidb::titles
