// From gzip bytes to rows ready to store: gunzip (bounded), parse and
// validate, fold, put in rank order, drop exact duplicates, count and sum.
// Pure computation: nothing here touches the database.
#pragma once

#include <cstdint>
#include <span>
#include <stop_token>
#include <vector>

#include "common/result.h"
#include "titles/memory_meter.h"
#include "titles/title_folding.h"
#include "titles/title_store.h"

namespace anidb::titles {

// Bounds on what a dump may make us hold (the real one: about 10 MB of text
// and fewer than 200,000 titles).
struct DumpLimits {
    uint64_t max_dump_bytes = 256ull << 20;  // decompressed
    uint64_t max_titles = 2'000'000;
};

struct PreparedDump {
    std::vector<IndexedTitle> titles;  // in rank order (see title_schema.h)
    DumpMeta meta;       // title_count, anime_count, checksum, dump_bytes, rejected_lines
    MemoryMeter charge;  // the memory above, charged to the library budget
};

// Errc::protocol for a dump that is not gzip, is truncated or damaged, or
// crosses a limit; Errc::out_of_memory when the library memory limit would be
// crossed; Errc::cancelled.
Result<PreparedDump> prepare_dump(std::span<const uint8_t> gzip_bytes, const TitleFolder& folder,
                                  const DumpLimits& limits, const std::stop_token& stop);

// The rank order of rows: shorter folded titles first (in code points), then
// main, official, short, synonym; ties by aid, language and title.
int type_rank(TitleType type) noexcept;

}  // namespace anidb::titles
