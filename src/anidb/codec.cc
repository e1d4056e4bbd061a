#include "anidb/codec.h"

#include <sys/random.h>

#include <cerrno>
#include <random>

#include <array>
#include <cctype>
#include <charconv>

namespace anidb::udp {
namespace {

// Builds a new string rather than replacing in place: GCC 12 at -O3 warns
// falsely (-Wrestrict) about std::string::replace.
void replace_all(std::string& s, std::string_view from, std::string_view to) {
    std::string out;
    out.reserve(s.size());
    size_t start = 0;
    for (size_t pos; (pos = s.find(from, start)) != std::string::npos; start = pos + from.size()) {
        out.append(s, start, pos - start);
        out.append(to);
    }
    out.append(s, start, std::string::npos);
    s = std::move(out);
}

bool is_code(std::string_view token) {
    return token.size() == 3 && std::isdigit(static_cast<unsigned char>(token[0])) &&
           std::isdigit(static_cast<unsigned char>(token[1])) &&
           std::isdigit(static_cast<unsigned char>(token[2]));
}

// Pops the next space-separated token from s.
std::string_view next_token(std::string_view& s) {
    size_t sp = s.find(' ');
    std::string_view tok = s.substr(0, sp);
    s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
    return tok;
}

bool looks_like_ip_port(std::string_view t) {
    size_t colon = t.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == t.size()) return false;
    for (char c : t.substr(colon + 1))
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

constexpr std::array<std::string_view, 3> kSecretParams = {"pass", "s", "apikey"};

}  // namespace

std::string escape_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '&') {
            out += "&amp;";
        } else if (c == '\r') {
            if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
            out += "<br />";
        } else if (c == '\n') {
            out += "<br />";
        } else {
            out += c;
        }
    }
    return out;
}

std::string unescape_value(std::string_view value) {
    std::string out(value);
    replace_all(out, "<br />", "\n");
    replace_all(out, "&lt;", "<");
    replace_all(out, "&gt;", ">");
    replace_all(out, "&quot;", "\"");
    replace_all(out, "&amp;", "&");  // last: "&amp;lt;" must stay "&lt;"
    return out;
}

std::string escape_field(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\'')
            out += '`';
        else if (c == '|')
            out += '/';
        else if (c == '\n')
            out += "<br />";
        else
            out += c;
    }
    return out;
}

std::string unescape_field(std::string_view value) {
    std::string out(value);
    replace_all(out, "<br />", "\n");
    return out;
}

std::string display_field(std::string_view value) {
    std::string out = unescape_field(value);
    for (char& c : out)
        if (c == '`') c = '\'';
    return out;
}

Command& Command::add(std::string_view key, std::string_view value) {
    params_.emplace_back(std::string(key), std::string(value));
    return *this;
}

Command& Command::add(std::string_view key, int64_t value) {
    return add(key, std::string_view(std::to_string(value)));
}

std::string Command::encode(std::string_view tag) const {
    std::string out = name_;
    char sep = ' ';
    for (const auto& [k, v] : params_) {
        out += sep;
        out += k;
        out += '=';
        out += escape_value(v);
        sep = '&';
    }
    if (!tag.empty()) {
        out += sep;
        out += "tag=";
        out += tag;
    }
    return out;
}

std::string Command::encode_redacted(std::string_view tag) const {
    Command copy(name_);
    for (const auto& [k, v] : params_) {
        bool secret = false;
        for (auto s : kSecretParams) secret = secret || k == s;
        copy.add(k, secret ? std::string_view("***") : std::string_view(v));
    }
    return copy.encode(tag);
}

bool Command::needs_session() const {
    return !(name_ == "PING" || name_ == "ENCRYPT" || name_ == "ENCODING" || name_ == "AUTH" ||
             name_ == "VERSION");
}

const std::string* ParsedCommand::get(std::string_view key) const {
    for (const auto& [k, v] : params)
        if (k == key) return &v;
    return nullptr;
}

Result<ParsedCommand> parse_command(std::string_view datagram) {
    while (!datagram.empty() && (datagram.back() == '\n' || datagram.back() == '\r'))
        datagram.remove_suffix(1);
    ParsedCommand cmd;
    size_t sp = datagram.find(' ');
    cmd.name = std::string(datagram.substr(0, sp));
    if (cmd.name.empty()) return make_error(Errc::protocol, "empty command");
    for (char c : cmd.name)
        if (!std::isupper(static_cast<unsigned char>(c)))
            return make_error(Errc::protocol, "command word is not upper case");
    if (sp == std::string_view::npos) return cmd;
    std::string_view rest = datagram.substr(sp + 1);
    while (!rest.empty()) {
        size_t amp = rest.find('&');
        std::string_view part = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        // "&amp;" was split on its '&': glue "amp;..." continuations back.
        while (rest.starts_with("amp;") || rest.starts_with("lt;") || rest.starts_with("gt;") ||
               rest.starts_with("quot;")) {
            size_t next = rest.find('&');
            std::string_view piece = rest.substr(0, next);
            part = std::string_view(part.data(),
                                    static_cast<size_t>(piece.data() + piece.size() - part.data()));
            rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
        }
        size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return make_error(Errc::protocol, "parameter without name=value");
        cmd.params.emplace_back(std::string(part.substr(0, eq)),
                                unescape_value(part.substr(eq + 1)));
    }
    return cmd;
}

std::string TagSequence::next() {
    static constexpr char kAlphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char bytes[10] = {};
    size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0) {
            got += static_cast<size_t>(n);
        } else if (n < 0 && errno != EINTR) {
            // No getrandom (very old kernel): std::random_device reads the same pool.
            std::random_device rd;
            for (size_t i = got; i < sizeof bytes; ++i) bytes[i] = static_cast<unsigned char>(rd());
            got = sizeof bytes;
        }
    }
    std::string tag(1, kAlphabet[bytes[0] % 26]);  // a letter first
    for (size_t i = 1; i < sizeof bytes; ++i) tag += kAlphabet[bytes[i] % 62];
    return tag;
}

std::vector<std::string> Reply::fields(size_t i) const {
    if (i >= lines.size()) return {};
    return split_fields(lines[i]);
}

std::string Reply::detail() const {
    size_t dash = text.find(" - ");
    if (dash != std::string::npos) return text.substr(dash + 3);
    for (const auto& l : lines)
        if (l.starts_with("ERROR: ")) return l.substr(7);
    if (code == 555 && !lines.empty()) return lines.front();
    return {};
}

Result<Reply> parse_reply(std::string_view text) {
    std::vector<std::string_view> raw_lines;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        raw_lines.push_back(line);
        if (nl == std::string_view::npos) break;
        text = text.substr(nl + 1);
    }
    if (raw_lines.empty()) return make_error(Errc::protocol, "empty reply");
    Reply r;
    std::string_view first = raw_lines.front();
    std::string_view tok = next_token(first);
    if (!is_code(tok)) {
        r.tag = std::string(tok);
        tok = next_token(first);
        if (!is_code(tok)) return make_error(Errc::protocol, "reply has no 3-digit code");
    }
    std::from_chars(tok.data(), tok.data() + 3, r.code);
    if (r.code == 200 || r.code == 201) {
        if (!first.empty()) r.head.emplace_back(next_token(first));
        std::string_view probe = first;
        std::string_view maybe = next_token(probe);
        if (looks_like_ip_port(maybe)) {
            r.head.emplace_back(maybe);
            first = probe;
        }
    } else if (r.code == 209) {
        if (!first.empty()) r.head.emplace_back(next_token(first));
    }
    r.text = std::string(first);
    for (size_t i = 1; i < raw_lines.size(); ++i) r.lines.emplace_back(raw_lines[i]);
    // A final '\n' leaves no empty trailing data line behind (handled by the
    // loop); a blank line in the middle is kept as an empty record.
    return r;
}

std::vector<std::string> split_fields(std::string_view line) {
    std::vector<std::string> out;
    while (true) {
        size_t bar = line.find('|');
        out.emplace_back(line.substr(0, bar));
        if (bar == std::string_view::npos) break;
        line = line.substr(bar + 1);
    }
    return out;
}

std::vector<std::string> split_list(std::string_view field) {
    std::vector<std::string> out;
    if (field.empty()) return out;
    while (true) {
        size_t q = field.find('\'');
        out.emplace_back(field.substr(0, q));
        if (q == std::string_view::npos) break;
        field = field.substr(q + 1);
    }
    return out;
}

int64_t field_int(std::string_view field, int64_t fallback) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || p != field.data() + field.size()) return fallback;
    return v;
}

}  // namespace anidb::udp
