// The fake server's command handlers: build replies from the catalog
// exactly per the tables of docs/anidb-protocol.md (FILE: fid first, then fmask fields,
// then amask fields, in table order).
#include <random>

#include "anidb/masks.h"
#include "anidb/selectors.h"
#include "support/fake_anidb/fake_format.h"
#include "support/fake_anidb/fake_server.h"

namespace anidb::test {

namespace fake {

std::string out_field(std::string_view name, const std::string& value) {
    if (!is_list_field(name)) return udp::escape_field(value);
    std::string out;
    for (const auto& part : udp::split_list(value)) {
        if (!out.empty()) out += '\'';
        out += udp::escape_field(part);
    }
    return out;
}

std::string join(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "|" : "") + fields[i];
    return out;
}

FakeRecord another(const FakeRecord& record, std::initializer_list<const char*> ids,
                   std::initializer_list<const char*> texts) {
    FakeRecord out = record;
    for (const char* id : ids) out.set(id, record.get_int(id) + 1000);
    for (const char* t : texts) out.set(t, "Other " + record.get(t));
    if (!record.get("epno").empty()) {
        std::string key = epno_key(record.get("epno"));
        std::string letter = !key.empty() && (key[0] < '0' || key[0] > '9') ? key.substr(0, 1) : "";
        out.set("epno", letter + std::to_string(udp::field_int(key.substr(letter.size())) + 1));
    }
    return out;
}

std::string epno_key(std::string_view epno) {
    auto n = udp::normalize_epno(epno);
    return n ? *n : std::string();
}

std::string fold(std::string_view name) {
    return udp::comparable_name(name);
}

}  // namespace fake

namespace {

using fake::join;
using fake::out_field;

std::string random_key() {
    static std::mt19937 rng{std::random_device{}()};
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string key;
    for (int i = 0; i < 5; ++i) key += kChars[rng() % (sizeof kChars - 1)];
    return key;
}

// FILE amask names -> field of the anime / episode / group record.
struct Source {
    char record;  // 'a' anime, 'e' episode, 'g' group
    std::string_view field;
};
Source amask_source(std::string_view n) {
    if (n == "total_episodes") return {'a', "episodes"};
    if (n == "date_aid_record_updated") return {'a', "date_record_updated"};
    if (n == "epno") return {'e', "epno"};
    if (n == "ep_name") return {'e', "english"};
    if (n == "ep_romaji_name") return {'e', "romaji"};
    if (n == "ep_kanji_name") return {'e', "kanji"};
    if (n == "ep_rating") return {'e', "rating"};
    if (n == "ep_vote_count") return {'e', "votes"};
    if (n == "group_name") return {'g', "name"};
    if (n == "group_short_name") return {'g', "short_name"};
    if (n == "categories") return {'a', "categories"};
    return {'a', n};
}

}  // namespace

FakeAnidbServer::Reply FakeAnidbServer::dispatch(const udp::ParsedCommand& cmd,
                                                 const std::string& peer, bool other) {
    const std::string& n = cmd.name;
    if (n == "AUTH") return handle_auth(cmd, peer);
    if (n == "ENCRYPT") return handle_encrypt(cmd, peer);
    if (n == "PING") {
        Reply r{{}, 300, "PONG", {}};
        const std::string* nat = cmd.get("nat");
        if (nat && *nat == "1") r.lines.push_back(peer.substr(peer.rfind(':') + 1));
        return r;
    }
    if (n == "VERSION") return {{}, 998, "VERSION", {"fake-anidb 1"}};
    bool known = n == "LOGOUT" || n == "UPTIME" || n == "FILE" || n == "ANIME" || n == "EPISODE" ||
                 n == "GROUP" || n == "MYLIST" || n == "MYLISTADD" || n == "MYLISTDEL";
    if (!known) return {{}, 598, "UNKNOWN COMMAND", {}};
    const std::string* s = cmd.get("s");
    auto it = sessions_.find(peer);
    if (!s || it == sessions_.end() || it->second.key != *s) {
        if (n == "LOGOUT") return {{}, 403, "NOT LOGGED IN", {}};
        return {{}, 501, "LOGIN FIRST", {}};
    }
    const Session& session = it->second;
    if (n == "LOGOUT") {
        sessions_.erase(it);
        return {{}, 203, "LOGGED OUT", {}};
    }
    if (n == "UPTIME") {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started_)
                      .count();
        return {{}, 208, "UPTIME", {std::to_string(ms)}};
    }
    if (n == "FILE") return handle_file(cmd, session);
    if (n == "ANIME") return handle_anime(cmd, other);
    if (n == "EPISODE") return handle_episode(cmd, other);
    if (n == "GROUP") return handle_group(cmd, other);
    if (n == "MYLIST") return handle_mylist(cmd, session, other);
    if (n == "MYLISTDEL") return handle_mylistdel(cmd, session);
    return handle_mylistadd(cmd, session, other);
}

FakeAnidbServer::Reply FakeAnidbServer::handle_auth(const udp::ParsedCommand& cmd,
                                                    const std::string& peer) {
    auto get = [&](std::string_view k) {
        const std::string* v = cmd.get(k);
        return v ? *v : std::string();
    };
    if (get("protover") != "3") return {{}, 503, "CLIENT VERSION OUTDATED", {}};
    if (get("client").empty() || udp::field_int(get("clientver")) < 1)
        return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    bool ok = false;
    for (const auto& u : catalog_.users)
        ok = ok || (u.name == get("user") && u.password == get("pass"));
    if (!ok) return {{}, 500, "LOGIN FAILED", {}};
    Session s{random_key(), get("user"), get("comp") == "1"};
    sessions_[peer] = s;
    issued_keys_.push_back(s.key);
    std::string first = s.key;
    if (get("nat") == "1") first += " " + peer;
    first += options_.new_version_available ? " LOGIN ACCEPTED - NEW VERSION AVAILABLE"
                                            : " LOGIN ACCEPTED";
    return {{}, options_.new_version_available ? 201 : 200, first, {}};
}

FakeAnidbServer::Reply FakeAnidbServer::handle_encrypt(const udp::ParsedCommand& cmd,
                                                       const std::string& peer) {
    const std::string* user = cmd.get("user");
    const std::string* type = cmd.get("type");
    if (!type || *type != "1") return {{}, 509, "NO SUCH ENCRYPTION TYPE", {}};
    for (const auto& u : catalog_.users) {
        if (!user || u.name != *user) continue;
        if (u.api_key.empty()) return {{}, 309, "API PASSWORD NOT DEFINED", {}};
        std::string salt = random_key() + random_key();
        ciphers_[peer] = std::make_unique<udp::AesSession>(u.api_key, salt);
        return {{}, 209, salt + " ENCRYPTION ENABLED", {}};
    }
    return {{}, 394, "NO SUCH USER", {}};
}

const FakeRecord* FakeAnidbServer::find_file(const udp::ParsedCommand& cmd, Reply& err) const {
    std::vector<const FakeRecord*> hits;
    if (const std::string* fid = cmd.get("fid")) {
        for (const auto& f : catalog_.files)
            if (f.get("fid") == *fid) hits.push_back(&f);
    } else if (cmd.get("size") && cmd.get("ed2k")) {
        std::string ed2k = *cmd.get("ed2k");
        for (char& c : ed2k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const auto& f : catalog_.files)
            if (f.get("size") == *cmd.get("size") && f.get("ed2k") == ed2k) hits.push_back(&f);
    } else {
        err = {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
        return nullptr;
    }
    if (hits.empty()) {
        err = {{}, 320, "NO SUCH FILE", {}};
        return nullptr;
    }
    if (hits.size() > 1) {
        std::vector<std::string> fids;
        fids.reserve(hits.size());
        for (auto* h : hits) fids.push_back(h->get("fid"));
        err = {{}, 322, "MULTIPLE FILES FOUND", {join(fids)}};
        return nullptr;
    }
    return hits.front();
}

std::string FakeAnidbServer::file_line(const FakeRecord& file,
                                       const std::vector<std::string_view>& fnames,
                                       const std::vector<std::string_view>& anames,
                                       const Session& s) const {
    const FakeRecord* entry = nullptr;
    auto ml = mylists_.find(s.user);
    if (ml != mylists_.end()) {
        auto e = ml->second.find(file.get_int("fid"));
        if (e != ml->second.end()) entry = &e->second;
    }
    static const FakeRecord kEmpty;
    auto lookup = [](const std::map<int64_t, FakeRecord>& m, int64_t id) -> const FakeRecord& {
        auto it = m.find(id);
        return it == m.end() ? kEmpty : it->second;
    };
    std::vector<std::string> out{file.get("fid")};
    for (auto n : fnames) {
        std::string v;
        if (n == "lid")
            v = entry ? entry->get("lid") : "0";
        else if (n.starts_with("mylist_"))
            v = entry ? entry->get(n.substr(7)) : "";
        else
            v = file.get(n);
        out.push_back(out_field(n, v));
    }
    for (auto n : anames) {
        Source src = amask_source(n);
        const FakeRecord& rec = src.record == 'e'   ? lookup(catalog_.episodes, file.get_int("eid"))
                                : src.record == 'g' ? lookup(catalog_.groups, file.get_int("gid"))
                                                    : lookup(catalog_.anime, file.get_int("aid"));
        out.push_back(out_field(src.field, rec.get(src.field)));
    }
    return join(out);
}

FakeAnidbServer::Reply FakeAnidbServer::handle_file(const udp::ParsedCommand& cmd,
                                                    const Session& s) {
    const std::string* fm = cmd.get("fmask");
    const std::string* am = cmd.get("amask");
    auto fnames = udp::mask_fields(udp::file_fmask_table(), fm ? *fm : "");
    auto anames = udp::mask_fields(udp::file_amask_table(), am ? *am : "");
    if (!fm || !am || !fnames || !anames) return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    Reply err;
    const FakeRecord* file = find_file(cmd, err);
    if (!file) return err;
    return {{}, 220, "FILE", {file_line(*file, *fnames, *anames, s)}};
}

FakeAnidbServer::Reply FakeAnidbServer::other_file_reply(const udp::ParsedCommand& cmd,
                                                         const std::string& peer) {
    auto it = sessions_.find(peer);
    const std::string* s = cmd.get("s");
    if (!s || it == sessions_.end() || it->second.key != *s) return {{}, 501, "LOGIN FIRST", {}};
    const std::string* fm = cmd.get("fmask");
    const std::string* am = cmd.get("amask");
    auto fnames = udp::mask_fields(udp::file_fmask_table(), fm ? *fm : "");
    auto anames = udp::mask_fields(udp::file_amask_table(), am ? *am : "");
    if (!fm || !am || !fnames || !anames) return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    Reply err;
    const FakeRecord* asked = find_file(cmd, err);
    for (const auto& f : catalog_.files) {
        if (asked == nullptr || f.get("fid") != asked->get("fid"))
            return {{}, 220, "FILE", {file_line(f, *fnames, *anames, it->second)}};
    }
    // A one-file catalog: the same record with another size and hash.
    FakeRecord other = *asked;
    other.set("fid", asked->get_int("fid") + 1).set("size", asked->get_int("size") + 1);
    other.set("ed2k", std::string(32, 'e'));
    return {{}, 220, "FILE", {file_line(other, *fnames, *anames, it->second)}};
}

const FakeRecord* FakeAnidbServer::find_anime(const udp::ParsedCommand& cmd) const {
    if (const std::string* aid = cmd.get("aid")) {
        auto it = catalog_.anime.find(udp::field_int(*aid));
        return it == catalog_.anime.end() ? nullptr : &it->second;
    }
    const std::string* aname = cmd.get("aname");
    if (!aname) return nullptr;
    // An exact match on some title (case aside): romaji, kanji, English,
    // other, a short name or a synonym.
    const std::string want = fake::fold(*aname);
    for (const auto& [id, a] : catalog_.anime) {
        for (auto f : {"romaji_name", "kanji_name", "english_name", "other_name"})
            if (!a.get(f).empty() && fake::fold(a.get(f)) == want) return &a;
        for (auto f : {"short_names", "synonyms"})
            for (const auto& t : udp::split_list(a.get(f)))
                if (fake::fold(t) == want) return &a;
    }
    return nullptr;
}

const FakeRecord* FakeAnidbServer::find_group(const udp::ParsedCommand& cmd) const {
    const std::string* gid = cmd.get("gid");
    const std::string* gname = cmd.get("gname");
    for (const auto& [id, rec] : catalog_.groups) {
        if (gid && rec.get("gid") == *gid) return &rec;
        if (gname && (fake::fold(rec.get("name")) == fake::fold(*gname) ||
                      fake::fold(rec.get("short_name")) == fake::fold(*gname)))
            return &rec;
    }
    return nullptr;
}

FakeAnidbServer::Reply FakeAnidbServer::handle_anime(const udp::ParsedCommand& cmd, bool other) {
    const std::string* am = cmd.get("amask");
    auto names = udp::mask_fields(udp::anime_amask_table(), am ? *am : "");
    if (!am || !names || (!cmd.get("aid") && !cmd.get("aname")))
        return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    const FakeRecord* found = find_anime(cmd);
    if (!found) return {{}, 330, "NO SUCH ANIME", {}};
    const FakeRecord rec =
        other ? fake::another(*found, {"aid"},
                              {"romaji_name", "kanji_name", "english_name", "other_name"})
              : *found;
    std::vector<std::string> out;
    for (auto n : *names) {
        std::string v = rec.get(n);
        if (other && (n == "short_names" || n == "synonyms")) v.clear();
        out.push_back(out_field(n, v));
    }
    return {{}, 230, "ANIME", {join(out)}};
}

FakeAnidbServer::Reply FakeAnidbServer::handle_episode(const udp::ParsedCommand& cmd, bool other) {
    const FakeRecord* ep = nullptr;
    if (const std::string* eid = cmd.get("eid")) {
        auto it = catalog_.episodes.find(udp::field_int(*eid));
        if (it != catalog_.episodes.end()) ep = &it->second;
    } else if ((cmd.get("aid") || cmd.get("aname")) && cmd.get("epno")) {
        const FakeRecord* anime = find_anime(cmd);
        const std::string want = fake::epno_key(*cmd.get("epno"));
        for (const auto& [id, e] : catalog_.episodes)
            if (anime && e.get("aid") == anime->get("aid") && !want.empty() &&
                fake::epno_key(e.get("epno")) == want)
                ep = &e;
    } else {
        return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    }
    if (!ep) return {{}, 340, "NO SUCH EPISODE", {}};
    const FakeRecord rec = other ? fake::another(*ep, {"eid", "aid"}, {"english"}) : *ep;
    std::vector<std::string> out;
    for (auto n : {"eid", "aid", "length", "rating", "votes", "epno", "english", "romaji", "kanji",
                   "aired", "type"})
        out.push_back(out_field(n, rec.get(n)));
    return {{}, 240, "EPISODE", {join(out)}};
}

FakeAnidbServer::Reply FakeAnidbServer::handle_group(const udp::ParsedCommand& cmd, bool other) {
    if (!cmd.get("gid") && !cmd.get("gname"))
        return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    const FakeRecord* g = find_group(cmd);
    if (!g) return {{}, 350, "NO SUCH GROUP", {}};
    const FakeRecord rec = other ? fake::another(*g, {"gid"}, {"name", "short_name"}) : *g;
    std::vector<std::string> out;
    for (auto n : {"gid", "rating", "votes", "anime_count", "file_count", "name", "short_name",
                   "irc_channel", "irc_server", "url", "picname", "founded", "disbanded",
                   "dateflags", "last_release", "last_activity", "relations"})
        out.push_back(out_field(n, rec.get(n)));
    return {{}, 250, "GROUP", {join(out)}};
}

}  // namespace anidb::test
