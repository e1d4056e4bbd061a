#include "support/fake_anidb/catalog.h"

#include <array>
#include <fstream>
#include <sstream>

#include "anidb/codec.h"

namespace anidb::test {
namespace {

constexpr std::array<std::string_view, 13> kListFields = {
    "audio_codecs", "audio_bitrates", "dub_languages", "sub_languages",     "other_episodes",
    "short_names",  "synonyms",       "related_aids",  "related_aid_types", "tag_names",
    "tag_ids",      "tag_weights",    "relations"};

// Splits a line into words; "quoted strings" are one word.
Result<std::vector<std::string>> words(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false, quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '\\' && i + 1 < line.size()) {
                char n = line[++i];
                cur += n == 'n' ? '\n' : n;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word) out.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quoted) return make_error(Errc::invalid_parameter, "unterminated quote");
    if (in_word) out.push_back(std::move(cur));
    return out;
}

}  // namespace

bool is_list_field(std::string_view name) {
    for (auto f : kListFields)
        if (f == name) return true;
    return false;
}

std::string FakeRecord::get(std::string_view name) const {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
}

int64_t FakeRecord::get_int(std::string_view name) const {
    return udp::field_int(get(name));
}

FakeRecord& FakeRecord::set(std::string_view name, std::string_view value) {
    fields.insert_or_assign(std::string(name), std::string(value));
    return *this;
}

FakeRecord& FakeRecord::set(std::string_view name, int64_t value) {
    return set(name, std::string_view(std::to_string(value)));
}

Result<FakeCatalog> FakeCatalog::parse(std::string_view text) {
    FakeCatalog cat;
    size_t lineno = 0;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        ++lineno;
        auto bad = [&](const std::string& why) {
            return make_error(Errc::invalid_parameter,
                              "catalog line " + std::to_string(lineno) + ": " + why);
        };
        auto w = words(line);
        if (!w) return bad(w.error().message);
        if (w->empty() || (*w)[0].starts_with("#")) continue;
        FakeRecord rec;
        for (size_t i = 1; i < w->size(); ++i) {
            size_t eq = (*w)[i].find('=');
            if (eq == std::string::npos || eq == 0) return bad("expected name=value");
            rec.set((*w)[i].substr(0, eq), (*w)[i].substr(eq + 1));
        }
        const std::string& kind = (*w)[0];
        if (kind == "file") {
            if (rec.get_int("fid") <= 0) return bad("file needs fid");
            cat.files.push_back(std::move(rec));
        } else if (kind == "anime") {
            if (rec.get_int("aid") <= 0) return bad("anime needs aid");
            cat.anime[rec.get_int("aid")] = std::move(rec);
        } else if (kind == "episode") {
            if (rec.get_int("eid") <= 0) return bad("episode needs eid");
            cat.episodes[rec.get_int("eid")] = std::move(rec);
        } else if (kind == "group") {
            if (rec.get_int("gid") <= 0) return bad("group needs gid");
            cat.groups[rec.get_int("gid")] = std::move(rec);
        } else if (kind == "user") {
            if (rec.get("name").empty()) return bad("user needs name");
            cat.users.push_back({rec.get("name"), rec.get("pass"), rec.get("apikey")});
        } else {
            return bad("unknown record kind " + kind);
        }
    }
    return cat;
}

Result<FakeCatalog> FakeCatalog::load(const std::string& path) {
    std::ifstream f(path);
    if (!f) return make_error(Errc::file_not_found, "cannot open catalog " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    return parse(ss.str());
}

FakeCatalog FakeCatalog::worked_example() {
    auto cat = parse(R"(
file fid=424242 aid=3131 eid=55501 gid=777 size=734003200 ed2k=0f1e2d3c4b5a69788796a5b4c3d2e1f0 md5=0123456789abcdef0123456789abcdef sha1=0123456789abcdef0123456789abcdef01234567 crc32=9a8b7c6d state=9 quality=high source=DVD audio_codecs=AAC'AC3 video_codec=H264/AVC resolution=848x480 file_type=mkv dub_languages=japanese'english sub_languages=english length=1440
anime aid=3131 dateflags=0 year=2019 type="TV Series" romaji_name="Aozora Kikou" kanji_name="青空紀行" english_name="Blue Sky Voyage" short_names=AK'Aozora episodes=12 highest_episode=12 rating=812 vote_count=40
episode eid=55501 aid=3131 length=24 rating=850 votes=10 epno=03 english="The Captain's Map" romaji="Senchou no Chizu" kanji="船長の地図" aired=1300000000 type=1
group gid=777 rating=800 votes=5 anime_count=3 file_count=40 name="Northwind Subs" short_name=NWS
)");
    return std::move(cat).value();
}

}  // namespace anidb::test
