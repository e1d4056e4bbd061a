#include "titles/dump_import.h"

#include <zlib.h>

#include <algorithm>
#include <numeric>
#include <tuple>

#include "titles/dump_parser.h"
#include "titles/gzip_stream.h"

namespace anidb::titles {

namespace {

Error out_of_memory() {
    return make_error(Errc::out_of_memory, "the titles dump would cross the library memory limit");
}

}  // namespace

int type_rank(TitleType type) noexcept {
    switch (type) {
        case TitleType::primary:
            return 0;
        case TitleType::official:
            return 1;
        case TitleType::short_:
            return 2;
        case TitleType::synonym:
            return 3;
    }
    return 4;
}

Result<PreparedDump> prepare_dump(std::span<const uint8_t> gzip_bytes, const TitleFolder& folder,
                                  const DumpLimits& limits, const std::stop_token& stop) {
    PreparedDump out;
    DumpParser parser(limits.max_titles);
    Status inflated = gunzip(
        gzip_bytes, limits.max_dump_bytes,
        [&](std::string_view piece) -> Status {
            if (Status s = parser.feed(piece); !s) return s;
            if (!out.charge.cover(parser.bytes_held())) return out_of_memory();
            return {};
        },
        stop);
    if (!inflated) return inflated.error();
    auto parsed = parser.finish();
    if (!parsed) return parsed.error();

    // Fold every title; remember the rank key beside it.
    struct Keyed {
        size_t length;
        int rank;
        IndexedTitle t;
    };
    std::vector<Keyed> keyed;
    keyed.reserve(parsed->titles.size());
    uint64_t held = parser.bytes_held();
    for (TitleRecord& r : parsed->titles) {
        if ((keyed.size() & 0xFFF) == 0 && stop.stop_requested()) {
            return make_error(Errc::cancelled, "cancelled");
        }
        auto folded = folder.fold(r.title);
        if (!folded) return folded.error();
        held += sizeof(Keyed) + folded->size();
        if (!out.charge.cover(held)) return out_of_memory();
        const size_t length = count_code_points(*folded);
        const int rank = type_rank(r.type);
        keyed.push_back(Keyed{length, rank, IndexedTitle{std::move(r), std::move(*folded)}});
    }
    parsed->titles.clear();
    parsed->titles.shrink_to_fit();

    const auto key = [](const Keyed& k) {
        return std::tie(k.length, k.rank, k.t.record.aid, k.t.record.lang, k.t.record.title);
    };
    std::sort(keyed.begin(), keyed.end(),
              [&](const Keyed& a, const Keyed& b) { return key(a) < key(b); });
    keyed.erase(std::unique(keyed.begin(), keyed.end(),
                            [&](const Keyed& a, const Keyed& b) { return key(a) == key(b); }),
                keyed.end());

    out.titles.reserve(keyed.size());
    std::vector<uint64_t> aids;
    aids.reserve(keyed.size());
    uint32_t crc = crc32(0, nullptr, 0);
    for (Keyed& k : keyed) {
        crc = extend_titles_checksum(crc, k.t.record);
        aids.push_back(k.t.record.aid);
        out.titles.push_back(std::move(k.t));
    }
    std::sort(aids.begin(), aids.end());
    out.meta.title_count = out.titles.size();
    out.meta.anime_count =
        static_cast<uint64_t>(std::unique(aids.begin(), aids.end()) - aids.begin());
    out.meta.checksum = crc;
    out.meta.dump_bytes = gzip_bytes.size();
    out.meta.rejected_lines = parsed->rejected;
    return out;
}

}  // namespace anidb::titles
