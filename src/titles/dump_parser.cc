#include "titles/dump_parser.h"

#include "common/utf8.h"

namespace anidb::titles {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

Result<uint64_t> parse_aid(std::string_view field) {
    if (field.empty() || field.size() > 10) return make_error(Errc::protocol, "bad aid");
    if (field.front() == '0') return make_error(Errc::protocol, "bad aid");
    uint64_t value = 0;
    for (char c : field) {
        if (c < '0' || c > '9') return make_error(Errc::protocol, "bad aid");
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (value > UINT32_MAX) return make_error(Errc::protocol, "aid out of range");
    return value;
}

// True when `title` holds a C0 control, DEL or a C1 control (U+0080-U+009F,
// encoded C2 80 - C2 9F). `title` is valid UTF-8.
bool has_control_characters(std::string_view title) noexcept {
    for (size_t i = 0; i < title.size(); ++i) {
        const auto b = static_cast<unsigned char>(title[i]);
        if (b < 0x20 || b == 0x7F) return true;
        if (b == 0xC2 && i + 1 < title.size()) {
            const auto next = static_cast<unsigned char>(title[i + 1]);
            if (next >= 0x80 && next <= 0x9F) return true;
        }
    }
    return false;
}

}  // namespace

bool is_valid_title_text(std::string_view title) noexcept {
    return !title.empty() && title.size() <= kMaxTitleBytes && is_valid_utf8(title) &&
           !has_control_characters(title);
}

Result<TitleRecord> parse_title_line(std::string_view line) {
    const size_t p1 = line.find('|');
    const size_t p2 = p1 == std::string_view::npos ? p1 : line.find('|', p1 + 1);
    const size_t p3 = p2 == std::string_view::npos ? p2 : line.find('|', p2 + 1);
    if (p3 == std::string_view::npos) return make_error(Errc::protocol, "fewer than 4 fields");
    auto aid = parse_aid(line.substr(0, p1));
    if (!aid) return aid.error();
    const std::string_view type_field = line.substr(p1 + 1, p2 - p1 - 1);
    if (type_field.size() != 1) return make_error(Errc::protocol, "bad title type");
    const auto type = title_type_from_int(type_field[0] - '0');
    if (!type) return make_error(Errc::protocol, "bad title type");
    const std::string_view lang = line.substr(p2 + 1, p3 - p2 - 1);
    if (!is_valid_language_code(lang)) return make_error(Errc::protocol, "bad language code");
    const std::string_view title = line.substr(p3 + 1);
    if (title.empty()) return make_error(Errc::protocol, "empty title");
    if (title.size() > kMaxTitleBytes) return make_error(Errc::protocol, "title too long");
    if (!is_valid_title_text(title)) {
        return make_error(Errc::protocol, "title is not valid UTF-8 or holds a control character");
    }
    return TitleRecord{*aid, *type, std::string(lang), std::string(title)};
}

Status DumpParser::feed(std::string_view bytes) {
    if (at_start_ && !bytes.empty()) {
        // The mark may arrive split; hold bytes until three are known.
        line_.append(bytes);
        if (line_.size() < kByteOrderMark.size() &&
            kByteOrderMark.substr(0, line_.size()) == line_) {
            return {};
        }
        at_start_ = false;
        std::string pending = std::move(line_);
        line_.clear();
        std::string_view rest = pending;
        if (rest.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
            rest.remove_prefix(kByteOrderMark.size());
        }
        return feed(rest);
    }
    while (!bytes.empty()) {
        const size_t nl = bytes.find('\n');
        const std::string_view piece = bytes.substr(0, nl);
        if (!line_too_long_) {
            if (line_.size() + piece.size() > kMaxLineBytes) {
                line_too_long_ = true;
                bytes_held_ -= line_.size();
                line_.clear();
                line_.shrink_to_fit();
            } else {
                line_.append(piece);
                bytes_held_ += piece.size();
            }
        }
        if (nl == std::string_view::npos) break;
        if (Status s = end_line(); !s) return s;
        bytes.remove_prefix(nl + 1);
    }
    return {};
}

void DumpParser::reject(const char* reason) {
    if (dump_.rejected++ == 0) {
        dump_.first_rejected = "line " + std::to_string(dump_.lines) + ": " + reason;
    }
}

Status DumpParser::end_line() {
    ++dump_.lines;
    std::string_view line = line_;
    if (line_too_long_) {
        reject("line too long");
    } else {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty() && line.front() != '#') {
            auto record = parse_title_line(line);
            if (record) {
                if (dump_.titles.size() >= max_titles_) {
                    return make_error(Errc::protocol, "titles dump has more than " +
                                                          std::to_string(max_titles_) + " titles");
                }
                bytes_held_ += sizeof(TitleRecord) + record->title.size() + record->lang.size();
                dump_.titles.push_back(std::move(*record));
            } else {
                reject(record.error().message.c_str());
            }
        }
    }
    bytes_held_ -= line_.size();
    line_.clear();
    line_too_long_ = false;
    return {};
}

Result<ParsedDump> DumpParser::finish() {
    if (at_start_) {
        at_start_ = false;  // fewer than three bytes in all: no mark to strip
    }
    if (!line_.empty() || line_too_long_) {
        if (Status s = end_line(); !s) return s.error();
    }
    if (dump_.rejected > kMaxRejectedLines || dump_.rejected * 100 > dump_.lines) {
        return make_error(Errc::protocol,
                          "titles dump is damaged: " + std::to_string(dump_.rejected) + " of " +
                              std::to_string(dump_.lines) +
                              " lines rejected (first: " + dump_.first_rejected + ")");
    }
    if (dump_.titles.empty()) return make_error(Errc::protocol, "titles dump holds no title");
    return std::move(dump_);
}

}  // namespace anidb::titles
