#include "anidb/commands.h"

#include <algorithm>
#include <cctype>

#include "anidb/reply_checks.h"
#include "anidb/server_text.h"

namespace anidb::udp {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Result<FileInfo> decode_file_reply(const Reply& r) {
    if (r.code == 320) return make_error(Errc::no_such_file, "AniDB does not know this file");
    if (r.code != 220 || r.lines.empty()) return unexpected_reply("FILE", r);
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
    if (fids.empty()) return unexpected_reply("FILE", *r);
    std::sort(fids.begin(), fids.end());
    fids.erase(std::unique(fids.begin(), fids.end()), fids.end());
    auto first = fetch_by_id(session, fids.front(), stop);
    if (!first) return first;
    if (Status st = check_file(*first, size, ed2k); !st) return st.error();
    first->all_fids = std::move(fids);
    return first;
}

}  // namespace anidb::udp
