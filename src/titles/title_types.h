// The values of AniDB's anime-titles dump as this component keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anidb::titles {

// AniDB's title types, numbered as in the dump (`aid|type|lang|title`).
enum class TitleType : int {
    primary = 1,   // the main title, one per anime (usually romanised Japanese, x-jat)
    synonym = 2,   // alternative titles, any number per anime and language
    short_ = 3,    // abbreviations ("SAO", "FMA")
    official = 4,  // the licensed title in one language, at most one per language
};

// The type for a dump's number 1-4, or nullopt.
std::optional<TitleType> title_type_from_int(int value) noexcept;
// "main", "synonym", "short" or "official": the words docs and the CLI use.
const char* title_type_name(TitleType type) noexcept;

// One validated line of the dump.
struct TitleRecord {
    uint64_t aid = 0;
    TitleType type = TitleType::primary;
    std::string lang;   // AniDB's language code as given ("x-jat", "en", "zh-Hans")
    std::string title;  // valid UTF-8, no control characters
};

// A language code is 1-16 ASCII letters, digits and '-', starting with a
// letter: what AniDB uses ("x-jat", "zh-Hans"). The one rule for the dump's
// field and for the search filter.
bool is_valid_language_code(std::string_view lang) noexcept;

}  // namespace anidb::titles
