#include "anidb/record_fields.h"

#include <charconv>

#include "anidb/codec.h"
#include "anidb/server_text.h"

namespace anidb::udp {

std::optional<int64_t> parse_field_number(std::string_view field, int64_t max) {
    if (field.empty()) return 0;
    if (field.size() > 19) return std::nullopt;
    for (char c : field)
        if (c < '0' || c > '9') return std::nullopt;
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || end != field.data() + field.size() || v > max) return std::nullopt;
    return v;
}

LineReader::LineReader(std::string record, std::string_view line, size_t min_fields)
    : record_(std::move(record)), fields_(split_fields(line)) {
    if (fields_.size() < min_fields) {
        fail("has " + std::to_string(fields_.size()) + " fields, " + std::to_string(min_fields) +
             " expected (a cut reply?)");
    }
}

Status LineReader::status() const {
    if (error_.code == Errc::ok) return {};
    return error_;
}

void LineReader::fail(const std::string& why) {
    if (error_.code == Errc::ok) error_ = make_error(Errc::protocol, record_ + " " + why);
}

std::string_view LineReader::field(size_t i) const {
    return i < fields_.size() ? std::string_view(fields_[i]) : std::string_view();
}

int64_t LineReader::number(size_t i, const char* name, int64_t max) {
    auto v = parse_field_number(field(i), max);
    if (!v) {
        fail(std::string("field ") + name + " is not a number in range: \"" +
             safe_text(field(i), 40) + "\"");
        return 0;
    }
    return *v;
}

bool LineReader::flag(size_t i, const char* name) {
    const std::string_view f = field(i);
    if (f.empty() || f == "0") return false;
    if (f == "1") return true;
    fail(std::string("field ") + name + " is not 0 or 1: \"" + safe_text(f, 40) + "\"");
    return false;
}

std::string LineReader::text(size_t i) {
    return safe_text(display_field(field(i)), kMaxFieldBytes);
}

std::string LineReader::raw(size_t i) {
    return safe_text(unescape_field(field(i)), kMaxFieldBytes);
}

std::string LineReader::note(size_t i) {
    return safe_multiline_text(display_field(field(i)), kMaxFieldBytes);
}

std::vector<std::string> LineReader::list(size_t i) {
    std::vector<std::string> out = split_list(field(i));
    if (out.size() > kMaxListElements) out.resize(kMaxListElements);
    for (auto& v : out) v = safe_text(unescape_field(v), kMaxFieldBytes);
    return out;
}

}  // namespace anidb::udp
