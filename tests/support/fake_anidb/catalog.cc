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
        } else if (kind == "mylist") {
            if (rec.get("user").empty() || rec.get_int("fid") <= 0 || rec.get_int("lid") <= 0)
                return bad("mylist needs user, fid and lid");
            cat.mylist.push_back(std::move(rec));
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

const FakeRecord* FakeCatalog::file_by_fid(int64_t fid) const {
    for (const auto& f : files)
        if (f.get_int("fid") == fid) return &f;
    return nullptr;
}

FakeCatalog FakeCatalog::mylist_example() {
    FakeCatalog cat = worked_example();
    auto more = parse(R"(
file fid=424243 aid=3131 eid=55499 gid=777 size=700000001 ed2k=11111111111111111111111111111111 crc32=00000001 state=1 quality=high source=DVD file_type=mkv length=1440
file fid=424244 aid=3131 eid=55500 gid=777 size=700000002 ed2k=22222222222222222222222222222222 crc32=00000002 state=1 quality=high source=DVD file_type=mkv length=1440
file fid=424245 aid=3131 eid=55501 gid=778 size=700000003 ed2k=33333333333333333333333333333333 crc32=00000003 state=1 quality=med source=TV file_type=avi length=1440
file fid=424246 aid=3131 eid=55510 gid=777 size=700000004 ed2k=44444444444444444444444444444444 crc32=00000004 state=1 quality=high source=DVD file_type=mkv length=300
file fid=424250 aid=4242 eid=66001 gid=778 size=800000001 ed2k=55555555555555555555555555555555 crc32=00000005 state=1 quality=high source=www file_type=mkv length=1500
episode eid=55499 aid=3131 length=24 rating=700 votes=8 epno=01 english="Departure" romaji="Shuppatsu" aired=1298800000 type=1
episode eid=55500 aid=3131 length=24 rating=710 votes=8 epno=02 english="Headwind" romaji="Mukaikaze" aired=1299400000 type=1
episode eid=55510 aid=3131 length=5 rating=0 votes=0 epno=S1 english="Deck Shorts" aired=1305000000 type=2
anime aid=4242 dateflags=16 year=2001 type=Movie romaji_name="Kaze no Uta" english_name="Song of the Wind" other_name="Le chant du vent" short_names=KnU synonyms="Wind Song'Tale of the Wind" episodes=1 highest_episode=1 end_date=1000000000 rating=650 vote_count=12
episode eid=66001 aid=4242 length=95 rating=650 votes=12 epno=01 english="Complete Movie" aired=1000000000 type=1
group gid=778 rating=600 votes=3 anime_count=2 file_count=2 name="Southwind Raws" short_name=SWR irc_channel=#swr url=http://swr.example relations=777,6
)");
    FakeCatalog extra = std::move(more).value();
    cat.files.insert(cat.files.end(), extra.files.begin(), extra.files.end());
    cat.anime.merge(extra.anime);
    cat.episodes.merge(extra.episodes);
    cat.groups.merge(extra.groups);
    return cat;
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
