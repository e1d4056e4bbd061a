#include "anidb/metadata_commands.h"

#include <algorithm>

#include "anidb/reply_checks.h"
#include "anidb/server_text.h"

namespace anidb::udp {
namespace {

bool same_name(const std::string& asked, const std::string& title) {
    return !title.empty() && comparable_name(asked) == comparable_name(title);
}

Status check_anime(const AnimeInfo& a, const AnimeRef& asked) {
    if (const auto* id = std::get_if<AnimeId>(&asked))
        return expect_id("ANIME", "aid", id->aid, a.aid);
    const std::string& name = std::get<AnimeName>(asked).name;
    if (a.aid <= 0) return not_ours("ANIME", "the reply has no aid");
    bool found = same_name(name, a.romaji_title) || same_name(name, a.kanji_title) ||
                 same_name(name, a.english_title) || same_name(name, a.other_title);
    for (const auto& t : a.short_names) found = found || same_name(name, t);
    for (const auto& t : a.synonyms) found = found || same_name(name, t);
    if (found) return {};
    return not_ours("ANIME", "none of the titles of anime " + std::to_string(a.aid) + " is \"" +
                                 safe_text(name, 80) + "\"");
}

Status check_episode(const EpisodeInfo& e, const EpisodeRef& asked) {
    if (const auto* id = std::get_if<EpisodeId>(&asked))
        return expect_id("EPISODE", "eid", id->eid, e.eid);
    const auto& ae = std::get<AnimeEpisode>(asked);
    if (const auto* aid = std::get_if<AnimeId>(&ae.anime)) {
        if (Status s = expect_id("EPISODE", "aid", aid->aid, e.aid); !s) return s;
    }
    if (normalize_epno(e.epno) != normalize_epno(ae.epno))
        return not_ours("EPISODE",
                        "asked episode " + *normalize_epno(ae.epno) + ", got episode " + e.epno);
    return {};
}

Status check_group(const GroupInfo& g, const GroupRef& asked) {
    if (const auto* id = std::get_if<GroupId>(&asked))
        return expect_id("GROUP", "gid", id->gid, g.gid);
    const std::string& name = std::get<GroupName>(asked).name;
    if (same_name(name, g.name) || same_name(name, g.short_name)) return {};
    return not_ours("GROUP", "group " + std::to_string(g.gid) + " is not named \"" +
                                 safe_text(name, 80) + "\"");
}

}  // namespace

Result<AnimeInfo> anime(Session& session, const AnimeRef& asked, std::stop_token stop) {
    Command c("ANIME");
    if (Status s = add_selector(c, asked); !s) return s.error();
    c.add("amask", anime_request_amask());
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    if (r->code == 330) return make_error(Errc::no_such_file, "AniDB has no " + describe(asked));
    if (r->code != 230 || r->lines.empty()) return unexpected_reply("ANIME", *r);
    auto a = decode_anime_line(r->lines[0], anime_request_amask());
    if (!a) return a;
    if (Status s = check_anime(*a, asked); !s) return s.error();
    return a;
}

Result<EpisodeInfo> episode(Session& session, const EpisodeRef& asked, std::stop_token stop) {
    Command c("EPISODE");
    if (Status s = add_selector(c, asked); !s) return s.error();
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    if (r->code == 340) return make_error(Errc::no_such_file, "AniDB has no " + describe(asked));
    if (r->code != 240 || r->lines.empty()) return unexpected_reply("EPISODE", *r);
    auto e = decode_episode_line(r->lines[0]);
    if (!e) return e;
    if (Status s = check_episode(*e, asked); !s) return s.error();
    return e;
}

Result<GroupInfo> group(Session& session, const GroupRef& asked, std::stop_token stop) {
    Command c("GROUP");
    if (Status s = add_selector(c, asked); !s) return s.error();
    auto r = session.call(c, std::move(stop));
    if (!r) return r.error();
    if (r->code == 350) return make_error(Errc::no_such_file, "AniDB has no " + describe(asked));
    if (r->code != 250 || r->lines.empty()) return unexpected_reply("GROUP", *r);
    auto g = decode_group_line(r->lines[0]);
    if (!g) return g;
    if (Status s = check_group(*g, asked); !s) return s.error();
    return g;
}

Result<AnimeInfo> anime(Session& session, int64_t aid, std::stop_token stop) {
    return anime(session, AnimeRef{AnimeId{aid}}, std::move(stop));
}
Result<EpisodeInfo> episode(Session& session, int64_t eid, std::stop_token stop) {
    return episode(session, EpisodeRef{EpisodeId{eid}}, std::move(stop));
}
Result<GroupInfo> group(Session& session, int64_t gid, std::stop_token stop) {
    return group(session, GroupRef{GroupId{gid}}, std::move(stop));
}

}  // namespace anidb::udp
