// A synthetic anime-titles dump in AniDB's format, the size of the real one
// or larger, for the title search benchmark: romanised Japanese main titles
// (with macrons), English, German, French, Spanish and Italian official
// titles and synonyms, Japanese (kana and kanji), Chinese and Korean titles,
// short titles, and the punctuation real titles carry (": ", "!", "/", ";",
// "'"). Deterministic for a seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace anidb::bench {

struct SyntheticDump {
    std::string text;  // the decompressed dump, header comments included
    size_t titles = 0;
    size_t anime = 0;
};

// At least `titles` title lines (the last anime is completed).
SyntheticDump make_synthetic_dump(size_t titles, uint64_t seed = 1);

// The dump gzipped, as AniDB serves it.
std::string gzip_text(const std::string& text);

}  // namespace anidb::bench
