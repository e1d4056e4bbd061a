// The fake server's MyList: MYLIST (221 entry, 312 summary, 321), MYLISTADD
// (210, 310 + entry, 311 for edit=1, 411) and MYLISTDEL (211 + count, 411),
// per user, as docs/anidb-protocol.md ("MyList") describes them.
#include <algorithm>
#include <ctime>
#include <map>

#include "support/fake_anidb/fake_format.h"
#include "support/fake_anidb/fake_server.h"

namespace anidb::test {
namespace {

using fake::join;

constexpr const char* kEntryFields[] = {"lid",     "fid",    "eid",   "aid",
                                        "gid",     "date",   "state", "viewdate",
                                        "storage", "source", "other", "filestate"};

std::string entry_line(const FakeRecord& e) {
    std::vector<std::string> out;
    for (const char* n : kEntryFields) out.push_back(udp::escape_field(e.get(n)));
    return join(out);
}

FakeRecord entry_about_another(const FakeRecord& e) {
    return fake::another(e, {"lid", "fid", "eid", "aid", "gid"}, {});
}

// "1-3,5,S1" from episode keys ("1", "2", "3", "5", "S1").
std::string ranges(const std::vector<std::string>& keys) {
    std::map<char, std::vector<int64_t>> by_type;
    for (const auto& k : keys) {
        if (k.empty()) continue;
        const bool letter = k[0] < '0' || k[0] > '9';
        by_type[letter ? k[0] : '\0'].push_back(udp::field_int(letter ? k.substr(1) : k));
    }
    std::string out;
    for (char type : {'\0', 'S', 'C', 'T', 'P', 'O'}) {
        auto it = by_type.find(type);
        if (it == by_type.end()) continue;
        auto& n = it->second;
        std::sort(n.begin(), n.end());
        n.erase(std::unique(n.begin(), n.end()), n.end());
        const std::string prefix = type ? std::string(1, type) : std::string();
        for (size_t i = 0; i < n.size();) {
            size_t j = i;
            while (j + 1 < n.size() && n[j + 1] == n[j] + 1) ++j;
            if (!out.empty()) out += ',';
            out += prefix + std::to_string(n[i]);
            if (j > i) out += "-" + prefix + std::to_string(n[j]);
            i = j + 1;
        }
    }
    return out;
}

const FakeRecord* entry_by_lid(std::map<int64_t, FakeRecord>& list, const std::string& lid) {
    for (auto& [fid, e] : list)
        if (e.get("lid") == lid) return &e;
    return nullptr;
}

}  // namespace

std::vector<int64_t> FakeAnidbServer::anime_entries(const udp::ParsedCommand& cmd,
                                                    const std::map<int64_t, FakeRecord>& list,
                                                    Reply& err) const {
    const FakeRecord* anime = find_anime(cmd);
    if (!anime) {
        err = {{}, 330, "NO SUCH ANIME", {}};
        return {};
    }
    const FakeRecord* group = nullptr;
    if (cmd.get("gid") || cmd.get("gname")) {
        group = find_group(cmd);
        if (!group) {
            err = {{}, 350, "NO SUCH GROUP", {}};
            return {};
        }
    }
    const std::string* epno = cmd.get("epno");
    std::vector<int64_t> fids;
    for (const auto& [fid, e] : list) {
        if (e.get("aid") != anime->get("aid")) continue;
        if (group && e.get("gid") != group->get("gid")) continue;
        if (epno) {
            auto ep = catalog_.episodes.find(e.get_int("eid"));
            if (ep == catalog_.episodes.end() ||
                fake::epno_key(ep->second.get("epno")) != fake::epno_key(*epno))
                continue;
        }
        fids.push_back(fid);
    }
    return fids;
}

std::string FakeAnidbServer::mylist_summary(const FakeRecord& anime,
                                            const std::vector<const FakeRecord*>& entries) const {
    const auto epno_of = [&](const FakeRecord& e) {
        auto ep = catalog_.episodes.find(e.get_int("eid"));
        return ep == catalog_.episodes.end() ? std::string()
                                             : fake::epno_key(ep->second.get("epno"));
    };
    std::vector<std::string> by_state[4], watched;
    std::map<int64_t, std::vector<std::string>> by_group;
    for (const FakeRecord* e : entries) {
        const std::string key = epno_of(*e);
        const int64_t state = e->get_int("state");
        if (state >= 0 && state < 4) by_state[state].push_back(key);
        if (e->get_int("viewdate") > 0) watched.push_back(key);
        by_group[e->get_int("gid")].push_back(key);
    }
    std::vector<std::string> out{udp::escape_field(anime.get("romaji_name")),
                                 anime.get("episodes"),
                                 ranges(by_state[0]),
                                 ranges(by_state[1]),
                                 ranges(by_state[2]),
                                 ranges(by_state[3]),
                                 ranges(watched)};
    for (const auto& [gid, keys] : by_group) {
        auto g = catalog_.groups.find(gid);
        out.push_back(
            udp::escape_field(g == catalog_.groups.end() ? "" : g->second.get("short_name")));
        out.push_back(ranges(keys));
    }
    return join(out);
}

FakeAnidbServer::Reply FakeAnidbServer::handle_mylist(const udp::ParsedCommand& cmd,
                                                      const Session& s, bool other) {
    auto& list = mylists_[s.user];
    const FakeRecord* entry = nullptr;
    if (const std::string* lid = cmd.get("lid")) {
        entry = entry_by_lid(list, *lid);
    } else if (cmd.get("fid") || (cmd.get("size") && cmd.get("ed2k"))) {
        Reply err;
        const FakeRecord* file = find_file(cmd, err);
        if (!file) return err.code == 320 ? Reply{{}, 321, "NO SUCH ENTRY", {}} : err;
        auto it = list.find(file->get_int("fid"));
        if (it != list.end()) entry = &it->second;
    } else if (cmd.get("aid") || cmd.get("aname")) {
        Reply err;
        std::vector<int64_t> fids = anime_entries(cmd, list, err);
        if (err.code != 0) return err;
        if (fids.size() > 1) {
            std::vector<const FakeRecord*> entries;
            entries.reserve(fids.size());
            for (int64_t fid : fids) entries.push_back(&list.at(fid));
            return {
                {}, 312, "MULTIPLE MYLIST ENTRIES", {mylist_summary(*find_anime(cmd), entries)}};
        }
        if (fids.size() == 1) entry = &list.at(fids.front());
    } else {
        return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    }
    if (!entry) return {{}, 321, "NO SUCH ENTRY", {}};
    return {{}, 221, "MYLIST", {entry_line(other ? entry_about_another(*entry) : *entry)}};
}

FakeAnidbServer::Reply FakeAnidbServer::handle_mylistadd(const udp::ParsedCommand& cmd,
                                                         const Session& s, bool other) {
    auto& list = mylists_[s.user];
    const std::string* edit = cmd.get("edit");
    bool editing = edit && *edit == "1";
    FakeRecord* entry = nullptr;
    const FakeRecord* file = nullptr;
    if (const std::string* lid = cmd.get("lid")) {
        for (auto& [fid, e] : list)
            if (e.get("lid") == *lid) entry = &e;
        if (!entry) return {{}, 411, "NO SUCH MYLIST ENTRY", {}};
    } else {
        Reply err;
        file = find_file(cmd, err);
        if (!file) return err;
        auto it = list.find(file->get_int("fid"));
        if (it != list.end()) entry = &it->second;
    }
    auto apply = [&](FakeRecord& e) {
        for (auto k : {"state", "source", "storage", "other"})
            if (const std::string* v = cmd.get(k)) e.set(k, *v);
        // viewdate is ignored unless viewed=1; viewed=1 without one means now.
        if (const std::string* viewed = cmd.get("viewed")) {
            if (*viewed == "1") {
                const std::string* when = cmd.get("viewdate");
                e.set("viewdate", when ? *when : std::to_string(std::time(nullptr)));
            } else {
                e.set("viewdate", "0");
            }
        }
    };
    if (editing) {
        if (!entry) return {{}, 411, "NO SUCH MYLIST ENTRY", {}};
        apply(*entry);
        return {{}, 311, "MYLIST ENTRY EDITED", {}};
    }
    if (entry) {
        return {{},
                310,
                "FILE ALREADY IN MYLIST",
                {entry_line(other ? entry_about_another(*entry) : *entry)}};
    }
    if (!file) return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    FakeRecord e;
    e.set("lid", next_lid_++).set("fid", file->get("fid")).set("eid", file->get("eid"));
    e.set("aid", file->get("aid")).set("gid", file->get("gid")).set("filestate", "0");
    e.set("date", static_cast<int64_t>(std::time(nullptr))).set("state", "0").set("viewdate", "0");
    apply(e);
    std::string lid = e.get("lid");
    list[file->get_int("fid")] = std::move(e);
    return {{}, 210, "MYLIST ENTRY ADDED", {lid}};
}

FakeAnidbServer::Reply FakeAnidbServer::handle_mylistdel(const udp::ParsedCommand& cmd,
                                                         const Session& s) {
    auto& list = mylists_[s.user];
    std::vector<int64_t> gone;
    if (const std::string* lid = cmd.get("lid")) {
        if (const FakeRecord* e = entry_by_lid(list, *lid)) gone.push_back(e->get_int("fid"));
    } else if (cmd.get("fid") || (cmd.get("size") && cmd.get("ed2k"))) {
        Reply err;
        const FakeRecord* file = find_file(cmd, err);
        if (file && list.count(file->get_int("fid"))) gone.push_back(file->get_int("fid"));
    } else if (cmd.get("aid") || cmd.get("aname")) {
        Reply err;
        gone = anime_entries(cmd, list, err);
    } else {
        return {{}, 505, "ILLEGAL INPUT OR ACCESS DENIED", {}};
    }
    if (gone.empty()) return {{}, 411, "NO SUCH MYLIST ENTRY", {}};
    for (int64_t fid : gone) list.erase(fid);
    return {{}, 211, "MYLIST ENTRY DELETED", {std::to_string(gone.size())}};
}

}  // namespace anidb::test
