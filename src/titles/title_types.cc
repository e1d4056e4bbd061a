#include "titles/title_types.h"

namespace anidb::titles {

std::optional<TitleType> title_type_from_int(int value) noexcept {
    switch (value) {
        case 1:
            return TitleType::primary;
        case 2:
            return TitleType::synonym;
        case 3:
            return TitleType::short_;
        case 4:
            return TitleType::official;
        default:
            return std::nullopt;
    }
}

const char* title_type_name(TitleType type) noexcept {
    switch (type) {
        case TitleType::primary:
            return "main";
        case TitleType::synonym:
            return "synonym";
        case TitleType::short_:
            return "short";
        case TitleType::official:
            return "official";
    }
    return "unknown";
}

bool is_valid_language_code(std::string_view lang) noexcept {
    if (lang.empty() || lang.size() > 16) return false;
    const auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (!is_letter(lang.front())) return false;
    for (char c : lang) {
        if (!is_letter(c) && !(c >= '0' && c <= '9') && c != '-') return false;
    }
    return true;
}

}  // namespace anidb::titles
