#include "anidb/commands.h"

#include <algorithm>
#include <cctype>

namespace anidb::udp {
namespace {

Error unexpected(const char* command, const Reply& r) {
    return make_error(Errc::protocol, std::string(command) + ": unexpected reply " +
                                          std::to_string(r.code) + " " + r.text);
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

Command file_command() {
    Command c("FILE");
    return c;
}

}  // namespace

Result<FileInfo> file_by_id(Session& session, int64_t fid) {
    Command c = file_command();
    c.add("fid", fid).add("fmask", file_request_fmask()).add("amask", file_request_amask());
    auto r = session.call(c);
    if (!r) return r.error();
    return decode_file_reply(*r);
}

Result<FileInfo> file_by_hash(Session& session, uint64_t size, std::string_view ed2k) {
    if (size == 0 || ed2k.size() != 32)
        return make_error(Errc::invalid_parameter, "FILE needs a size and a 32-digit ED2K hash");
    Command c = file_command();
    c.add("size", std::string_view(std::to_string(size))).add("ed2k", lower(ed2k));
    c.add("fmask", file_request_fmask()).add("amask", file_request_amask());
    auto r = session.call(c);
    if (!r) return r.error();
    if (r->code != 322) return decode_file_reply(*r);
    std::vector<int64_t> fids;
    for (const auto& f : r->fields(0))
        if (field_int(f) > 0) fids.push_back(field_int(f));
    if (fids.empty()) return unexpected("FILE", *r);
    std::sort(fids.begin(), fids.end());
    auto first = file_by_id(session, fids.front());
    if (!first) return first;
    first->all_fids = std::move(fids);
    return first;
}

Result<AnimeInfo> anime(Session& session, int64_t aid) {
    Command c("ANIME");
    c.add("aid", aid).add("amask", anime_request_amask());
    auto r = session.call(c);
    if (!r) return r.error();
    if (r->code == 330)
        return make_error(Errc::no_such_file, "AniDB has no anime " + std::to_string(aid));
    if (r->code != 230 || r->lines.empty()) return unexpected("ANIME", *r);
    return decode_anime_line(r->lines[0], anime_request_amask());
}

Result<EpisodeInfo> episode(Session& session, int64_t eid) {
    Command c("EPISODE");
    c.add("eid", eid);
    auto r = session.call(c);
    if (!r) return r.error();
    if (r->code == 340)
        return make_error(Errc::no_such_file, "AniDB has no episode " + std::to_string(eid));
    if (r->code != 240 || r->lines.empty()) return unexpected("EPISODE", *r);
    return decode_episode_line(r->lines[0]);
}

Result<GroupInfo> group(Session& session, int64_t gid) {
    Command c("GROUP");
    c.add("gid", gid);
    auto r = session.call(c);
    if (!r) return r.error();
    if (r->code == 350)
        return make_error(Errc::no_such_file, "AniDB has no group " + std::to_string(gid));
    if (r->code != 250 || r->lines.empty()) return unexpected("GROUP", *r);
    return decode_group_line(r->lines[0]);
}

Result<MylistAddResult> mylist_add(Session& session, const MylistAddRequest& req) {
    Command c("MYLISTADD");
    if (req.fid > 0) {
        c.add("fid", req.fid);
    } else if (req.size > 0 && req.ed2k.size() == 32) {
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
    auto r = session.call(c);
    if (!r) return r.error();
    MylistAddResult out;
    switch (r->code) {
        case 210:
            out.outcome = MylistOutcome::added;
            out.lid = r->lines.empty() ? 0 : field_int(r->fields(0).front());
            return out;
        case 310: {
            out.outcome = MylistOutcome::already_present;
            if (!r->lines.empty()) {
                out.entry = decode_mylist_entry(r->lines[0]);
                out.lid = out.entry->lid;
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
        case 322:
            return make_error(Errc::invalid_parameter,
                              "MYLISTADD: the selector matches several files");
        default:
            return unexpected("MYLISTADD", *r);
    }
}

}  // namespace anidb::udp
