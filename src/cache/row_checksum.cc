#include "cache/row_checksum.h"

#include <isa-l/crc64.h>
#include <sqlite3.h>

#include <array>
#include <cstring>

namespace anidb::cache {

namespace {

enum Tag : unsigned char { kNull = 'N', kInteger = 'I', kReal = 'R', kText = 'T', kBlob = 'B' };

std::array<unsigned char, 8> little_endian(uint64_t v) noexcept {
    std::array<unsigned char, 8> out{};
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<unsigned char>(v >> (8 * i));
    return out;
}

void checksum_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
    RowChecksum sum;
    for (int i = 0; i < argc; ++i) {
        sqlite3_value* v = argv[i];
        switch (sqlite3_value_type(v)) {
            case SQLITE_INTEGER:
                sum.add_integer(sqlite3_value_int64(v));
                break;
            case SQLITE_FLOAT:
                sum.add_real(sqlite3_value_double(v));
                break;
            case SQLITE_TEXT: {
                const auto* p = sqlite3_value_text(v);
                const int n = sqlite3_value_bytes(v);
                if (p == nullptr && n > 0) {
                    sqlite3_result_error_nomem(context);
                    return;
                }
                sum.add_text(
                    std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n)));
                break;
            }
            case SQLITE_BLOB: {
                const void* p = sqlite3_value_blob(v);
                const int n = sqlite3_value_bytes(v);
                if (p == nullptr && n > 0) {
                    sqlite3_result_error_nomem(context);
                    return;
                }
                sum.add_blob(std::string_view(static_cast<const char*>(p), static_cast<size_t>(n)));
                break;
            }
            default:
                sum.add_null();
                break;
        }
    }
    sqlite3_result_int64(context, sum.value());
}

void path_key_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
    if (argc != 1 || sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        sqlite3_result_null(context);
        return;
    }
    const auto* p = sqlite3_value_text(argv[0]);
    const int n = sqlite3_value_bytes(argv[0]);
    if (p == nullptr && n > 0) {
        sqlite3_result_error_nomem(context);
        return;
    }
    sqlite3_result_int64(context, path_key(std::string_view(reinterpret_cast<const char*>(p),
                                                            static_cast<size_t>(n))));
}

}  // namespace

int64_t path_key(std::string_view path) noexcept {
    return static_cast<int64_t>(
        crc64_ecma_refl(0, reinterpret_cast<const unsigned char*>(path.data()), path.size()));
}

void RowChecksum::feed(const void* data, uint64_t size) noexcept {
    crc_ = crc64_ecma_refl(crc_, static_cast<const unsigned char*>(data), size);
}

void RowChecksum::add_integer(int64_t value) noexcept {
    const unsigned char tag = kInteger;
    feed(&tag, 1);
    const auto bytes = little_endian(static_cast<uint64_t>(value));
    feed(bytes.data(), bytes.size());
}

void RowChecksum::add_real(double value) noexcept {
    const unsigned char tag = kReal;
    feed(&tag, 1);
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    const auto bytes = little_endian(bits);
    feed(bytes.data(), bytes.size());
}

void RowChecksum::add_text(std::string_view text) noexcept {
    const unsigned char tag = kText;
    feed(&tag, 1);
    const auto length = little_endian(text.size());
    feed(length.data(), length.size());
    feed(text.data(), text.size());
}

void RowChecksum::add_blob(std::string_view bytes) noexcept {
    const unsigned char tag = kBlob;
    feed(&tag, 1);
    const auto length = little_endian(bytes.size());
    feed(length.data(), length.size());
    feed(bytes.data(), bytes.size());
}

void RowChecksum::add_null() noexcept {
    const unsigned char tag = kNull;
    feed(&tag, 1);
}

int register_row_checksum(sqlite3* db) noexcept {
    constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    const int rc = sqlite3_create_function_v2(db, "anidb_checksum", -1, kFlags, nullptr,
                                              checksum_function, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_create_function_v2(db, "anidb_path_key", 1, kFlags, nullptr, path_key_function,
                                      nullptr, nullptr, nullptr);
}

}  // namespace anidb::cache
