#include "cache/side_tables.h"

#include <string>

#include "cache/transaction.h"

namespace anidb::cache::sql {
namespace {

Result<int64_t> stored_version(Connection& conn, const SideTables& tables) {
    const std::string sql =
        std::string("SELECT value FROM ") + tables.meta_table + " WHERE key = 'schema_version'";
    auto q = conn.query(sql.c_str());
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_int64(0) : 0;
}

Result<bool> main_table_exists(Connection& conn, const SideTables& tables) {
    if (tables.main_table == nullptr) return true;
    const std::string sql =
        std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
        tables.main_table + "'";
    auto n = conn.scalar(sql.c_str());
    if (!n) return n.error();
    return *n != 0;
}

Result<bool> ready(Connection& conn, const SideTables& tables) {
    const std::string sql =
        std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
        tables.meta_table + "'";
    auto meta = conn.scalar(sql.c_str());
    if (!meta) return meta.error();
    if (*meta == 0) return false;
    auto version = stored_version(conn, tables);
    if (!version) return version.error();
    if (*version != tables.version) return false;
    return main_table_exists(conn, tables);
}

}  // namespace

Status prepare_side_tables(Connection& conn, const SideTables& tables) {
    auto in_place = run_transaction(conn, TxKind::read, [&] { return ready(conn, tables); });
    if (!in_place) return in_place.error();
    if (*in_place) return {};
    return run_transaction(conn, TxKind::write, [&]() -> Status {
        const std::string create_meta = std::string("CREATE TABLE IF NOT EXISTS ") +
                                        tables.meta_table +
                                        " (key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID";
        if (Status s = conn.exec(create_meta.c_str()); !s) return s;
        auto version = stored_version(conn, tables);
        if (!version) return version.error();
        if (*version > tables.version) {
            return make_error(Errc::cache, std::string(tables.what) + " in " + conn.file() +
                                               " was written by a newer libanidb (schema " +
                                               std::to_string(*version) + ")");
        }
        auto complete = main_table_exists(conn, tables);
        if (!complete) return complete.error();
        if (*version == tables.version && *complete) return {};  // another process was first
        if (tables.drop_older != nullptr) {
            if (Status s = conn.exec(tables.drop_older); !s) return s;
        }
        if (Status s = conn.exec(tables.create_tables); !s) return s;
        const std::string set = std::string("INSERT OR REPLACE INTO ") + tables.meta_table +
                                " (key, value) VALUES ('schema_version', " +
                                std::to_string(tables.version) + ")";
        return conn.exec(set.c_str());
    });
}

}  // namespace anidb::cache::sql
