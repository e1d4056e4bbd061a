#include "anidb/mylist_commands.h"

#include "anidb/record_fields.h"
#include "anidb/reply_checks.h"
#include "anidb/server_text.h"
#include "common/utf8.h"

namespace anidb::udp {
namespace {

Error bad(std::string what) {
    return make_error(Errc::invalid_parameter, std::move(what));
}

// C0 controls, DEL and C1 controls; line breaks only where allowed.
bool has_control(std::string_view s, bool allow_line_breaks) {
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c == '\n' || c == '\r') && allow_line_breaks) continue;
        if (c < 0x20 || c == 0x7F) return true;
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0)
            return true;
    }
    return false;
}

Status check_text(const std::string& value, const char* name, size_t max, bool multiline) {
    if (value.size() > max)
        return bad(std::string("MyList ") + name + " is longer than " + std::to_string(max) +
                   " bytes");
    if (!is_valid_utf8(value))
        return make_error(Errc::invalid_utf8, std::string("MyList ") + name + " is not UTF-8");
    if (has_control(value, multiline))
        return bad(
            std::string("MyList ") + name +
            (multiline ? " holds control characters" : " holds control characters or line breaks"));
    return {};
}

void add_values(Command& c, const MylistValues& v) {
    if (v.state) c.add("state", int64_t{static_cast<int>(*v.state)});
    if (v.viewed) c.add("viewed", int64_t{*v.viewed ? 1 : 0});
    if (v.viewdate) c.add("viewdate", *v.viewdate);
    if (v.source) c.add("source", *v.source);
    if (v.storage) c.add("storage", *v.storage);
    if (v.other) c.add("other", *v.other);
}

// The entry line must be about what was asked.
Status check_entry(const MylistEntry& e, const MylistQuery& q) {
    struct Check {
        const MylistEntry& e;
        Status operator()(const MylistId& m) const {
            return expect_id("MYLIST", "lid", m.lid, e.lid);
        }
        Status operator()(const FileId& f) const {
            return expect_id("MYLIST", "fid", f.fid, e.fid);
        }
        Status operator()(const FileHash& f) const {
            return f.expected_fid ? expect_id("MYLIST", "fid", *f.expected_fid, e.fid) : Status{};
        }
        Status operator()(const AnimeEntries& a) const {
            if (const auto* id = std::get_if<AnimeId>(&a.anime)) {
                if (Status s = expect_id("MYLIST", "aid", id->aid, e.aid); !s) return s;
            }
            if (a.only) {
                if (const auto* gid = std::get_if<GroupId>(&a.only->group))
                    return expect_id("MYLIST", "gid", gid->gid, e.gid);
            }
            return {};
        }
    };
    return std::visit(Check{e}, q);
}

Result<MylistEntry> entry_line(const char* command, const Reply& r) {
    if (r.lines.empty()) return unexpected_reply(command, r);
    return decode_mylist_entry(r.lines[0]);
}

// The count line of 211 (and of a multi-entry 311): a number >= 1, exactly 1
// for a selector that names one entry.
Result<int64_t> count_line(const char* command, const Reply& r, bool single, bool required) {
    if (r.lines.empty()) {
        if (required)
            return make_error(Errc::protocol, std::string(command) + ": reply has no count");
        return int64_t{1};
    }
    auto n = parse_field_number(r.lines[0], kMaxInt4);
    if (!n || *n == 0 || r.lines[0].empty())
        return make_error(Errc::protocol, std::string(command) +
                                              ": reply count is not a positive number: \"" +
                                              safe_text(r.lines[0], 40) + "\"");
    if (single && *n != 1)
        return not_ours(command, "asked for one entry, AniDB counts " + std::to_string(*n));
    return *n;
}

bool names_one_entry(const MylistEntryRef& e) {
    return !std::holds_alternative<FileHash>(e);
}

}  // namespace

Status check_values(const MylistValues& v) {
    if (v.state && (static_cast<int>(*v.state) < 0 || static_cast<int>(*v.state) > kMaxMylistState))
        return bad("MyList state must be 0 to " + std::to_string(kMaxMylistState));
    if (v.viewdate) {
        if (!v.viewed.value_or(false)) return bad("a MyList viewdate needs viewed = true");
        if (*v.viewdate <= 0 || *v.viewdate > kMaxInt4)
            return bad("MyList viewdate must be a Unix time from 1 to 2^31-1");
    }
    if (v.source) {
        if (Status s = check_text(*v.source, "source", kMaxMylistText, false); !s) return s;
    }
    if (v.storage) {
        if (Status s = check_text(*v.storage, "storage", kMaxMylistText, false); !s) return s;
    }
    if (v.other) {
        if (Status s = check_text(*v.other, "note (other)", kMaxMylistNote, true); !s) return s;
    }
    return {};
}

Result<MylistAnswer> mylist_query(Session& session, const MylistQuery& query,
                                  std::stop_token stop) {
    Command c("MYLIST");
    if (Status s = add_selector(c, query); !s) return s.error();
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    switch (r->code) {
        case 221: {
            auto e = entry_line("MYLIST", *r);
            if (!e) return e.error();
            if (Status s = check_entry(*e, query); !s) return s.error();
            return MylistAnswer{std::move(*e)};
        }
        case 312: {
            if (!std::holds_alternative<AnimeEntries>(query))
                return not_ours("MYLIST", "a per-anime summary answers " + describe(query));
            if (r->lines.empty()) return unexpected_reply("MYLIST", *r);
            auto m = decode_mylist_summary(r->lines[0]);
            if (!m) return m.error();
            return MylistAnswer{std::move(*m)};
        }
        case 321:
            return MylistAnswer{NotInMylist{}};
        case 320:
        case 330:
        case 350:
            return make_error(Errc::no_such_file, "MYLIST: AniDB does not know " + describe(query) +
                                                      " (" + std::to_string(r->code) + ")");
        default:
            return unexpected_reply("MYLIST", *r);
    }
}

Result<MylistAddAnswer> mylist_add(Session& session, const FileRef& file,
                                   const MylistValues& values, std::stop_token stop) {
    if (Status s = check_values(values); !s) return s.error();
    Command c("MYLISTADD");
    if (Status s = add_selector(c, file); !s) return s.error();
    add_values(c, values);
    if (Status s = check_fits(c); !s) return s.error();
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    switch (r->code) {
        case 210: {
            if (r->lines.empty()) return unexpected_reply("MYLISTADD", *r);
            auto lid = parse_field_number(r->lines[0], kMaxInt4);
            if (!lid || *lid == 0)
                return make_error(Errc::protocol,
                                  "MYLISTADD: the new entry's lid is not a number: \"" +
                                      safe_text(r->lines[0], 40) + "\"");
            return MylistAddAnswer{MylistAdded{*lid}};
        }
        case 310: {
            auto e = entry_line("MYLISTADD", *r);
            if (!e) return e.error();
            const MylistQuery asked =
                std::visit([](const auto& f) { return MylistQuery{f}; }, file);
            if (Status s = check_entry(*e, asked); !s) return s.error();
            return MylistAddAnswer{AlreadyInMylist{std::move(*e)}};
        }
        case 320:
            return make_error(Errc::no_such_file, "MYLISTADD: AniDB does not know this file");
        case 322:
            return make_error(Errc::protocol, "MYLISTADD: the size and ED2K match several files");
        default:
            return unexpected_reply("MYLISTADD", *r);
    }
}

Result<MylistEdited> mylist_edit(Session& session, const MylistEntryRef& entry,
                                 const MylistValues& values, std::stop_token stop) {
    if (values.empty()) return bad("a MyList edit needs at least one value to set");
    if (Status s = check_values(values); !s) return s.error();
    Command c("MYLISTADD");
    if (Status s = add_selector(c, entry); !s) return s.error();
    add_values(c, values);
    c.add("edit", int64_t{1});
    if (Status s = check_fits(c); !s) return s.error();
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    switch (r->code) {
        case 311: {
            auto n = count_line("MYLISTADD", *r, names_one_entry(entry), false);
            if (!n) return n.error();
            return MylistEdited{*n};
        }
        case 411:
            return make_error(Errc::no_such_file,
                              "MYLISTADD: no MyList entry for " + describe(entry));
        case 320:
            return make_error(Errc::no_such_file, "MYLISTADD: AniDB does not know this file");
        case 322:
            return make_error(Errc::protocol, "MYLISTADD: the size and ED2K match several files");
        default:
            return unexpected_reply("MYLISTADD", *r);
    }
}

Result<MylistRemoved> mylist_remove(Session& session, const MylistRemoveRef& entry,
                                    std::stop_token stop) {
    Command c("MYLISTDEL");
    if (Status s = add_selector(c, entry); !s) return s.error();
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    switch (r->code) {
        case 211: {
            const bool single =
                std::holds_alternative<MylistId>(entry) || std::holds_alternative<FileId>(entry);
            auto n = count_line("MYLISTDEL", *r, single, true);
            if (!n) return n.error();
            return MylistRemoved{*n};
        }
        case 411:  // no such entry: already gone, which is what was asked
        case 320:  // AniDB does not know the file, so it is in nobody's MyList
            return MylistRemoved{0};
        default:
            return unexpected_reply("MYLISTDEL", *r);
    }
}

}  // namespace anidb::udp
