// TitleIndex::search: candidates from three indexes, best source first, each
// scored by title_ranking.h and kept per anime.
//
//  1. folded_prefix  exact and prefix matches (B-tree range on the folded title)
//  2. words          every query word as a word or word prefix (FTS5, unicode61)
//  3. trigrams       the query inside a word (FTS5 trigram; queries of 3+ characters)
// A later source can only add lower classes than an earlier one's (see the
// class gaps in title_ranking.h), so it runs only while fewer than `limit`
// anime are found. Every source returns its rows in id order, which is rank
// order (title_schema.h), and stops after kCandidatesPerLimit * limit rows.
#include <algorithm>
#include <unordered_map>

#include "cache/cache_db.h"
#include "cache/transaction.h"
#include "common/utf8.h"
#include "titles/dump_import.h"
#include "titles/title_folding.h"
#include "titles/title_index.h"
#include "titles/title_store.h"

namespace anidb::titles {

namespace {

namespace sql = cache::sql;

constexpr size_t kCandidatesPerLimit = 10;
constexpr size_t kMinCandidates = 200;
constexpr size_t kMaxCandidates = 2000;
constexpr size_t kMaxMatchWords = 8;

// The FTS5 MATCH expression for the words index: the query's distinct
// words as quoted prefix queries ("cow"* "beb"*), ANDed; a CJK character as
// itself. At most kMaxMatchWords of them, longest (most selective) first:
// more would only narrow a candidate set that scoring checks word by word
// anyway, and a query of hundreds of words would make FTS5 merge hundreds of
// doclists.
std::string words_expression(const FoldedQuery& query) {
    std::vector<std::string_view> words(query.distinct_words().begin(),
                                        query.distinct_words().end());
    std::stable_sort(words.begin(), words.end(),
                     [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
    if (words.size() > kMaxMatchWords) words.resize(kMaxMatchWords);
    std::string expr;
    for (std::string_view word : words) {
        if (!expr.empty()) expr.push_back(' ');
        expr.push_back('"');
        for (char c : word) {
            if (c == '"') expr.push_back('"');
            expr.push_back(c);
        }
        expr.push_back('"');
        if (!is_cjk_token(word)) expr.push_back('*');
    }
    return expr;
}

struct Best {
    StoredTitle row;
    TitleScore score;
};

// True when a ranks before b: score, then type, then id (shorter title).
bool ranks_before(const Best& a, const Best& b) {
    if (a.score.score != b.score.score) return a.score.score > b.score.score;
    const int ra = type_rank(a.row.type);
    const int rb = type_rank(b.row.type);
    if (ra != rb) return ra < rb;
    return a.row.id < b.row.id;
}

// The search proper, inside one read transaction (and so re-runnable from
// the start when the transaction is retried).
Result<SearchResult> search_snapshot(sql::Connection& conn, const FoldedQuery& query,
                                     std::string_view lang, size_t limit) {
    const size_t cap = std::clamp(limit * kCandidatesPerLimit, kMinCandidates, kMaxCandidates);
    SearchResult result;
    std::unordered_map<uint64_t, Best> best;  // per aid
    const auto run = [&](CandidateSource source, std::string_view pattern) -> Status {
        auto rows = find_candidates(conn, source, pattern, lang, cap, result.corrupt_rows);
        if (!rows) return rows.error();
        for (StoredTitle& row : *rows) {
            const auto score = score_title(query, row.folded, row.type);
            if (!score) continue;
            Best candidate{std::move(row), *score};
            auto [it, inserted] = best.try_emplace(candidate.row.aid, candidate);
            if (!inserted && ranks_before(candidate, it->second)) {
                it->second = std::move(candidate);
            }
        }
        return {};
    };
    if (Status s = run(CandidateSource::folded_prefix, query.text()); !s) return s.error();
    if (best.size() < limit) {
        if (Status s = run(CandidateSource::words, words_expression(query)); !s) {
            return s.error();
        }
    }
    if (best.size() < limit && query.code_points() >= 3) {
        if (Status s = run(CandidateSource::trigrams, query.text()); !s) return s.error();
    }

    std::vector<Best> ranked;
    ranked.reserve(best.size());
    for (auto& [aid, b] : best) ranked.push_back(std::move(b));
    const size_t n = std::min(limit, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n), ranked.end(),
                      ranks_before);
    ranked.resize(n);

    result.matches.reserve(n);
    for (Best& b : ranked) {
        TitleMatch m;
        m.aid = b.row.aid;
        if (b.row.type == TitleType::primary) {
            m.main_title = b.row.title;
        } else {
            auto main = find_main_title(conn, b.row.aid);
            if (!main) return main.error();
            m.main_title = main->empty() ? b.row.title : std::move(*main);
        }
        m.title = std::move(b.row.title);
        m.type = b.row.type;
        m.lang = std::move(b.row.lang);
        m.kind = b.score.kind;
        m.score = b.score.score;
        result.matches.push_back(std::move(m));
    }
    return result;
}

}  // namespace

Result<SearchResult> TitleIndex::search(std::string_view text, std::string_view lang,
                                        size_t limit) noexcept {
    return sql::guarded([&]() -> Result<SearchResult> {
        if (!is_valid_utf8(text)) {
            return make_error(Errc::invalid_utf8, "search text is not valid UTF-8");
        }
        if (text.size() > kMaxQueryBytes) {
            return make_error(
                Errc::invalid_parameter,
                "search text longer than " + std::to_string(kMaxQueryBytes) + " bytes");
        }
        if (!lang.empty() && !is_valid_language_code(lang)) {
            return make_error(Errc::invalid_parameter,
                              "language must be an AniDB language code such as en or x-jat");
        }
        if (limit == 0 || limit > kMaxSearchLimit) {
            return make_error(Errc::invalid_parameter,
                              "search limit must be 1.." + std::to_string(kMaxSearchLimit));
        }
        auto folded = folder_->fold(text);
        if (!folded) return folded.error();
        if (folded->empty()) {
            return make_error(Errc::invalid_parameter, "search text has no letters or digits");
        }
        const FoldedQuery query(std::move(*folded));
        return db_->with_connection([&](sql::Connection& conn) {
            // One read transaction: one snapshot of the titles for every step.
            return sql::run_transaction(conn, sql::TxKind::read, [&]() -> Result<SearchResult> {
                return search_snapshot(conn, query, lang, limit);
            });
        });
    });
}

}  // namespace anidb::titles
