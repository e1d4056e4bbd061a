#include "synthetic_dump.h"

#include <zlib.h>

#include <array>
#include <random>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace anidb::bench {

namespace {

constexpr std::array<std::string_view, 72> kSyllables = {
    "ka",  "ki",  "ku",   "ke",   "ko",  "sa",   "shi", "su",  "se",   "so",  "ta",  "chi",
    "tsu", "te",  "to",   "na",   "ni",  "nu",   "ne",  "no",  "ha",   "hi",  "fu",  "he",
    "ho",  "ma",  "mi",   "mu",   "me",  "mo",   "ya",  "yu",  "yo",   "ra",  "ri",  "ru",
    "re",  "ro",  "wa",   "n",    "ga",  "gi",   "gu",  "ge",  "go",   "za",  "ji",  "zu",
    "ze",  "zo",  "da",   "de",   "do",  "ba",   "bi",  "bu",  "be",   "bo",  "pa",  "pi",
    "pu",  "kyo", "shou", "ryuu", "jou", "chou", "kou", "sei", "gaku", "ken", "tai", "kan"};
constexpr std::array<std::string_view, 12> kParticles = {"no", "to", "wa", "ga", "ni",   "de",
                                                         "wo", "e",  "mo", "ya", "kara", "made"};
constexpr std::array<std::string_view, 64> kEnglish = {
    "the",      "of",      "a",       "and",    "in",     "to",       "love",    "story",
    "world",    "my",      "girl",    "boy",    "magic",  "school",   "war",     "sky",
    "star",     "blue",    "red",     "night",  "dream",  "heart",    "sword",   "king",
    "princess", "legend",  "academy", "hero",   "last",   "first",    "new",     "season",
    "movie",    "special", "summer",  "winter", "angel",  "demon",    "knight",  "dragon",
    "moon",     "sun",     "journey", "beyond", "little", "great",    "dark",    "light",
    "secret",   "garden",  "city",    "island", "ocean",  "fire",     "ice",     "wind",
    "spirit",   "machine", "robot",   "galaxy", "battle", "memories", "promise", "tomorrow"};
constexpr std::array<std::string_view, 24> kEuropean = {
    "der",     "die", "das",  "und",    "le",      "la",      "les",        "et",
    "el",      "los", "il",   "della",  "Reise",   "Welt",    "Geschichte", "Liebe",
    "Légende", "Été", "Cœur", "Étoile", "Corazón", "Canción", "Città",      "Perché"};
constexpr std::array<std::string_view, 10> kSuffixes = {
    "2nd Season", "Movie",        "OVA",   "Special",       "The Movie",
    "Season 3",   "Final Season", "Recap", "Picture Drama", "Gekijouban"};
constexpr std::array<std::string_view, 9> kOfficialLanguages = {"en", "ja", "de",      "fr", "es",
                                                                "it", "ko", "zh-Hans", "en"};
constexpr std::array<std::string_view, 6> kSynonymLanguages = {"en",      "x-jat", "ja",
                                                               "x-other", "pl",    "ru"};

class Words {
  public:
    explicit Words(uint64_t seed) : rng_(seed) {}

    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

    std::string romaji_word() {
        std::string w;
        const size_t syllables = 1 + pick(4);
        for (size_t i = 0; i < syllables; ++i) w += kSyllables[pick(kSyllables.size())];
        if (chance(0.12)) {
            // A macron on the first long vowel, as AniDB writes "Kyōkai".
            const size_t at = w.find("ou");
            if (at != std::string::npos) w.replace(at, 2, "ō");
            const size_t uu = w.find("uu");
            if (uu != std::string::npos) w.replace(uu, 2, "ū");
        }
        return w;
    }

    static std::string capitalised(std::string w) {
        if (!w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 'a' + 'A');
        return w;
    }

    std::string romaji_title() {
        std::string t;
        const size_t words = 1 + pick(5);
        for (size_t i = 0; i < words; ++i) {
            if (i != 0) t += ' ';
            if (i != 0 && chance(0.35)) {
                t += kParticles[pick(kParticles.size())];
            } else {
                t += capitalised(romaji_word());
            }
        }
        decorate(t);
        return t;
    }

    std::string english_title() {
        std::string t;
        const size_t words = 1 + pick(6);
        for (size_t i = 0; i < words; ++i) {
            if (i != 0) t += ' ';
            t += capitalised(std::string(kEnglish[pick(kEnglish.size())]));
        }
        decorate(t);
        return t;
    }

    std::string european_title() {
        std::string t;
        const size_t words = 2 + pick(4);
        for (size_t i = 0; i < words; ++i) {
            if (i != 0) t += ' ';
            t += chance(0.5) ? std::string(kEuropean[pick(kEuropean.size())])
                             : capitalised(std::string(kEnglish[pick(kEnglish.size())]));
        }
        return t;
    }

    // Kana and kanji without spaces, as Japanese titles are written.
    std::string japanese_title() {
        std::string t;
        const size_t chars = 3 + pick(12);
        for (size_t i = 0; i < chars; ++i) {
            const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
            char32_t c = 0;
            if (r < 0.35) {
                c = 0x3041 + static_cast<char32_t>(pick(0x56));  // hiragana
            } else if (r < 0.6) {
                c = 0x30A1 + static_cast<char32_t>(pick(0x5A));  // katakana
            } else {
                c = 0x4E00 + static_cast<char32_t>(pick(3000));  // common-range kanji
            }
            append_utf8(t, c);
        }
        if (chance(0.2)) t += " " + std::string(kSuffixes[pick(kSuffixes.size())]);
        return t;
    }

    std::string chinese_title() {
        std::string t;
        const size_t chars = 2 + pick(8);
        for (size_t i = 0; i < chars; ++i)
            append_utf8(t, 0x4E00 + static_cast<char32_t>(pick(3000)));
        return t;
    }

    std::string korean_title() {
        std::string t;
        const size_t words = 1 + pick(3);
        for (size_t w = 0; w < words; ++w) {
            if (w != 0) t += ' ';
            const size_t syllables = 1 + pick(4);
            for (size_t i = 0; i < syllables; ++i) {
                append_utf8(t, 0xAC00 + static_cast<char32_t>(pick(11172)));
            }
        }
        return t;
    }

    std::string short_title(const std::string& from) {
        // Initials of the words, as "SnK", "FMA".
        std::string s;
        bool at_word = true;
        for (char c : from) {
            if (c == ' ') {
                at_word = true;
            } else if (at_word && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                s += c;
                at_word = false;
            } else {
                at_word = false;
            }
        }
        if (s.size() < 2) s += std::to_string(pick(100));
        return s;
    }

  private:
    void decorate(std::string& t) {
        const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
        if (r < 0.15) {
            t += ": " + std::string(kSuffixes[pick(kSuffixes.size())]);
        } else if (r < 0.2) {
            t += "!";
        } else if (r < 0.23) {
            t += "/" + capitalised(std::string(kEnglish[pick(kEnglish.size())]));
        } else if (r < 0.25) {
            t += ";" + capitalised(romaji_word());
        } else if (r < 0.27) {
            t.insert(t.find(' ') == std::string::npos ? t.size() : t.find(' '), "'s");
        }
    }

    static void append_utf8(std::string& out, char32_t c) {
        if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }

    std::mt19937_64 rng_;
};

}  // namespace

SyntheticDump make_synthetic_dump(size_t titles, uint64_t seed) {
    Words words(seed);
    SyntheticDump dump;
    dump.text = "# created: Sat Mar  1 02:00:01 2025\n# <aid>|<type>|<language>|<title>\n";
    dump.text.reserve(titles * 40);
    uint64_t aid = 1;
    const auto line = [&](int type, std::string_view lang, const std::string& title) {
        dump.text += std::to_string(aid) + '|' + std::to_string(type) + '|';
        dump.text += lang;
        dump.text += '|';
        dump.text += title;
        dump.text += '\n';
        ++dump.titles;
    };
    while (dump.titles < titles) {
        const std::string main = words.romaji_title();
        line(1, "x-jat", main);
        const size_t officials = words.pick(4);
        for (size_t i = 0; i < officials; ++i) {
            const std::string_view lang = kOfficialLanguages[words.pick(kOfficialLanguages.size())];
            if (lang == "ja") {
                line(4, lang, words.japanese_title());
            } else if (lang == "zh-Hans") {
                line(4, lang, words.chinese_title());
            } else if (lang == "ko") {
                line(4, lang, words.korean_title());
            } else if (lang == "en") {
                line(4, lang, words.english_title());
            } else {
                line(4, lang, words.european_title());
            }
        }
        const size_t synonyms = words.pick(4);
        for (size_t i = 0; i < synonyms; ++i) {
            const std::string_view lang = kSynonymLanguages[words.pick(kSynonymLanguages.size())];
            line(2, lang,
                 lang == "ja"   ? words.japanese_title()
                 : lang == "en" ? words.english_title()
                                : words.romaji_title());
        }
        if (words.chance(0.3)) line(3, "x-jat", words.short_title(main));
        ++aid;
        ++dump.anime;
    }
    return dump;
}

std::string gzip_text(const std::string& text) {
    z_stream z{};
    if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2");
    }
    std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    return out;
}

}  // namespace anidb::bench
