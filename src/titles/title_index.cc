// TitleIndex: opening, refresh, import, status and verify. Search is in
// title_search.cc.
#include "titles/title_index.h"

#include "cache/cache_db.h"
#include "cache/transaction.h"
#include "titles/title_folding.h"
#include "titles/title_schema.h"
#include "titles/title_store.h"

namespace anidb::titles {

namespace sql = cache::sql;

TitleIndex::TitleIndex(std::shared_ptr<cache::CacheDb> db, std::unique_ptr<TitleFolder> folder)
    : db_(std::move(db)), folder_(std::move(folder)) {}

TitleIndex::~TitleIndex() = default;

Result<std::unique_ptr<TitleIndex>> TitleIndex::open(
    const std::filesystem::path& db_file) noexcept {
    auto db = cache::CacheDb::open(db_file);
    if (!db) return db.error();
    return open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
}

Result<std::unique_ptr<TitleIndex>> TitleIndex::open(std::shared_ptr<cache::CacheDb> db) noexcept {
    return sql::guarded([&]() -> Result<std::unique_ptr<TitleIndex>> {
        if (!db) return make_error(Errc::invalid_parameter, "no cache database given");
        auto folder = TitleFolder::create();
        if (!folder) return folder.error();
        if (Status s = db->with_connection(prepare_title_tables); !s) return s.error();
        // guarded() turns a failed allocation into Errc::out_of_memory.
        // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
        return std::unique_ptr<TitleIndex>(new TitleIndex(std::move(db), std::move(*folder)));
    });
}

Result<TitleCounts> TitleIndex::stored_counts() {
    auto meta = db_->with_connection(read_meta);
    if (!meta) return meta.error();
    return TitleCounts{meta->title_count, meta->anime_count, meta->rejected_lines};
}

// True when titles are stored and look sound: the row count matches the
// meta (cheap), and with `full` the checksum and FTS5's index check too.
Result<bool> TitleIndex::usable_dump(uint64_t expected_titles, bool full,
                                     const std::stop_token& stop) {
    if (expected_titles == 0) return false;
    auto count = db_->with_connection(count_titles);
    if (!count) return count.error();
    if (*count != expected_titles) return false;
    if (!full) return true;
    auto damage = find_damage(stop);
    if (!damage) return damage.error();
    return !damage->has_value();
}

Result<std::optional<std::string>> TitleIndex::find_damage(const std::stop_token& stop) {
    using R = Result<std::optional<std::string>>;
    auto meta = db_->with_connection(read_meta);
    if (!meta) return meta.error();
    auto counts =
        db_->with_connection([&](sql::Connection& conn) { return scan_titles(conn, stop); });
    if (!counts) return counts.error();
    if (counts->bad_rows != 0) return R(std::to_string(counts->bad_rows) + " malformed rows");
    if (counts->titles != meta->title_count) {
        return R(std::to_string(counts->titles) + " rows where " +
                 std::to_string(meta->title_count) + " were stored");
    }
    if (counts->titles == 0) return R(std::nullopt);
    if (counts->checksum != meta->checksum) return R(std::string("checksum mismatch"));
    if (Status s = db_->with_connection(check_indexes); !s) {
        // A lock or a lack of memory says nothing about the indexes.
        if (s.code() == Errc::busy || s.code() == Errc::out_of_memory) return s.error();
        return R("full-text index check failed (" + s.error().message + ")");
    }
    return R(std::nullopt);
}

Result<RefreshResult> TitleIndex::refresh(std::string_view url, int64_t now, std::stop_token stop,
                                          const RefreshOptions& options) noexcept {
    return sql::guarded([&]() -> Result<RefreshResult> {
        if (!is_valid_http_url(url)) {
            return make_error(Errc::invalid_parameter,
                              "titles URL must be an http:// or https:// URL of printable ASCII");
        }
        if (now <= 0) return make_error(Errc::invalid_parameter, "time must be after 1970");
        if (options.max_age.count() < 0) {
            return make_error(Errc::invalid_parameter, "negative maximum age");
        }
        // Everything that can be refused is checked before the request is
        // claimed: a refused call must not spend the day's request.
        if (Status s = check_http_limits(options.http); !s) return s.error();
        if (options.dump.max_dump_bytes == 0 || options.dump.max_titles == 0) {
            return make_error(Errc::invalid_parameter, "dump limits must be positive");
        }
        if (stop.stop_requested()) return make_error(Errc::cancelled, "cancelled");
        auto meta = db_->with_connection(read_meta);
        if (!meta) return meta.error();
        auto usable = usable_dump(meta->title_count, false, stop);
        if (!usable) return usable.error();
        RefreshState state{*usable, meta->last_request_at, meta->confirmed_at};
        RefreshDecision decision = decide_refresh(state, now, options.force, options.max_age);
        if (decision.action == RefreshDecision::Action::too_soon && options.force && *usable) {
            // Rule 3: a forced refresh may ask within 24 h only for damaged titles.
            auto sound = usable_dump(meta->title_count, true, stop);
            if (!sound) return sound.error();
            if (!*sound) {
                state.usable_dump = false;
                decision = decide_refresh(state, now, options.force, options.max_age);
            }
        }
        const auto not_asked = [&](const RefreshDecision& d) -> Result<RefreshResult> {
            auto counts = stored_counts();
            if (!counts) return counts.error();
            RefreshResult r;
            r.outcome = d.action == RefreshDecision::Action::up_to_date
                            ? RefreshResult::Outcome::up_to_date
                            : RefreshResult::Outcome::too_soon;
            r.next_request_at = d.next_request_at;
            r.stored = *counts;
            return r;
        };
        if (decision.action != RefreshDecision::Action::download) return not_asked(decision);

        // Claim the request: another thread or process may have just sent one.
        RefreshDecision claimed_decision = decision;
        auto claimed = db_->with_connection([&](sql::Connection& conn) {
            return claim_request(conn, now, [&](const DumpMeta& m) {
                RefreshState fresh{state.usable_dump, m.last_request_at, m.confirmed_at};
                claimed_decision = decide_refresh(fresh, now, options.force, options.max_age);
                return claimed_decision.action == RefreshDecision::Action::download;
            });
        });
        if (!claimed) return claimed.error();
        if (!*claimed) return not_asked(claimed_decision);

        const bool same_source = state.usable_dump && meta->source_url == url;
        const HttpValidators conditional = same_source ? meta->validators : HttpValidators{};
        auto response = http_get(url, conditional, options.http, stop);
        if (!response) return response.error();

        RefreshResult result;
        result.next_request_at = next_request_allowed_at(now, now);
        if (response->not_modified) {
            if (Status s = db_->with_connection([&](sql::Connection& conn) {
                    return store_confirmation(conn, now, response->validators);
                });
                !s) {
                return s.error();
            }
            result.outcome = RefreshResult::Outcome::not_modified;
        } else {
            const std::span<const uint8_t> body(
                reinterpret_cast<const uint8_t*>(response->body.data()), response->body.size());
            auto prepared = prepare_dump(body, *folder_, options.dump, stop);
            if (!prepared) return prepared.error();
            response->body = std::string();  // the rows are what is needed now
            if (Status s = store_dump(*prepared, now, url, response->validators, stop); !s) {
                return s.error();
            }
            result.outcome = RefreshResult::Outcome::updated;
        }
        auto counts = stored_counts();
        if (!counts) return counts.error();
        result.stored = *counts;
        return result;
    });
}

Status TitleIndex::store_dump(PreparedDump& dump, int64_t now, std::string_view url,
                              const HttpValidators& validators, const std::stop_token& stop) {
    DumpMeta& meta = dump.meta;
    meta.confirmed_at = now;
    meta.imported_at = now;
    meta.source_url = std::string(url);
    meta.validators = validators;
    return db_->with_connection([&](sql::Connection& conn) -> Status {
        if (Status s = replace_titles(conn, dump.titles, meta, stop); !s) return s;
        // One import rewrites tens of MB: give the WAL back to the disk now.
        // Readers in other processes may keep the checkpoint from finishing;
        // that is no error (the WAL is truncated later).
        auto checkpoint = conn.query("PRAGMA wal_checkpoint(TRUNCATE)");
        if (checkpoint) (void)checkpoint->step();
        return {};
    });
}

Result<TitleCounts> TitleIndex::import_dump(std::span<const uint8_t> gzip_bytes, int64_t now,
                                            std::stop_token stop,
                                            const DumpLimits& limits) noexcept {
    return sql::guarded([&]() -> Result<TitleCounts> {
        if (now <= 0) return make_error(Errc::invalid_parameter, "time must be after 1970");
        auto prepared = prepare_dump(gzip_bytes, *folder_, limits, stop);
        if (!prepared) return prepared.error();
        if (Status s = store_dump(*prepared, now, "", {}, stop); !s) return s.error();
        return stored_counts();
    });
}

Result<TitleIndexStatus> TitleIndex::status(int64_t now) noexcept {
    return sql::guarded([&]() -> Result<TitleIndexStatus> {
        auto meta = db_->with_connection(read_meta);
        if (!meta) return meta.error();
        TitleIndexStatus s;
        s.stored = TitleCounts{meta->title_count, meta->anime_count, meta->rejected_lines};
        s.imported_at = meta->imported_at;
        s.confirmed_at = meta->confirmed_at;
        s.last_request_at = meta->last_request_at;
        s.next_request_at = next_request_allowed_at(meta->last_request_at, now);
        s.source_url = meta->source_url;
        s.dump_bytes = meta->dump_bytes;
        return s;
    });
}

Status TitleIndex::verify(std::stop_token stop) noexcept {
    return sql::guarded([&]() -> Status {
        auto damage = find_damage(stop);
        if (!damage) return damage.error();
        if (damage->has_value()) {
            return make_error(Errc::cache, "stored titles are damaged: " + **damage);
        }
        return {};
    });
}

}  // namespace anidb::titles
