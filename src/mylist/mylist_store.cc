#include "mylist/mylist_store.h"

#include <zlib.h>

#include "anidb/record_fields.h"
#include "cache/cache_db.h"
#include "cache/transaction.h"
#include "common/utf8.h"
#include "mylist/mylist_schema.h"

namespace anidb::mylist {

namespace sql = cache::sql;

namespace {

constexpr const char* kColumns =
    "fid, lid, eid, aid, gid, date_added, state, viewdate, storage, source, other, filestate,"
    " confirmed_at, checksum";

// One row: the entry (lid 0 = not in MyList) and when AniDB said so.
struct Row {
    udp::MylistEntry entry;
    int64_t confirmed_at = 0;
};

void add_text(std::string& out, const std::string& s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
    out += ',';
}

// CRC-32 over every value of the row, in a form without ambiguity.
int64_t row_checksum(const Row& r) {
    const udp::MylistEntry& e = r.entry;
    std::string text;
    for (int64_t v : {e.fid, e.lid, e.eid, e.aid, e.gid, e.date_added, e.state, e.viewdate,
                      e.filestate, r.confirmed_at}) {
        text += std::to_string(v);
        text += '|';
    }
    add_text(text, e.storage);
    add_text(text, e.source);
    add_text(text, e.other);
    return static_cast<int64_t>(
        crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
}

bool in_range(int64_t v, int64_t max) {
    return v >= 0 && v <= max;
}

// The form check of a row read back (it comes from a file on disk).
bool row_is_sound(const Row& r, int64_t checksum) {
    const udp::MylistEntry& e = r.entry;
    const auto text_ok = [](const std::string& s, size_t max) {
        return s.size() <= max && is_valid_utf8(s);
    };
    return e.fid > 0 && e.fid <= udp::kMaxInt4 && in_range(e.lid, udp::kMaxInt4) &&
           in_range(e.eid, udp::kMaxInt4) && in_range(e.aid, udp::kMaxInt4) &&
           in_range(e.gid, udp::kMaxInt4) && in_range(e.date_added, udp::kMaxUnixTime) &&
           in_range(e.state, udp::kMaxMylistState) && in_range(e.viewdate, udp::kMaxUnixTime) &&
           in_range(e.filestate, udp::kMaxInt4) && in_range(r.confirmed_at, udp::kMaxUnixTime) &&
           text_ok(e.storage, 4 * udp::kMaxFieldBytes) &&
           text_ok(e.source, 4 * udp::kMaxFieldBytes) &&
           text_ok(e.other, 4 * udp::kMaxFieldBytes) && row_checksum(r) == checksum;
}

Status check_id(int64_t id, const char* what) {
    if (id > 0 && id <= udp::kMaxInt4) return {};
    return make_error(Errc::invalid_parameter, std::string(what) + " must be a positive AniDB id");
}

Status check_time(int64_t at) {
    if (in_range(at, udp::kMaxUnixTime)) return {};
    return make_error(Errc::invalid_parameter, "time out of range");
}

Result<std::optional<Row>> read_one(sql::Connection& conn, const char* where, int64_t key) {
    const std::string text =
        std::string("SELECT ") + kColumns + " FROM mylist_local WHERE " + where;
    auto q = conn.query(text.c_str());
    if (!q) return q.error();
    auto found = q->bind(1, key).step();
    if (!found) return found.error();
    if (!*found) return std::optional<Row>();
    Row r;
    udp::MylistEntry& e = r.entry;
    e.fid = q->column_int64(0);
    e.lid = q->column_int64(1);
    e.eid = q->column_int64(2);
    e.aid = q->column_int64(3);
    e.gid = q->column_int64(4);
    e.date_added = q->column_int64(5);
    e.state = q->column_int64(6);
    e.viewdate = q->column_int64(7);
    e.storage = q->column_text(8);
    e.source = q->column_text(9);
    e.other = q->column_text(10);
    e.filestate = q->column_int64(11);
    r.confirmed_at = q->column_int64(12);
    if (!row_is_sound(r, q->column_int64(13))) return std::optional<Row>();
    return std::optional<Row>(std::move(r));
}

Status write_row(sql::Connection& conn, const Row& r) {
    const std::string text =
        std::string("INSERT OR REPLACE INTO mylist_local (") + kColumns +
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
    auto q = conn.query(text.c_str());
    if (!q) return q.error();
    const udp::MylistEntry& e = r.entry;
    return q->bind(1, e.fid)
        .bind(2, e.lid)
        .bind(3, e.eid)
        .bind(4, e.aid)
        .bind(5, e.gid)
        .bind(6, e.date_added)
        .bind(7, e.state)
        .bind(8, e.viewdate)
        .bind(9, e.storage)
        .bind(10, e.source)
        .bind(11, e.other)
        .bind(12, e.filestate)
        .bind(13, r.confirmed_at)
        .bind(14, row_checksum(r))
        .run();
}

// Another fid may still hold a lid AniDB now gives to this one (a stale
// row): it is dropped, a lid names one entry.
Status drop_lid_elsewhere(sql::Connection& conn, int64_t lid, int64_t fid) {
    if (lid <= 0) return {};
    auto q = conn.query("DELETE FROM mylist_local WHERE lid = ?1 AND fid <> ?2");
    if (!q) return q.error();
    return q->bind(1, lid).bind(2, fid).run();
}

LocalState to_state(Row r) {
    if (r.entry.lid > 0) return KnownEntry{std::move(r.entry), r.confirmed_at};
    return KnownAbsent{r.entry.fid, r.confirmed_at};
}

}  // namespace

udp::MylistEntry apply_values(udp::MylistEntry e, const udp::MylistValues& v, int64_t at) {
    if (v.state) e.state = static_cast<int64_t>(*v.state);
    if (v.viewed) e.viewdate = *v.viewed ? v.viewdate.value_or(at) : 0;
    if (v.source) e.source = *v.source;
    if (v.storage) e.storage = *v.storage;
    if (v.other) e.other = *v.other;
    return e;
}

MylistStore::MylistStore(std::shared_ptr<cache::CacheDb> db) : db_(std::move(db)) {}
MylistStore::~MylistStore() = default;

Result<std::unique_ptr<MylistStore>> MylistStore::open(
    std::shared_ptr<cache::CacheDb> db) noexcept {
    return sql::guarded([&]() -> Result<std::unique_ptr<MylistStore>> {
        if (!db) return make_error(Errc::invalid_parameter, "no cache database given");
        if (Status s = db->with_connection(prepare_mylist_tables); !s) return s.error();
        // guarded() turns a failed allocation into Errc::out_of_memory.
        // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
        return std::unique_ptr<MylistStore>(new MylistStore(std::move(db)));
    });
}

Result<std::optional<LocalState>> MylistStore::find(int64_t fid) noexcept {
    using R = Result<std::optional<LocalState>>;
    return sql::guarded([&]() -> R {
        if (Status s = check_id(fid, "fid"); !s) return s.error();
        return db_->with_connection([&](sql::Connection& conn) -> R {
            return sql::run_transaction(conn, sql::TxKind::read, [&]() -> R {
                auto row = read_one(conn, "fid = ?1", fid);
                if (!row) return row.error();
                if (!*row) return std::optional<LocalState>();
                return std::optional<LocalState>(to_state(std::move(**row)));
            });
        });
    });
}

Result<std::optional<KnownEntry>> MylistStore::find_by_lid(int64_t lid) noexcept {
    using R = Result<std::optional<KnownEntry>>;
    return sql::guarded([&]() -> R {
        if (Status s = check_id(lid, "lid"); !s) return s.error();
        return db_->with_connection([&](sql::Connection& conn) -> R {
            return sql::run_transaction(conn, sql::TxKind::read, [&]() -> R {
                auto row = read_one(conn, "lid = ?1", lid);
                if (!row) return row.error();
                if (!*row) return std::optional<KnownEntry>();
                return std::optional<KnownEntry>(
                    KnownEntry{std::move((*row)->entry), (*row)->confirmed_at});
            });
        });
    });
}

Status MylistStore::record_entry(const udp::MylistEntry& entry, int64_t at) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status s = check_id(entry.fid, "fid"); !s) return s;
        if (Status s = check_id(entry.lid, "lid"); !s) return s;
        if (Status s = check_time(at); !s) return s;
        return db_->with_connection([&](sql::Connection& conn) {
            return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
                if (Status s = drop_lid_elsewhere(conn, entry.lid, entry.fid); !s) return s;
                return write_row(conn, Row{entry, at});
            });
        });
    });
}

Status MylistStore::record_absent(int64_t fid, int64_t at) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status s = check_id(fid, "fid"); !s) return s;
        if (Status s = check_time(at); !s) return s;
        Row r;
        r.entry.fid = fid;
        r.confirmed_at = at;
        return db_->with_connection([&](sql::Connection& conn) {
            return sql::run_transaction(conn, sql::TxKind::write,
                                        [&] { return write_row(conn, r); });
        });
    });
}

Status MylistStore::record_added(const FileIds& file, int64_t lid, const udp::MylistValues& sent,
                                 int64_t at) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status s = check_id(file.fid, "fid"); !s) return s;
        if (Status s = check_id(lid, "lid"); !s) return s;
        if (Status s = check_time(at); !s) return s;
        if (Status s = udp::check_values(sent); !s) return s;
        udp::MylistEntry e;
        e.lid = lid;
        e.fid = file.fid;
        e.eid = file.eid;
        e.aid = file.aid;
        e.gid = file.gid;
        e.date_added = at;
        e = apply_values(std::move(e), sent, at);
        return db_->with_connection([&](sql::Connection& conn) {
            return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
                if (Status s = drop_lid_elsewhere(conn, lid, file.fid); !s) return s;
                return write_row(conn, Row{e, at});
            });
        });
    });
}

Status MylistStore::record_edited(const udp::MylistEntryRef& entry, const udp::MylistValues& sent,
                                  int64_t at) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status s = check_time(at); !s) return s;
        if (Status s = udp::check_values(sent); !s) return s;
        const char* where = nullptr;
        int64_t key = 0;
        if (const auto* m = std::get_if<udp::MylistId>(&entry)) {
            where = "lid = ?1";
            key = m->lid;
        } else if (const auto* f = std::get_if<udp::FileId>(&entry)) {
            where = "fid = ?1";
            key = f->fid;
        } else {
            return Status{};  // by size+ED2K: which fid is not known here
        }
        if (Status s = check_id(key, "id"); !s) return s;
        return db_->with_connection([&](sql::Connection& conn) {
            return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
                auto row = read_one(conn, where, key);
                if (!row) return row.error();
                if (!*row || (*row)->entry.lid <= 0) return {};  // nothing known to change
                Row r{apply_values((*row)->entry, sent, at), at};
                return write_row(conn, r);
            });
        });
    });
}

Status MylistStore::record_removed_lid(int64_t lid, int64_t at) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status s = check_id(lid, "lid"); !s) return s;
        if (Status s = check_time(at); !s) return s;
        return db_->with_connection([&](sql::Connection& conn) {
            return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
                auto row = read_one(conn, "lid = ?1", lid);
                if (!row) return row.error();
                if (!*row) {
                    // Not readable or not known: nothing may keep claiming that lid.
                    auto q = conn.query("DELETE FROM mylist_local WHERE lid = ?1");
                    if (!q) return q.error();
                    return q->bind(1, lid).run();
                }
                Row gone;
                gone.entry.fid = (*row)->entry.fid;
                gone.confirmed_at = at;
                return write_row(conn, gone);
            });
        });
    });
}

Status MylistStore::forget(int64_t fid) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status s = check_id(fid, "fid"); !s) return s;
        return db_->with_connection([&](sql::Connection& conn) {
            return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
                auto q = conn.query("DELETE FROM mylist_local WHERE fid = ?1");
                if (!q) return q.error();
                return q->bind(1, fid).run();
            });
        });
    });
}

Status MylistStore::forget_all() noexcept {
    return sql::guarded([&]() -> Status {
        return db_->with_connection([&](sql::Connection& conn) {
            return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
                return conn.exec("DELETE FROM mylist_local");
            });
        });
    });
}

Result<std::vector<LocalState>> MylistStore::all() noexcept {
    using R = Result<std::vector<LocalState>>;
    return sql::guarded([&]() -> R {
        return db_->with_connection([&](sql::Connection& conn) -> R {
            return sql::run_transaction(conn, sql::TxKind::read, [&]() -> R {
                std::vector<int64_t> fids;
                {
                    auto ids = conn.query("SELECT fid FROM mylist_local ORDER BY fid");
                    if (!ids) return ids.error();
                    for (;;) {
                        auto row = ids->step();
                        if (!row) return row.error();
                        if (!*row) break;
                        fids.push_back(ids->column_int64(0));
                    }
                }
                std::vector<LocalState> out;
                for (int64_t fid : fids) {
                    auto row = read_one(conn, "fid = ?1", fid);
                    if (!row) return row.error();
                    if (*row) out.push_back(to_state(std::move(**row)));
                }
                return out;
            });
        });
    });
}

}  // namespace anidb::mylist
