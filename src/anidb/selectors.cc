#include "anidb/selectors.h"

#include <cctype>

#include "anidb/server_text.h"
#include "common/utf8.h"

namespace anidb::udp {
namespace {

// AniDB ids are int4: positive and below 2^31.
constexpr int64_t kMaxId = 0x7FFFFFFF;

Error bad(std::string what) {
    return make_error(Errc::invalid_parameter, std::move(what));
}

Status check_id(int64_t id, const char* what) {
    if (id <= 0 || id > kMaxId)
        return bad(std::string(what) + " must be a positive AniDB id, not " + std::to_string(id));
    return {};
}

// A name AniDB can match: UTF-8 text without control characters, so it can
// neither break the request line nor smuggle a parameter ('&' is escaped by
// the codec).
Status check_name(std::string_view name, const char* what) {
    if (name.empty() || name.size() > kMaxNameBytes)
        return bad(std::string(what) + " must be 1 to " + std::to_string(kMaxNameBytes) + " bytes");
    if (!is_valid_utf8(name))
        return make_error(Errc::invalid_utf8, std::string(what) + " is not UTF-8");
    if (safe_text(name, kMaxNameBytes * 4) != name)
        return bad(std::string(what) + " holds control characters");
    return {};
}

Status check_epno(int64_t epno) {
    if (epno <= 0 || epno > kMaxId)
        return bad("episode number must be positive, not " + std::to_string(epno));
    return {};
}

std::string lower_hex(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Status add_file_hash(Command& c, const FileHash& f) {
    if (f.size == 0 || f.size > static_cast<uint64_t>(INT64_MAX))
        return bad("file size must be positive");
    if (!is_hex(f.ed2k, 32)) return bad("ED2K hash must be 32 hexadecimal digits");
    if (f.expected_fid) {
        if (Status s = check_id(*f.expected_fid, "expected fid"); !s) return s;
    }
    c.add("size", std::string_view(std::to_string(f.size))).add("ed2k", lower_hex(f.ed2k));
    return {};
}

struct Adder {
    Command& c;
    Status operator()(const MylistId& m) const {
        if (Status s = check_id(m.lid, "lid"); !s) return s;
        c.add("lid", m.lid);
        return {};
    }
    Status operator()(const FileId& f) const {
        if (Status s = check_id(f.fid, "fid"); !s) return s;
        c.add("fid", f.fid);
        return {};
    }
    Status operator()(const FileHash& f) const { return add_file_hash(c, f); }
    Status operator()(const AnimeId& a) const {
        if (Status s = check_id(a.aid, "aid"); !s) return s;
        c.add("aid", a.aid);
        return {};
    }
    Status operator()(const AnimeName& a) const {
        if (Status s = check_name(a.name, "anime name"); !s) return s;
        c.add("aname", a.name);
        return {};
    }
    Status operator()(const GroupId& g) const {
        if (Status s = check_id(g.gid, "gid"); !s) return s;
        c.add("gid", g.gid);
        return {};
    }
    Status operator()(const GroupName& g) const {
        if (Status s = check_name(g.name, "group name"); !s) return s;
        c.add("gname", g.name);
        return {};
    }
    Status operator()(const EpisodeId& e) const {
        if (Status s = check_id(e.eid, "eid"); !s) return s;
        c.add("eid", e.eid);
        return {};
    }
    Status operator()(const AnimeEpisode& e) const {
        auto epno = normalize_epno(e.epno);
        if (!epno) return bad("episode number must be digits with an optional S/C/T/P/O prefix");
        if (Status s = std::visit(*this, e.anime); !s) return s;
        c.add("epno", *epno);
        return {};
    }
    Status operator()(const AnimeEntries& a) const {
        if (a.only) {
            if (Status s = check_epno(a.only->epno); !s) return s;
        }
        if (Status s = std::visit(*this, a.anime); !s) return s;
        if (a.only) {
            if (Status s = std::visit(*this, a.only->group); !s) return s;
            c.add("epno", a.only->epno);
        }
        return {};
    }
    Status operator()(const AnimeGroupEpisode& a) const {
        if (Status s = check_epno(a.epno); !s) return s;
        if (Status s = check_id(a.anime.aid, "aid"); !s) return s;
        if (Status s = check_id(a.group.gid, "gid"); !s) return s;
        c.add("aid", a.anime.aid).add("gid", a.group.gid).add("epno", a.epno);
        return {};
    }
};

// Adds to a copy and commits only on success: a failed check appends nothing.
template <typename Selector>
Status add_checked(Command& c, const Selector& sel) {
    Command draft = c;
    if (Status s = std::visit(Adder{draft}, sel); !s) return s;
    c = std::move(draft);
    return {};
}

// Built by appending: GCC 12 warns falsely (-Wrestrict) on "\"" + string.
std::string quoted(std::string_view name) {
    std::string out(1, '"');
    out += safe_text(name, 80);
    out += '"';
    return out;
}

struct Describer {
    std::string operator()(const MylistId& m) const {
        return "MyList entry " + std::to_string(m.lid);
    }
    std::string operator()(const FileId& f) const { return "file " + std::to_string(f.fid); }
    std::string operator()(const FileHash& f) const {
        return "file of size " + std::to_string(f.size) + " and ED2K " + safe_text(f.ed2k, 40);
    }
    std::string operator()(const AnimeId& a) const { return "anime " + std::to_string(a.aid); }
    std::string operator()(const AnimeName& a) const { return "anime " + quoted(a.name); }
    std::string operator()(const GroupId& g) const { return "group " + std::to_string(g.gid); }
    std::string operator()(const GroupName& g) const { return "group " + quoted(g.name); }
    std::string operator()(const EpisodeId& e) const { return "episode " + std::to_string(e.eid); }
    std::string operator()(const AnimeEpisode& e) const {
        return "episode " + safe_text(e.epno, 20) + " of " + std::visit(*this, e.anime);
    }
    std::string operator()(const AnimeEntries& a) const {
        std::string out = "the MyList entries of " + std::visit(*this, a.anime);
        if (a.only)
            out += " by " + std::visit(*this, a.only->group) + ", episode " +
                   std::to_string(a.only->epno);
        return out;
    }
    std::string operator()(const AnimeGroupEpisode& a) const {
        return "the MyList entries of anime " + std::to_string(a.anime.aid) + " by group " +
               std::to_string(a.group.gid) + ", episode " + std::to_string(a.epno);
    }
};

}  // namespace

Status add_selector(Command& c, const AnimeRef& anime) {
    return add_checked(c, anime);
}
Status add_selector(Command& c, const GroupRef& group) {
    return add_checked(c, group);
}
Status add_selector(Command& c, const EpisodeRef& episode) {
    return add_checked(c, episode);
}
Status add_selector(Command& c, const FileRef& file) {
    return add_checked(c, file);
}
Status add_selector(Command& c, const MylistEntryRef& entry) {
    return add_checked(c, entry);
}
Status add_selector(Command& c, const MylistQuery& query) {
    return add_checked(c, query);
}
Status add_selector(Command& c, const MylistRemoveRef& entry) {
    return add_checked(c, entry);
}

std::string describe(const MylistEntryRef& entry) {
    return std::visit(Describer{}, entry);
}
std::string describe(const MylistQuery& query) {
    return std::visit(Describer{}, query);
}
std::string describe(const MylistRemoveRef& entry) {
    return std::visit(Describer{}, entry);
}
std::string describe(const AnimeRef& anime) {
    return std::visit(Describer{}, anime);
}
std::string describe(const GroupRef& group) {
    return std::visit(Describer{}, group);
}
std::string describe(const EpisodeRef& episode) {
    return std::visit(Describer{}, episode);
}

std::optional<std::string> normalize_epno(std::string_view epno) {
    if (epno.empty() || epno.size() > 12) return std::nullopt;
    std::string out;
    const char first = static_cast<char>(std::toupper(static_cast<unsigned char>(epno.front())));
    if (first == 'S' || first == 'C' || first == 'T' || first == 'P' || first == 'O') {
        out += first;
        epno.remove_prefix(1);
    }
    if (epno.empty()) return std::nullopt;
    for (char c : epno)
        if (c < '0' || c > '9') return std::nullopt;
    while (epno.size() > 1 && epno.front() == '0') epno.remove_prefix(1);
    if (epno == "0") return std::nullopt;
    out += epno;
    return out;
}

std::string comparable_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '`') c = '\'';
        if (c == '|') c = '/';
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace anidb::udp
