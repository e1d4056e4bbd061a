// libFuzzer: the titles dump as a hostile server could send it. The bytes are
// parsed as a decompressed dump (split anywhere, the result must not change),
// every accepted title must satisfy the line rules, fold, and match itself
// exactly; the same bytes are gunzipped with a small output limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/utf8.h"
#include "titles/dump_parser.h"
#include "titles/gzip_stream.h"
#include "titles/title_folding.h"
#include "titles/title_ranking.h"

namespace {

using namespace anidb::titles;

anidb::Result<ParsedDump> parse(std::string_view text, size_t split) {
    DumpParser parser(100'000);
    if (auto s = parser.feed(text.substr(0, split)); !s) return s.error();
    if (auto s = parser.feed(text.substr(split)); !s) return s.error();
    return parser.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const size_t split = size == 0 ? 0 : data[0] % (size + 1);
    auto whole = parse(text, size);
    auto pieces = parse(text, split);
    if (whole.ok() != pieces.ok()) __builtin_trap();
    if (whole.ok()) {
        if (whole->titles.size() != pieces->titles.size()) __builtin_trap();
        static auto folder = TitleFolder::create();
        for (size_t i = 0; i < whole->titles.size(); ++i) {
            const TitleRecord& r = whole->titles[i];
            if (r.title != pieces->titles[i].title || r.aid != pieces->titles[i].aid) {
                __builtin_trap();
            }
            if (r.aid == 0 || !is_valid_title_text(r.title) || !is_valid_language_code(r.lang)) {
                __builtin_trap();
            }
            auto folded = (*folder)->fold(r.title);
            if (!folded || !anidb::is_valid_utf8(*folded)) __builtin_trap();
            if (!folded->empty()) {
                auto score = score_title(FoldedQuery(*folded), *folded, r.type);
                if (!score || score->kind != MatchKind::exact) __builtin_trap();
            }
        }
    }
    uint64_t produced = 0;
    (void)gunzip({data, size}, 4096, [&](std::string_view piece) -> anidb::Status {
        produced += piece.size();
        return {};
    });
    if (produced > 4096) __builtin_trap();
    return 0;
}
