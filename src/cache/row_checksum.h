// The checksum every cache row carries, so that a row damaged on disk (bit
// rot SQLite cannot see: its pages carry no checksum) is never returned.
//
// One SQL function computes it, anidb_checksum(table, value, ...), so that
// the statements that write a row and the ones that read it back use the
// same rule: writes store anidb_checksum('<table>', <every column>), reads
// select `checksum = anidb_checksum('<table>', <every column>)` and treat a
// false (or NULL) as a damaged row. The checksum is CRC-64/ECMA (ISA-L)
// over a typed encoding of the arguments: for each, a type byte, then an
// INTEGER as 8 bytes little-endian, a TEXT or BLOB as its 8-byte length and
// bytes; NULL is the type byte alone. A value whose type changed (a damaged
// record header turning TEXT into INTEGER) thus changes the checksum too.
#pragma once

#include <cstdint>
#include <string_view>

struct sqlite3;

namespace anidb::cache {

class RowChecksum {
  public:
    RowChecksum() = default;
    void add_integer(int64_t value) noexcept;
    void add_text(std::string_view text) noexcept;
    void add_blob(std::string_view bytes) noexcept;
    void add_null() noexcept;
    void add_real(double value) noexcept;
    // As stored in SQLite's signed INTEGER column (the same 64 bits).
    int64_t value() const noexcept { return static_cast<int64_t>(crc_); }

  private:
    void feed(const void* data, uint64_t size) noexcept;
    uint64_t crc_ = 0;
};

// The key a hash entry is found by: CRC-64/ECMA of the path's bytes, as
// SQLite's signed INTEGER. Keys are compared, never trusted: the row holds
// the path, and a row whose path differs is not the file's.
int64_t path_key(std::string_view path) noexcept;

// Registers anidb_checksum (deterministic, any number of arguments) and
// anidb_path_key(text) on `db`. Returns the SQLite result code.
int register_row_checksum(sqlite3* db) noexcept;

}  // namespace anidb::cache
