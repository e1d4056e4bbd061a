// Folding, match classes and scores, and AniDB's 24 h rule: the pure parts
// of title search.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "titles/refresh_policy.h"
#include "titles/title_folding.h"
#include "titles/title_ranking.h"

namespace anidb::titles {
namespace {

std::string fold(std::string_view text) {
    static auto folder = TitleFolder::create();
    EXPECT_TRUE(folder.ok());
    auto r = (*folder)->fold(text);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::string("<error>");
}

TEST(TitleFolding, CaseAccentsAndPunctuation) {
    EXPECT_EQ(fold("Shingeki no Kyojin: The Final Season"), "shingeki no kyojin the final season");
    EXPECT_EQ(fold("Pokémon"), "pokemon");
    EXPECT_EQ(fold("POKÉMON"), "pokemon");
    EXPECT_EQ(fold("Kyōkai no Kanata"), "kyokai no kanata");
    EXPECT_EQ(fold("Steins;Gate"), "steins gate");
    EXPECT_EQ(fold("  Fate/stay   night!! "), "fate stay night");
    EXPECT_EQ(fold("Ärger über Öl"), "arger uber ol");
    EXPECT_EQ(fold("!!! ... ???"), "");
    // What unicode61 leaves alone.
    EXPECT_EQ(fold("Cœur Æon Straße Ørsted"), "coeur aeon strasse orsted");
    EXPECT_EQ(fold("ＡＩＲ ２ｎｄ"), "air 2nd");
    EXPECT_EQ(fold("ﬁnal"), "final");
    EXPECT_EQ(fold(""), "");
}

TEST(TitleFolding, CjkCharactersBecomeTokens) {
    EXPECT_EQ(fold("進撃の巨人"), "進 撃 の 巨 人");
    EXPECT_EQ(fold("カウボーイビバップ"), "カ ウ ボ ー イ ビ バ ッ プ");
    EXPECT_EQ(fold("ガンダムSEED"), "ガ ン ダ ム seed");
    EXPECT_EQ(fold("ガンダムＳＥＥＤ"), "ガ ン ダ ム seed");
    EXPECT_EQ(fold("とある科学の超電磁砲 S"), "と あ る 科 学 の 超 電 磁 砲 s");
    // Hangul is written with spaces between words: not split.
    EXPECT_EQ(fold("진격의 거인"), "진격의 거인");
    EXPECT_TRUE(is_cjk_code_point(U'巨'));
    EXPECT_TRUE(is_cjk_code_point(U'の'));
    EXPECT_TRUE(is_cjk_code_point(U'ア'));
    EXPECT_FALSE(is_cjk_code_point(U'a'));
    EXPECT_FALSE(is_cjk_code_point(U'진'));
}

TEST(TitleFolding, IsThreadSafe) {
    auto folder = TitleFolder::create();
    ASSERT_TRUE(folder.ok());
    std::vector<std::thread> threads;
    threads.reserve(4);
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                auto r = (*folder)->fold("Pokémon: 進撃の巨人");
                if (!r.ok() || *r != "pokemon 進 撃 の 巨 人") ++wrong;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 0);
}

MatchKind kind_of(std::string_view q, std::string_view t) {
    auto s = score_title(FoldedQuery(fold(q)), fold(t), TitleType::synonym);
    EXPECT_TRUE(s.has_value()) << q << " / " << t;
    return s ? s->kind : MatchKind::substring;
}

TEST(TitleRanking, Classes) {
    EXPECT_EQ(kind_of("cowboy bebop", "Cowboy Bebop"), MatchKind::exact);
    EXPECT_EQ(kind_of("COWBOY  bébop!", "Cowboy Bebop"), MatchKind::exact);
    EXPECT_EQ(kind_of("cowboy beb", "Cowboy Bebop: The Movie"), MatchKind::prefix);
    EXPECT_EQ(kind_of("bebop the", "Cowboy Bebop: The Movie"), MatchKind::phrase);
    EXPECT_EQ(kind_of("titan", "Attack on Titan"), MatchKind::phrase);
    EXPECT_EQ(kind_of("巨人", "進撃の巨人"), MatchKind::phrase);
    EXPECT_EQ(kind_of("movie cowboy", "Cowboy Bebop: The Movie"), MatchKind::words);
    EXPECT_EQ(kind_of("mov cow", "Cowboy Bebop: The Movie"), MatchKind::word_prefixes);
    EXPECT_EQ(kind_of("itan", "Attack on Titan"), MatchKind::substring);
    EXPECT_FALSE(
        score_title(FoldedQuery(fold("zzz")), fold("Attack on Titan"), TitleType::primary));
    EXPECT_FALSE(
        score_title(FoldedQuery(fold("titan zzz")), fold("Attack on Titan"), TitleType::primary));
    EXPECT_FALSE(score_title(FoldedQuery(""), "attack", TitleType::primary));
    // A repeated word asks nothing more.
    EXPECT_EQ(kind_of("titan titan titan attack", "Attack on Titan"), MatchKind::words);
    EXPECT_EQ(FoldedQuery("a b a c b").distinct_words(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(TitleRanking, ClassAlwaysOutranksBonusAndLength) {
    const MatchKind order[] = {MatchKind::exact, MatchKind::prefix,        MatchKind::phrase,
                               MatchKind::words, MatchKind::word_prefixes, MatchKind::substring};
    for (size_t i = 0; i + 1 < std::size(order); ++i) {
        const int worst_of_better = class_base_score(order[i]) - kMaxLengthPenalty;
        const int best_of_worse = class_base_score(order[i + 1]) + kMaxTypeBonus;
        EXPECT_GT(worst_of_better, best_of_worse) << i;
    }
    for (TitleType t :
         {TitleType::primary, TitleType::synonym, TitleType::short_, TitleType::official}) {
        EXPECT_LE(type_bonus(t), kMaxTypeBonus);
    }
    // Through score_title: a long main title's prefix match still beats a
    // short synonym's phrase match.
    const auto prefix =
        score_title(FoldedQuery(fold("a")), fold("A" + std::string(200, 'x')), TitleType::synonym);
    const auto phrase = score_title(FoldedQuery(fold("a")), fold("b a"), TitleType::primary);
    ASSERT_TRUE(prefix && phrase);
    EXPECT_GT(prefix->score, phrase->score);
}

TEST(TitleRanking, MainTitleAndCloserTitleWinWithinAClass) {
    const FoldedQuery cowboy_bebop("cowboy bebop");
    const auto main = score_title(cowboy_bebop, "cowboy bebop", TitleType::primary);
    const auto synonym = score_title(cowboy_bebop, "cowboy bebop", TitleType::synonym);
    ASSERT_TRUE(main && synonym);
    EXPECT_GT(main->score, synonym->score);
    const FoldedQuery cowboy("cowboy");
    const auto near = score_title(cowboy, "cowboy bebop", TitleType::synonym);
    const auto far = score_title(cowboy, "cowboy bebop tengoku no tobira", TitleType::synonym);
    ASSERT_TRUE(near && far);
    EXPECT_GT(near->score, far->score);
}

using Action = RefreshDecision::Action;
constexpr int64_t kNow = 1'700'000'000;
constexpr int64_t kDay = 86'400;
constexpr std::chrono::seconds kAge = kMinRequestInterval;

TEST(RefreshPolicy, FirstRequestGoes) {
    EXPECT_EQ(decide_refresh({false, 0, 0}, kNow, false, kAge).action, Action::download);
}

TEST(RefreshPolicy, AtMostOneRequestPer24Hours) {
    const RefreshState stored{true, kNow, kNow};
    EXPECT_EQ(decide_refresh(stored, kNow + 3600, false, kAge).action, Action::up_to_date);
    EXPECT_EQ(decide_refresh(stored, kNow + 3600, true, kAge).action, Action::too_soon);
    EXPECT_EQ(decide_refresh(stored, kNow + kDay - 1, true, kAge).action, Action::too_soon);
    EXPECT_EQ(decide_refresh(stored, kNow + kDay, false, kAge).action, Action::download);
    EXPECT_EQ(decide_refresh(stored, kNow + 3600, true, kAge).next_request_at, kNow + kDay);
    // A short max_age does not shorten the 24 h.
    EXPECT_EQ(decide_refresh(stored, kNow + 3600, false, std::chrono::seconds(60)).action,
              Action::too_soon);
    // A failed request counts like a successful one.
    const RefreshState failed{true, kNow, kNow - 3 * kDay};
    EXPECT_EQ(decide_refresh(failed, kNow + 3600, false, kAge).action, Action::too_soon);
}

TEST(RefreshPolicy, LongMaxAgeKeepsTitlesWithoutAsking) {
    const RefreshState stored{true, kNow, kNow};
    const std::chrono::seconds week{7 * kDay};
    EXPECT_EQ(decide_refresh(stored, kNow + 3 * kDay, false, week).action, Action::up_to_date);
    EXPECT_EQ(decide_refresh(stored, kNow + 3 * kDay, true, week).action, Action::download);
    EXPECT_EQ(decide_refresh(stored, kNow + 8 * kDay, false, week).action, Action::download);
}

TEST(RefreshPolicy, ForceOverrides24HoursOnlyWithoutUsableTitles) {
    const RefreshState none{false, kNow, 0};
    EXPECT_EQ(decide_refresh(none, kNow + 60, false, kAge).action, Action::too_soon);
    EXPECT_EQ(decide_refresh(none, kNow + 60, true, kAge).action, Action::download);
}

TEST(RefreshPolicy, ClockSetBackDoesNotBlockForever) {
    const RefreshState future{true, kNow + 365 * kDay, kNow + 365 * kDay};
    EXPECT_EQ(decide_refresh(future, kNow, false, kAge).action, Action::download);
    EXPECT_EQ(next_request_allowed_at(kNow + 365 * kDay, kNow), 0);
    EXPECT_EQ(next_request_allowed_at(0, kNow), 0);
}

}  // namespace
}  // namespace anidb::titles
