#include "anidb/masks.h"

#include <array>
#include <cctype>

namespace anidb::udp {
namespace {

constexpr MaskBit F(std::string_view n) {
    return {BitKind::field, n};
}
constexpr MaskBit kUnused{BitKind::unused, {}};
constexpr MaskBit kReserved{BitKind::reserved, {}};
constexpr MaskBit kRetired{BitKind::retired, {}};

// §6.3 FILE fmask.
constexpr std::array<MaskBit, 40> kFileFmask = {
    // byte 1
    kUnused, F("aid"), F("eid"), F("gid"), F("lid"), F("other_episodes"), F("is_deprecated"),
    F("state"),
    // byte 2
    F("size"), F("ed2k"), F("md5"), F("sha1"), F("crc32"), kUnused, F("color_depth"), kReserved,
    // byte 3
    F("quality"), F("source"), F("audio_codecs"), F("audio_bitrates"), F("video_codec"),
    F("video_bitrate"), F("resolution"), F("file_type"),
    // byte 4
    F("dub_languages"), F("sub_languages"), F("length"), F("description"), F("aired"), kUnused,
    kUnused, F("anidb_filename"),
    // byte 5
    F("mylist_state"), F("mylist_filestate"), F("mylist_viewed"), F("mylist_viewdate"),
    F("mylist_storage"), F("mylist_source"), F("mylist_other"), kUnused};

// §6.4 FILE amask.
constexpr std::array<MaskBit, 32> kFileAmask = {
    // byte 1
    F("total_episodes"), F("highest_episode"), F("year"), F("type"), F("related_aids"),
    F("related_aid_types"), F("categories"), kReserved,
    // byte 2
    F("romaji_name"), F("kanji_name"), F("english_name"), F("other_name"), F("short_names"),
    F("synonyms"), kRetired, kRetired,
    // byte 3
    F("epno"), F("ep_name"), F("ep_romaji_name"), F("ep_kanji_name"), F("ep_rating"),
    F("ep_vote_count"), kUnused, kUnused,
    // byte 4
    F("group_name"), F("group_short_name"), kUnused, kUnused, kUnused, kUnused, kUnused,
    F("date_aid_record_updated")};

// §7.1 ANIME amask.
constexpr std::array<MaskBit, 56> kAnimeAmask = {
    // byte 1
    F("aid"), F("dateflags"), F("year"), F("type"), F("related_aids"), F("related_aid_types"),
    kRetired, kRetired,
    // byte 2
    F("romaji_name"), F("kanji_name"), F("english_name"), F("other_name"), F("short_names"),
    F("synonyms"), kRetired, kRetired,
    // byte 3
    F("episodes"), F("highest_episode"), F("special_count"), F("air_date"), F("end_date"), F("url"),
    F("picname"), kRetired,
    // byte 4
    F("rating"), F("vote_count"), F("temp_rating"), F("temp_vote_count"), F("review_rating"),
    F("review_count"), F("awards"), F("is_18_restricted"),
    // byte 5
    kRetired, F("ann_id"), F("allcinema_id"), F("animenfo_id"), F("tag_names"), F("tag_ids"),
    F("tag_weights"), F("date_record_updated"),
    // byte 6
    F("character_ids"), kRetired, kRetired, kRetired, kUnused, kUnused, kUnused, kUnused,
    // byte 7
    F("specials_count"), F("credits_count"), F("other_count"), F("trailer_count"),
    F("parody_count"), kUnused, kUnused, kUnused};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

MaskTable file_fmask_table() {
    return kFileFmask;
}
MaskTable file_amask_table() {
    return kFileAmask;
}
MaskTable anime_amask_table() {
    return kAnimeAmask;
}

Result<std::string> mask_hex(MaskTable table, std::span<const std::string_view> names) {
    std::vector<unsigned> bytes(table.size() / 8, 0);
    for (auto name : names) {
        size_t i = 0;
        while (i < table.size() && !(table[i].kind == BitKind::field && table[i].name == name)) ++i;
        if (i == table.size())
            return make_error(Errc::invalid_parameter, "unknown mask field " + std::string(name));
        bytes[i / 8] |= 0x80u >> (i % 8);
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

Result<std::vector<std::string_view>> mask_fields(MaskTable table, std::string_view hex) {
    if (hex.size() % 2 != 0 || hex.size() / 2 > table.size() / 8)
        return make_error(Errc::protocol, "mask has the wrong length");
    std::vector<std::string_view> out;
    for (size_t byte = 0; byte < hex.size() / 2; ++byte) {
        int hi = hex_digit(hex[2 * byte]);
        int lo = hex_digit(hex[2 * byte + 1]);
        if (hi < 0 || lo < 0) return make_error(Errc::protocol, "mask is not hex");
        unsigned value = static_cast<unsigned>(hi * 16 + lo);
        for (size_t bit = 0; bit < 8; ++bit) {
            if (!(value & (0x80u >> bit))) continue;
            const MaskBit& mb = table[byte * 8 + bit];
            if (mb.kind != BitKind::field)
                return make_error(Errc::protocol, "mask sets an unused, reserved or retired bit");
            out.push_back(mb.name);
        }
    }
    return out;
}

std::map<std::string_view, std::string> zip_fields(std::span<const std::string_view> names,
                                                   const std::vector<std::string>& fields,
                                                   size_t offset) {
    std::map<std::string_view, std::string> out;
    for (size_t i = 0; i < names.size() && offset + i < fields.size(); ++i)
        out.emplace(names[i], fields[offset + i]);
    return out;
}

}  // namespace anidb::udp
