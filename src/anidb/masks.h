// The FILE fmask (5 bytes), FILE amask (4 bytes) and ANIME amask (7 bytes)
// tables of docs/anidb-protocol.md ("FILE masks", "ANIME"), and the mapping between field
// names, hex masks and the fields of a data line. Each table lists its bits
// in wire order: byte 1 bit 7 first, byte 1 bit 0, byte 2 bit 7, ...
// Constant data, thread-safe.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace anidb::udp {

enum class BitKind { field, unused, reserved, retired };

struct MaskBit {
    BitKind kind;
    std::string_view name;  // stable field name for BitKind::field, else empty
};

using MaskTable = std::span<const MaskBit>;

MaskTable file_fmask_table();   // 40 bits
MaskTable file_amask_table();   // 32 bits
MaskTable anime_amask_table();  // 56 bits

// Builds the full-length upper-case hex mask (2 digits per table byte) with
// the named fields set. Errors: Errc::invalid_parameter for a name that is
// not a field of the table.
Result<std::string> mask_hex(MaskTable table, std::span<const std::string_view> names);

// The fields a hex mask selects, in data-line order. A mask shorter than
// the table is padded with zero bytes. Errors: Errc::protocol for bad hex,
// a mask longer than the table, or a set bit that is unused, reserved or
// retired (what the server answers 505 for).
Result<std::vector<std::string_view>> mask_fields(MaskTable table, std::string_view hex);

// Pairs the names with data-line fields starting at fields[offset]. Fields
// missing at the end of the line are absent from the map; extra trailing
// fields are ignored.
std::map<std::string_view, std::string> zip_fields(std::span<const std::string_view> names,
                                                   const std::vector<std::string>& fields,
                                                   size_t offset);

}  // namespace anidb::udp
