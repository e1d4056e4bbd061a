// `anidb anime show AID|NAME`, `anidb anime search TEXT [--lang L]`,
// `anidb anime titles [--update] [--force]`, `anidb episode show ...`,
// `anidb group show GID|NAME`: anime metadata through the cache (kept as
// AniDB asks: docs/mylist-and-metadata.md) and offline title search over
// AniDB's daily titles dump (downloaded at most once a day).
#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "exit_codes.h"
#include "metadata_output.h"
#include "text_escape.h"
#include "time_text.h"

namespace anidb::cli {

namespace {

struct AnimeFlags {
    std::vector<std::string> words;  // show: AID|NAME; episode: EID | AID|NAME EPNO; search: TEXT
    std::string lang;
    size_t limit = 20;
    bool offline = false;  // search: never download the titles
    bool update = false;   // titles: download when AniDB's 24 h rule allows
    bool force = false;
};

bool all_digits(const std::string& s) {
    return !s.empty() && s.size() <= 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

Result<std::shared_ptr<client::Client>> make_client(AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return settings.error();
    return create_client(*settings, ctx);
}

// Titles for a search: downloaded when none are stored or they are older
// than a day (AniDB's rule allows one request a day); a failed download is
// a warning when older titles are there to search.
Status refresh_titles(client::Client& client, AppContext& ctx, bool force) {
    auto r = client.titles_update(force, ctx.cancellation->token());
    if (!r) {
        auto status = client.titles_status();
        if (status && status->stored.titles > 0) {
            ctx.console->message("anidb: warning: titles not updated, searching the stored ones: " +
                                 printable(r.error().message));
            return {};
        }
        return r.error();
    }
    if (r->outcome == titles::RefreshResult::Outcome::updated && !ctx.global.quiet) {
        ctx.console->message(fmt::format("anidb: downloaded {} titles of {} anime",
                                         r->stored.titles, r->stored.anime));
    }
    return {};
}

// An anime named on the command line: an aid, or a title. A title is looked
// up in the stored titles first (any title, any language); only when none
// matches exactly is AniDB asked by name (ANIME aname=).
udp::AnimeRef anime_ref(client::Client& client, const std::string& text) {
    if (all_digits(text)) return udp::AnimeId{std::stoll(text)};
    auto found = client.titles_search(text, {}, 1);
    if (found && !found->matches.empty() && found->matches[0].kind == titles::MatchKind::exact) {
        return udp::AnimeId{static_cast<int64_t>(found->matches[0].aid)};
    }
    return udp::AnimeName{text};
}

template <typename Show>
int show_record(AppContext& ctx, Show show) {
    auto client = make_client(ctx);
    if (!client) return report_error(client.error());
    StatusArea& status = begin_status(ctx);
    int code = kExitOk;
    {
        AnidbActivityFeed feed(**client, status);
        code = show(**client);
    }
    ctx.console->end_status();
    finish_session(**client, ctx);
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    return code;
}

int run_anime_show(const AnimeFlags& f, AppContext& ctx) {
    const std::string text = joined(f.words);
    return show_record(ctx, [&](client::Client& c) -> int {
        auto r = c.anime_show(anime_ref(c, text), ctx.cancellation->token());
        if (!r) return report_error(r.error());
        print_anime(ctx.console->out(), *r);
        ctx.console->out() << std::flush;
        return kExitOk;
    });
}

int run_episode_show(const AnimeFlags& f, AppContext& ctx) {
    if (f.words.size() == 1 && !all_digits(f.words[0])) {
        return report_error(make_error(Errc::invalid_parameter,
                                       "give an episode id, or an anime (id or name) and an "
                                       "episode number (3, S1, ...)"));
    }
    return show_record(ctx, [&](client::Client& c) -> int {
        udp::EpisodeRef ref;
        if (f.words.size() == 1) {
            ref = udp::EpisodeId{std::stoll(f.words[0])};
        } else {
            const std::vector<std::string> name(f.words.begin(), f.words.end() - 1);
            ref = udp::AnimeEpisode{anime_ref(c, joined(name)), f.words.back()};
        }
        auto r = c.episode_show(ref, ctx.cancellation->token());
        if (!r) return report_error(r.error());
        print_episode(ctx.console->out(), *r);
        ctx.console->out() << std::flush;
        return kExitOk;
    });
}

int run_group_show(const AnimeFlags& f, AppContext& ctx) {
    const std::string text = joined(f.words);
    return show_record(ctx, [&](client::Client& c) -> int {
        udp::GroupRef ref = all_digits(text) ? udp::GroupRef{udp::GroupId{std::stoll(text)}}
                                             : udp::GroupRef{udp::GroupName{text}};
        auto r = c.group_show(ref, ctx.cancellation->token());
        if (!r) return report_error(r.error());
        print_group(ctx.console->out(), *r);
        ctx.console->out() << std::flush;
        return kExitOk;
    });
}

// One line per anime: AID <tab> MAIN TITLE <tab> MATCHING TITLE <tab> TYPE
// <tab> LANGUAGE, best first (tabs and control characters in titles are
// escaped, so the columns hold).
int run_anime_search(const AnimeFlags& f, AppContext& ctx) {
    auto client = make_client(ctx);
    if (!client) return report_error(client.error());
    if (!f.offline) {
        if (auto ok = refresh_titles(**client, ctx, false); !ok) return report_error(ok.error());
    }
    auto found = (*client)->titles_search(joined(f.words), f.lang, f.limit);
    if (!found) return report_error(found.error());
    if (found->matches.empty()) {
        auto status = (*client)->titles_status();
        if (status && status->stored.titles == 0) {
            ctx.console->message("anidb: no titles stored yet: run `anidb anime titles --update`");
        }
        return kExitSomeFailed;
    }
    for (const titles::TitleMatch& m : found->matches) {
        ctx.console->out() << m.aid << '\t' << printable(m.main_title) << '\t' << printable(m.title)
                           << '\t' << titles::title_type_name(m.type) << '\t' << printable(m.lang)
                           << '\n';
    }
    ctx.console->out() << std::flush;
    if (found->corrupt_rows > 0) {
        ctx.console->message(
            fmt::format("anidb: warning: {} stored titles are damaged and were left out "
                        "(`anidb anime titles --update --force` downloads them again when allowed)",
                        found->corrupt_rows));
    }
    return kExitOk;
}

int run_titles(const AnimeFlags& f, AppContext& ctx) {
    auto client = make_client(ctx);
    if (!client) return report_error(client.error());
    if (f.update || f.force) {
        auto r = (*client)->titles_update(f.force, ctx.cancellation->token());
        if (!r) return report_error(r.error());
        const char* what = "kept";
        switch (r->outcome) {
            case titles::RefreshResult::Outcome::updated:
                what = "downloaded";
                break;
            case titles::RefreshResult::Outcome::not_modified:
                what = "unchanged on the server";
                break;
            case titles::RefreshResult::Outcome::up_to_date:
                what = "up to date (less than a day old)";
                break;
            case titles::RefreshResult::Outcome::too_soon:
                what = "not asked: AniDB allows one request a day";
                break;
        }
        ctx.console->out() << "titles: " << what << '\n';
    }
    auto s = (*client)->titles_status();
    if (!s) return report_error(s.error());
    ctx.console->out() << "stored: " << s->stored.titles << " titles of " << s->stored.anime
                       << " anime\n"
                       << "downloaded: " << local_time_text(s->imported_at) << '\n'
                       << "confirmed: " << local_time_text(s->confirmed_at) << '\n'
                       << "next request allowed: "
                       << (s->next_request_at > 0 ? local_time_text(s->next_request_at)
                                                  : std::string("now"))
                       << '\n'
                       << "from: " << printable(s->source_url.empty() ? "-" : s->source_url) << '\n'
                       << std::flush;
    return kExitOk;
}

}  // namespace

void add_anime_commands(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<AnimeFlags>();
    CLI::App* anime = app.add_subcommand("anime", "Anime information and offline title search");
    anime->require_subcommand(1);
    anime->footer(std::string(kExitCodeHelp));

    CLI::App* show = anime->add_subcommand("show", "Show an anime by id or title");
    show->add_option("anime", flags->words, "AniDB anime id, or a title (any language)")
        ->required()
        ->type_name("AID|NAME");
    show->footer(
        "Prints aid, titles, type, year, episodes, dates, rating and where the answer\n"
        "came from. Answers are kept in the cache as AniDB asks (7 days while an anime\n"
        "airs, 30 once it ended); a title is looked up in the stored titles first.\n");
    show->callback([flags, &ctx] { ctx.exit_code = run_anime_show(*flags, ctx); });

    CLI::App* search = anime->add_subcommand("search", "Search anime titles offline");
    search->add_option("text", flags->words, "Words of any title (case and accents ignored)")
        ->required()
        ->type_name("TEXT");
    search->add_option("--lang", flags->lang, "Only titles in this language (en, x-jat, ja, ...)")
        ->type_name("LANG");
    search->add_option("--limit", flags->limit, "Most anime listed (default 20)")
        ->check(count_from_one(1000));
    search->add_flag("--offline", flags->offline, "Never download the titles dump");
    search->footer(
        "Prints one line per anime, best first: AID, main title, matching title, title\n"
        "type (main, synonym, short, official) and language, separated by tabs. The\n"
        "titles come from AniDB's daily dump (config titles_url), downloaded when\n"
        "none are stored or they are more than a day old: at most once a day.\n");
    search->callback([flags, &ctx] { ctx.exit_code = run_anime_search(*flags, ctx); });

    CLI::App* titles_cmd = anime->add_subcommand("titles", "Show or update the stored titles");
    titles_cmd->add_flag("--update", flags->update,
                         "Download the dump unless the stored one is less than a day old");
    titles_cmd->add_flag("--force", flags->force,
                         "Download even a younger dump (still at most once a day while "
                         "usable titles are stored)");
    titles_cmd->callback([flags, &ctx] { ctx.exit_code = run_titles(*flags, ctx); });

    CLI::App* episode = app.add_subcommand("episode", "Episode information");
    episode->require_subcommand(1);
    CLI::App* eshow = episode->add_subcommand("show", "Show an episode");
    eshow->add_option("episode", flags->words, "EID, or AID|NAME and an episode number")
        ->required()
        ->type_name("EID | AID|NAME EPNO");
    eshow->footer(
        "anidb episode show 55500 | anidb episode show 3131 2 | anidb episode show\n"
        "\"Cowboy Bebop\" S1. Kept 7 days until a week after it aired, 30 days later.\n\n" +
        std::string(kExitCodeHelp));
    eshow->callback([flags, &ctx] { ctx.exit_code = run_episode_show(*flags, ctx); });

    CLI::App* group = app.add_subcommand("group", "Release group information");
    group->require_subcommand(1);
    CLI::App* gshow = group->add_subcommand("show", "Show a group by id, name or short name");
    gshow->add_option("group", flags->words, "AniDB group id, name or short name")
        ->required()
        ->type_name("GID|NAME");
    gshow->footer("Kept 30 days.\n\n" + std::string(kExitCodeHelp));
    gshow->callback([flags, &ctx] { ctx.exit_code = run_group_show(*flags, ctx); });
}

}  // namespace anidb::cli
