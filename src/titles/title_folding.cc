#include "titles/title_folding.h"

#include <sqlite3.h>

#include <cstdint>

namespace anidb::titles {

namespace {

// Decodes the UTF-8 sequence at s[i] (a token from unicode61, so well formed)
// and advances i past it.
char32_t next_code_point(std::string_view s, size_t& i) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    char32_t c = b0;
    if (b0 >= 0xF0) {
        len = 4;
        c = b0 & 0x07;
    } else if (b0 >= 0xE0) {
        len = 3;
        c = b0 & 0x0F;
    } else if (b0 >= 0xC0) {
        len = 2;
        c = b0 & 0x1F;
    }
    if (i + len > s.size()) len = s.size() - i;
    for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    return c;
}

// What unicode61 leaves as it is but a reader takes for plain letters:
// full-width Latin letters and digits (common in Japanese titles: "ＡＩＲ"),
// and Latin ligatures and letters with a stroke that have no decomposition.
// unicode61 has already lowered the case. nullptr when `c` stays.
const char* plain_letters(char32_t c) noexcept {
    static const char* const kFullWidth[] = {
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f", "g", "h",
        "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
    if (c >= 0xFF10 && c <= 0xFF19) return kFullWidth[c - 0xFF10];
    if (c >= 0xFF41 && c <= 0xFF5A) return kFullWidth[10 + (c - 0xFF41)];
    if (c >= 0xFF21 && c <= 0xFF3A) return kFullWidth[10 + (c - 0xFF21)];
    struct Spelled {
        char32_t letter;
        const char* plain;
    };
    static constexpr Spelled kSpelled[] = {
        {0x00DF, "ss"}, {0x00E6, "ae"},  {0x00F8, "o"},  {0x0111, "d"},
        {0x0133, "ij"}, {0x0153, "oe"},  {0xFB00, "ff"}, {0xFB01, "fi"},
        {0xFB02, "fl"}, {0xFB03, "ffi"}, {0xFB04, "ffl"}};  // ß æ ø đ ĳ œ ﬀ ﬁ ﬂ ﬃ ﬄ
    if (c < 0xDF) return nullptr;  // ASCII and most of Latin-1: nothing to do
    for (const Spelled& s : kSpelled) {
        if (s.letter == c) return s.plain;
    }
    return nullptr;
}

// Appends one token to `out`, spelling out plain_letters and splitting off
// each CJK character as a token of its own.
void append_token(std::string& out, std::string_view token) {
    size_t i = 0;
    const auto emit = [&out](std::string_view piece) {
        if (piece.empty()) return;
        if (!out.empty()) out.push_back(' ');
        out.append(piece);
    };
    std::string run;  // the current non-CJK run, with plain_letters spelled out
    while (i < token.size()) {
        const size_t at = i;
        const char32_t c = next_code_point(token, i);
        if (is_cjk_code_point(c)) {
            emit(run);
            run.clear();
            emit(token.substr(at, i - at));
        } else if (const char* plain = plain_letters(c)) {
            run += plain;
        } else {
            run.append(token.substr(at, i - at));
        }
    }
    emit(run);
}

int collect_token(void* ctx, int /*flags*/, const char* token, int size, int /*start*/,
                  int /*end*/) {
    try {
        append_token(*static_cast<std::string*>(ctx),
                     std::string_view(token, static_cast<size_t>(size)));
        return SQLITE_OK;
    } catch (...) {
        return SQLITE_NOMEM;
    }
}

}  // namespace

bool is_cjk_code_point(char32_t c) noexcept {
    return (c >= 0x3005 && c <= 0x3007) ||  // 々 〆 〇
           (c >= 0x3040 && c <= 0x30FF) ||  // Hiragana, Katakana
           (c >= 0x31F0 && c <= 0x31FF) ||  // Katakana phonetic extensions
           (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
           (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
           (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
           (c >= 0xFF66 && c <= 0xFF9F) ||  // half-width Katakana
           (c >= 0x20000 && c <= 0x3134F);  // CJK extensions B-G
}

bool is_cjk_token(std::string_view token) noexcept {
    if (token.empty()) return false;
    size_t i = 0;
    const char32_t c = next_code_point(token, i);
    return i == token.size() && is_cjk_code_point(c);
}

size_t count_code_points(std::string_view utf8) noexcept {
    size_t n = 0;
    for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

struct TitleFolder::Tokenizer {
    fts5_tokenizer api{};
    Fts5Tokenizer* instance = nullptr;
    ~Tokenizer() {
        if (instance != nullptr) api.xDelete(instance);
    }
};

Result<std::unique_ptr<TitleFolder>> TitleFolder::create() {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_close_v2(db);
        return make_error(rc == SQLITE_NOMEM ? Errc::out_of_memory : Errc::cache,
                          "cannot open SQLite for title folding");
    }
    struct CloseOnError {
        sqlite3*& db;
        ~CloseOnError() {
            if (db != nullptr) sqlite3_close_v2(db);
        }
    } close_on_error{db};

    // The documented way to reach the FTS5 C API: SELECT fts5(?1) with a
    // pointer binding of type "fts5_api_ptr".
    fts5_api* fts5 = nullptr;
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&fts5), "fts5_api_ptr", nullptr);
        sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    if (fts5 == nullptr || fts5->iVersion < 2) {
        return make_error(Errc::cache, "SQLite was built without FTS5: title search needs it");
    }
    auto tokenizer = std::make_unique<Tokenizer>();
    void* user_data = nullptr;
    // The words index (title_schema.cc) tokenizes with the same
    // "unicode61 remove_diacritics 2": both sides must fold alike.
    const char* args[] = {"remove_diacritics", "2"};
    rc = fts5->xFindTokenizer(fts5, "unicode61", &user_data, &tokenizer->api);
    if (rc == SQLITE_OK) {
        rc = tokenizer->api.xCreate(user_data, args, 2, &tokenizer->instance);
    }
    if (rc != SQLITE_OK || tokenizer->instance == nullptr) {
        tokenizer->instance = nullptr;
        return make_error(Errc::cache, "SQLite's unicode61 tokenizer is not available");
    }
    std::unique_ptr<TitleFolder> folder(new TitleFolder(db, std::move(tokenizer)));
    db = nullptr;  // owned by the folder now
    return folder;
}

TitleFolder::TitleFolder(sqlite3* db, std::unique_ptr<Tokenizer> tokenizer)
    : db_(db), tokenizer_(std::move(tokenizer)) {}

TitleFolder::~TitleFolder() {
    tokenizer_.reset();  // before the connection that provided it
    sqlite3_close_v2(db_);
}

Result<std::string> TitleFolder::fold(std::string_view text) const {
    if (text.size() > static_cast<size_t>(INT32_MAX)) {
        return make_error(Errc::invalid_parameter, "text too long to fold");
    }
    std::string out;
    out.reserve(text.size());
    std::lock_guard lock(mutex_);
    const int rc =
        tokenizer_->api.xTokenize(tokenizer_->instance, &out, FTS5_TOKENIZE_DOCUMENT, text.data(),
                                  static_cast<int>(text.size()), collect_token);
    if (rc != SQLITE_OK) {
        return make_error(rc == SQLITE_NOMEM ? Errc::out_of_memory : Errc::cache,
                          "title folding failed");
    }
    return out;
}

}  // namespace anidb::titles
