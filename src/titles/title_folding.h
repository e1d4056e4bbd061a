// The one normal form titles and queries are matched in.
//
// SQLite FTS5's unicode61 tokenizer with remove_diacritics 2 does the Unicode
// work (lower case, accents removed, punctuation and spaces as separators), so
// folding agrees with the full-text index byte for byte and needs no Unicode
// tables of our own. Then every CJK ideograph and kana becomes a token of its
// own: Japanese and Chinese titles put no spaces between words, and a
// one-character token lets "巨人" find "進撃の巨人". Full-width Latin letters
// and digits become ASCII ("ＡＩＲ" = "air"), and ligatures and letters that
// unicode61 keeps are spelled out (œ oe, æ ae, ß ss, ø o, đ d, ĳ ij, ﬁ fi).
// The folded form is the tokens joined by single spaces:
//   "Shingeki no Kyojin: The Final Season" -> "shingeki no kyojin the final season"
//   "Pokémon"                               -> "pokemon"
//   "進撃の巨人"                             -> "進 撃 の 巨 人"
// A text with no letters or digits folds to "".
// Stored titles keep the form they were folded in: a change here must bump
// kTitlesSchemaVersion (title_schema.h), which re-creates the tables.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"

struct sqlite3;
struct Fts5Tokenizer;

namespace anidb::titles {

class TitleFolder {
  public:
    // Opens a private in-memory SQLite connection for the tokenizer.
    // Errc::cache if SQLite lacks FTS5 or the unicode61 tokenizer.
    static Result<std::unique_ptr<TitleFolder>> create();
    ~TitleFolder();
    TitleFolder(const TitleFolder&) = delete;
    TitleFolder& operator=(const TitleFolder&) = delete;

    // `text` must be valid UTF-8 (callers validate first). Thread-safe.
    Result<std::string> fold(std::string_view text) const;

  private:
    struct Tokenizer;
    TitleFolder(sqlite3* db, std::unique_ptr<Tokenizer> tokenizer);

    mutable std::mutex mutex_;  // the tokenizer keeps a fold buffer: one call at a time
    sqlite3* db_;
    std::unique_ptr<Tokenizer> tokenizer_;
};

// True for code points folded as one-character tokens: Hiragana, Katakana
// (with the half-width forms), CJK ideographs and the ideographic marks 々〆〇.
bool is_cjk_code_point(char32_t c) noexcept;
// True when a folded token is one such character.
bool is_cjk_token(std::string_view token) noexcept;

// Code points in valid UTF-8 (lengths in ranking and rank order count these).
size_t count_code_points(std::string_view utf8) noexcept;

}  // namespace anidb::titles
