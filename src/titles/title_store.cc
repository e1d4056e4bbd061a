#include "titles/title_store.h"

#include <zlib.h>

#include <charconv>

#include "cache/transaction.h"
#include "common/utf8.h"
#include "titles/dump_parser.h"
#include "titles/title_schema.h"

namespace anidb::titles {

namespace sql = cache::sql;

namespace {

constexpr const char* kSetMeta =
    "INSERT INTO anime_titles_meta (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

Status set_meta(sql::Connection& conn, std::string_view key, int64_t value) {
    auto q = conn.query(kSetMeta);
    if (!q) return q.error();
    return q->bind(1, key).bind(2, value).run();
}

Status set_meta(sql::Connection& conn, std::string_view key, std::string_view value) {
    auto q = conn.query(kSetMeta);
    if (!q) return q.error();
    return q->bind(1, key).bind(2, value).run();
}

int64_t to_int(const std::string& text) {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) return 0;
    return value;
}

Result<DumpMeta> read_meta_now(sql::Connection& conn) {
    auto q = conn.query("SELECT key, value FROM anime_titles_meta");
    if (!q) return q.error();
    DumpMeta m;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        const std::string key = q->column_text(0);
        const std::string value = q->column_text(1);
        const auto number = [&] { return to_int(value); };
        if (key == "last_request_at") m.last_request_at = number();
        if (key == "confirmed_at") m.confirmed_at = number();
        if (key == "imported_at") m.imported_at = number();
        if (key == "title_count") m.title_count = static_cast<uint64_t>(number());
        if (key == "anime_count") m.anime_count = static_cast<uint64_t>(number());
        if (key == "checksum") m.checksum = static_cast<uint64_t>(number());
        if (key == "dump_bytes") m.dump_bytes = static_cast<uint64_t>(number());
        if (key == "rejected_lines") m.rejected_lines = static_cast<uint64_t>(number());
        if (key == "source_url" && is_valid_http_url(value)) m.source_url = value;
        if (key == "etag" && is_valid_validator(value)) m.validators.etag = value;
        if (key == "last_modified" && is_valid_validator(value)) {
            m.validators.last_modified = value;
        }
    }
    return m;
}

// The form check of a row read back: what the parser accepted, and a folded
// form that is valid UTF-8.
bool row_is_sound(int64_t aid, int64_t type, const std::string& lang, const std::string& title,
                  const std::string& folded) {
    return aid > 0 && aid <= UINT32_MAX && type >= 1 && type <= 4 && is_valid_language_code(lang) &&
           is_valid_title_text(title) && folded.size() <= 4 * kMaxTitleBytes &&
           is_valid_utf8(folded);
}

const char* candidate_sql(CandidateSource source) {
    switch (source) {
        case CandidateSource::folded_prefix:
            return "SELECT t.id, t.aid, t.type, t.lang, t.title, t.folded FROM anime_titles AS t"
                   " WHERE t.folded >= ?1 AND t.folded < ?2"
                   " AND (?3 = '' OR t.lang = ?3 COLLATE NOCASE) ORDER BY t.id LIMIT ?4";
        case CandidateSource::words:
            return "SELECT t.id, t.aid, t.type, t.lang, t.title, t.folded"
                   " FROM anime_titles_words AS w JOIN anime_titles AS t ON t.id = w.rowid"
                   " WHERE anime_titles_words MATCH ?1"
                   " AND (?3 = '' OR t.lang = ?3 COLLATE NOCASE) ORDER BY w.rowid LIMIT ?4";
        case CandidateSource::trigrams:
            return "SELECT t.id, t.aid, t.type, t.lang, t.title, t.folded"
                   " FROM anime_titles_trigrams AS g JOIN anime_titles AS t ON t.id = g.rowid"
                   " WHERE g.folded LIKE ?1"
                   " AND (?3 = '' OR t.lang = ?3 COLLATE NOCASE) ORDER BY g.rowid LIMIT ?4";
    }
    return "";
}

}  // namespace

uint32_t extend_titles_checksum(uint32_t crc, const TitleRecord& r) noexcept {
    const std::string head =
        std::to_string(r.aid) + '|' + std::to_string(static_cast<int>(r.type)) + '|';
    const auto add = [&crc](std::string_view s) {
        crc = static_cast<uint32_t>(
            crc32(crc, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
    };
    add(head);
    add(r.lang);
    add("|");
    add(r.title);
    add("\n");
    return crc;
}

Result<DumpMeta> read_meta(sql::Connection& conn) {
    return sql::run_transaction(conn, sql::TxKind::read, [&] { return read_meta_now(conn); });
}

Result<bool> claim_request(sql::Connection& conn, int64_t now,
                           const std::function<bool(const DumpMeta&)>& still_allowed) {
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Result<bool> {
        auto meta = read_meta_now(conn);
        if (!meta) return meta.error();
        if (!still_allowed(*meta)) return false;
        if (Status s = set_meta(conn, "last_request_at", now); !s) return s.error();
        return true;
    });
}

Status store_confirmation(sql::Connection& conn, int64_t confirmed_at,
                          const HttpValidators& validators) {
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        if (Status s = set_meta(conn, "confirmed_at", confirmed_at); !s) return s;
        if (is_valid_validator(validators.etag)) {
            if (Status s = set_meta(conn, "etag", validators.etag); !s) return s;
        }
        if (is_valid_validator(validators.last_modified)) {
            if (Status s = set_meta(conn, "last_modified", validators.last_modified); !s) return s;
        }
        return {};
    });
}

Status replace_titles(sql::Connection& conn, std::span<const IndexedTitle> titles,
                      const DumpMeta& meta, const std::stop_token& stop) {
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        // Measured on 120,000 titles (bench/titles): filling the full-text
        // indexes with INSERT ... SELECT is several times faster than FTS5's
        // 'rebuild', and building the folded index after the rows faster than
        // keeping it up to date row by row. Readers see none of it before
        // COMMIT.
        if (Status s = conn.exec(
                "DROP INDEX IF EXISTS anime_titles_by_folded;"
                "DELETE FROM anime_titles;"
                "INSERT INTO anime_titles_words (anime_titles_words) VALUES ('delete-all');"
                "INSERT INTO anime_titles_trigrams (anime_titles_trigrams) VALUES ('delete-all')");
            !s) {
            return s;
        }
        int64_t id = 0;
        for (const IndexedTitle& t : titles) {
            if ((id & 0xFFF) == 0 && stop.stop_requested()) {
                return make_error(Errc::cancelled, "cancelled");
            }
            ++id;
            auto q = conn.query(
                "INSERT INTO anime_titles (id, aid, type, lang, title, folded)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
            if (!q) return q.error();
            Status s = q->bind(1, id)
                           .bind_u64(2, t.record.aid)
                           .bind(3, static_cast<int64_t>(t.record.type))
                           .bind_static(4, t.record.lang)
                           .bind_static(5, t.record.title)
                           .bind_static(6, t.folded)
                           .run();
            if (!s) return s;
        }
        if (stop.stop_requested()) return make_error(Errc::cancelled, "cancelled");
        // 'optimize' merges each index into one segment: searches read less.
        // FTS5 builds its segments fastest from ascending rowids (five times
        // faster than in folded order, which a covering index would give).
        if (Status s = conn.exec(
                "INSERT INTO anime_titles_words (rowid, folded)"
                " SELECT id, folded FROM anime_titles NOT INDEXED ORDER BY id;"
                "INSERT INTO anime_titles_trigrams (rowid, folded)"
                " SELECT id, folded FROM anime_titles NOT INDEXED ORDER BY id;"
                "INSERT INTO anime_titles_words (anime_titles_words) VALUES ('optimize');"
                "INSERT INTO anime_titles_trigrams (anime_titles_trigrams) VALUES ('optimize')");
            !s) {
            return s;
        }
        if (Status s = conn.exec(kCreateFoldedIndex); !s) return s;
        const std::pair<const char*, int64_t> numbers[] = {
            {"confirmed_at", meta.confirmed_at},
            {"imported_at", meta.imported_at},
            {"title_count", static_cast<int64_t>(meta.title_count)},
            {"anime_count", static_cast<int64_t>(meta.anime_count)},
            {"checksum", static_cast<int64_t>(meta.checksum)},
            {"dump_bytes", static_cast<int64_t>(meta.dump_bytes)},
            {"rejected_lines", static_cast<int64_t>(meta.rejected_lines)},
        };
        for (const auto& [key, value] : numbers) {
            if (Status s = set_meta(conn, key, value); !s) return s;
        }
        const std::pair<const char*, const std::string*> texts[] = {
            {"source_url", &meta.source_url},
            {"etag", &meta.validators.etag},
            {"last_modified", &meta.validators.last_modified},
        };
        for (const auto& [key, value] : texts) {
            if (Status s = set_meta(conn, key, *value); !s) return s;
        }
        return {};
    });
}

Result<std::vector<StoredTitle>> find_candidates(sql::Connection& conn, CandidateSource source,
                                                 std::string_view pattern, std::string_view lang,
                                                 size_t cap, uint64_t& corrupt) {
    std::string upper;  // the prefix range's end: pattern + 0xFF sorts after every extension
    std::string like;
    if (source == CandidateSource::folded_prefix) {
        upper = std::string(pattern) + '\xFF';
    } else if (source == CandidateSource::trigrams) {
        // FTS5 uses the trigram index only for a LIKE without ESCAPE (SQLite
        // 3.40), so a pattern with wildcards of its own is not searched.
        // Folded text never has them: '%' and '_' are separators to unicode61.
        if (pattern.find_first_of("%_") != std::string_view::npos) {
            return std::vector<StoredTitle>();
        }
        like = "%" + std::string(pattern) + "%";
    }
    auto q = conn.query(candidate_sql(source));
    if (!q) return q.error();
    // An empty view may have a null data(), which SQLite would bind as NULL.
    q->bind_static(1, source == CandidateSource::trigrams ? std::string_view(like) : pattern)
        .bind_static(3, lang.empty() ? std::string_view("") : lang)
        .bind(4, static_cast<int64_t>(cap));
    if (source == CandidateSource::folded_prefix) q->bind_static(2, upper);
    std::vector<StoredTitle> rows;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        StoredTitle t;
        t.id = q->column_int64(0);
        const int64_t aid = q->column_int64(1);
        const int64_t type = q->column_int64(2);
        t.lang = q->column_text(3);
        t.title = q->column_text(4);
        t.folded = q->column_text(5);
        if (!row_is_sound(aid, type, t.lang, t.title, t.folded)) {
            ++corrupt;
            continue;
        }
        t.aid = static_cast<uint64_t>(aid);
        t.type = *title_type_from_int(static_cast<int>(type));
        rows.push_back(std::move(t));
    }
    return rows;
}

Result<std::string> find_main_title(sql::Connection& conn, uint64_t aid) {
    auto q = conn.query(
        "SELECT title FROM anime_titles WHERE aid = ?1 AND type = 1 ORDER BY id LIMIT 1");
    if (!q) return q.error();
    auto row = q->bind_u64(1, aid).step();
    if (!row) return row.error();
    if (!*row) return std::string();
    std::string title = q->column_text(0);
    return is_valid_title_text(title) ? title : std::string();
}

Result<StoredCounts> scan_titles(sql::Connection& conn, const std::stop_token& stop) {
    return sql::run_transaction(conn, sql::TxKind::read, [&]() -> Result<StoredCounts> {
        auto q = conn.query("SELECT aid, type, lang, title, folded FROM anime_titles ORDER BY id");
        if (!q) return q.error();
        StoredCounts counts;
        uint32_t crc = crc32(0, nullptr, 0);
        for (;;) {
            if ((counts.titles & 0xFFF) == 0 && stop.stop_requested()) {
                return make_error(Errc::cancelled, "cancelled");
            }
            auto row = q->step();
            if (!row) return row.error();
            if (!*row) break;
            ++counts.titles;
            const int64_t aid = q->column_int64(0);
            const int64_t type = q->column_int64(1);
            TitleRecord r;
            r.lang = q->column_text(2);
            r.title = q->column_text(3);
            const std::string folded = q->column_text(4);
            if (!row_is_sound(aid, type, r.lang, r.title, folded)) {
                ++counts.bad_rows;
                continue;
            }
            r.aid = static_cast<uint64_t>(aid);
            r.type = *title_type_from_int(static_cast<int>(type));
            crc = extend_titles_checksum(crc, r);
        }
        counts.checksum = crc;
        return counts;
    });
}

Status check_indexes(sql::Connection& conn) {
    // 'integrity-check' is an INSERT to SQLite: it needs a write transaction.
    return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
        return conn.exec(
            "INSERT INTO anime_titles_words (anime_titles_words) VALUES ('integrity-check');"
            "INSERT INTO anime_titles_trigrams (anime_titles_trigrams) VALUES "
            "('integrity-check')");
    });
}

Result<uint64_t> count_titles(sql::Connection& conn) {
    return sql::run_transaction(conn, sql::TxKind::read, [&]() -> Result<uint64_t> {
        auto n = conn.scalar("SELECT count(*) FROM anime_titles");
        if (!n) return n.error();
        return static_cast<uint64_t>(*n);
    });
}

}  // namespace anidb::titles
