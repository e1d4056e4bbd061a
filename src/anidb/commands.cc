#include "anidb/commands.h"

#include <algorithm>
#include <cctype>

#include "anidb/server_text.h"

namespace anidb::udp {
namespace {

Error unexpected(const char* command, const Reply& r) {
    return make_error(Errc::protocol, std::string(command) + ": unexpected reply " +
                                          std::to_string(r.code) + " " + safe_text(r.text));
}

// A reply that does not answer what was asked: never used, never cached.
Error not_ours(const char* command, const std::string& what) {
    return make_error(Errc::protocol, std::string(command) +
                                          ": AniDB's reply is not about what was asked (" + what +
                                          "); ignored");
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Result<FileInfo> decode_file_reply(const Reply& r) {
    if (r.code == 320) return make_error(Errc::no_such_file, "AniDB does not know this file");
    if (r.code != 220 || r.lines.empty()) return unexpected("FILE", r);
    return decode_file_line(r.lines[0], file_request_fmask(), file_request_amask());
}

// The FILE answer must describe the file asked for: its size and ED2K (our
// fmask selects both), and its fid when asked by fid.
Status check_file(const FileInfo& f, uint64_t size, const std::string& ed2k) {
    if (f.size != size || f.ed2k != ed2k) {
        return not_ours("FILE", "asked size " + std::to_string(size) + " ed2k " + ed2k +
                                    ", got size " + std::to_string(f.size) + " ed2k " +
                                    (f.ed2k.empty() ? std::string("(none)") : f.ed2k));
    }
    return {};
}

Result<FileInfo> fetch_by_id(Session& session, int64_t fid, std::stop_token stop) {
    Command c("FILE");
    c.add("fid", fid).add("fmask", file_request_fmask()).add("amask", file_request_amask());
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    auto f = decode_file_reply(*r);
    if (f && f->fid != fid) {
        return not_ours("FILE",
                        "asked fid " + std::to_string(fid) + ", got fid " + std::to_string(f->fid));
    }
    return f;
}

}  // namespace

Result<FileInfo> file_by_id(Session& session, int64_t fid, std::stop_token stop) {
    if (fid <= 0) return make_error(Errc::invalid_parameter, "FILE needs a positive fid");
    return fetch_by_id(session, fid, std::move(stop));
}

Result<FileInfo> file_by_hash(Session& session, uint64_t size, std::string_view ed2k_in,
                              const std::stop_token& stop) {
    if (size == 0 || !is_hex(ed2k_in, 32))
        return make_error(Errc::invalid_parameter, "FILE needs a size and a 32-digit ED2K hash");
    const std::string ed2k = lower(ed2k_in);
    Command c("FILE");
    c.add("size", std::string_view(std::to_string(size))).add("ed2k", ed2k);
    c.add("fmask", file_request_fmask()).add("amask", file_request_amask());
    auto r = session.call(c, stop);
    if (!r) return r.error();
    if (r->code != 322) {
        auto f = decode_file_reply(*r);
        if (!f) return f;
        if (Status st = check_file(*f, size, ed2k); !st) return st.error();
        return f;
    }
    std::vector<int64_t> fids;
    for (const auto& f : r->fields(0))
        if (field_int(f) > 0) fids.push_back(field_int(f));
    if (fids.empty()) return unexpected("FILE", *r);
    std::sort(fids.begin(), fids.end());
    fids.erase(std::unique(fids.begin(), fids.end()), fids.end());
    auto first = fetch_by_id(session, fids.front(), stop);
    if (!first) return first;
    if (Status st = check_file(*first, size, ed2k); !st) return st.error();
    first->all_fids = std::move(fids);
    return first;
}

Result<AnimeInfo> anime(Session& session, int64_t aid, std::stop_token stop) {
    Command c("ANIME");
    c.add("aid", aid).add("amask", anime_request_amask());
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    if (r->code == 330)
        return make_error(Errc::no_such_file, "AniDB has no anime " + std::to_string(aid));
    if (r->code != 230 || r->lines.empty()) return unexpected("ANIME", *r);
    auto a = decode_anime_line(r->lines[0], anime_request_amask());
    if (a && a->aid != aid)
        return not_ours("ANIME",
                        "asked aid " + std::to_string(aid) + ", got aid " + std::to_string(a->aid));
    return a;
}

Result<EpisodeInfo> episode(Session& session, int64_t eid, std::stop_token stop) {
    Command c("EPISODE");
    c.add("eid", eid);
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    if (r->code == 340)
        return make_error(Errc::no_such_file, "AniDB has no episode " + std::to_string(eid));
    if (r->code != 240 || r->lines.empty()) return unexpected("EPISODE", *r);
    EpisodeInfo e = decode_episode_line(r->lines[0]);
    if (e.eid != eid)
        return not_ours("EPISODE",
                        "asked eid " + std::to_string(eid) + ", got eid " + std::to_string(e.eid));
    return e;
}

Result<GroupInfo> group(Session& session, int64_t gid, std::stop_token stop) {
    Command c("GROUP");
    c.add("gid", gid);
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    if (r->code == 350)
        return make_error(Errc::no_such_file, "AniDB has no group " + std::to_string(gid));
    if (r->code != 250 || r->lines.empty()) return unexpected("GROUP", *r);
    GroupInfo g = decode_group_line(r->lines[0]);
    if (g.gid != gid)
        return not_ours("GROUP",
                        "asked gid " + std::to_string(gid) + ", got gid " + std::to_string(g.gid));
    return g;
}

Result<MylistAddResult> mylist_add(Session& session, const MylistAddRequest& req,
                                   std::stop_token stop) {
    Command c("MYLISTADD");
    if (req.fid > 0) {
        c.add("fid", req.fid);
    } else if (req.size > 0 && is_hex(req.ed2k, 32)) {
        c.add("size", std::string_view(std::to_string(req.size))).add("ed2k", lower(req.ed2k));
    } else if (req.lid > 0 && req.edit) {
        c.add("lid", req.lid);
    } else {
        return make_error(Errc::invalid_parameter,
                          "MYLISTADD needs a fid, a size and ED2K, or a lid with edit");
    }
    if (req.state) c.add("state", int64_t{*req.state});
    if (req.viewed) c.add("viewed", int64_t{*req.viewed ? 1 : 0});
    if (req.viewdate) c.add("viewdate", *req.viewdate);
    if (req.source) c.add("source", *req.source);
    if (req.storage) c.add("storage", *req.storage);
    if (req.other) c.add("other", *req.other);
    if (req.edit) c.add("edit", int64_t{1});
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    MylistAddResult out;
    switch (r->code) {
        case 210:
            out.outcome = MylistOutcome::added;
            out.lid = r->lines.empty() ? 0 : std::max<int64_t>(0, field_int(r->fields(0).front()));
            return out;
        case 310: {
            out.outcome = MylistOutcome::already_present;
            if (!r->lines.empty()) {
                MylistEntry e = decode_mylist_entry(r->lines[0]);
                if ((req.fid > 0 && e.fid != req.fid) ||
                    (req.fid <= 0 && req.lid > 0 && e.lid != req.lid)) {
                    return not_ours("MYLISTADD", "the entry is of another file (fid " +
                                                     std::to_string(e.fid) + ")");
                }
                out.entry = e;
                out.lid = e.lid;
            }
            return out;
        }
        case 311:
            out.outcome = MylistOutcome::edited;
            out.lid = req.lid;
            return out;
        case 411:
            return make_error(Errc::no_such_file, "MYLISTADD: no such MyList entry to edit");
        case 320:
            return make_error(Errc::no_such_file, "MYLISTADD: AniDB does not know this file");
        case 322:  // only a size+ED2K selector can match several files
            return make_error(Errc::protocol, "MYLISTADD: the selector matches several files");
        default:
            return unexpected("MYLISTADD", *r);
    }
}

}  // namespace anidb::udp
