// What the fake AniDB server knows: files, anime, episodes, groups and
// users, each record a map from field name to text value. Field names are
// the mask field names of src/anidb/masks.cc for files and anime, so a
// FILE/ANIME reply is built by looking up the names a mask selects.
//
// Text format (one record per line, '#' starts a comment line):
//
//   file    fid=424242 aid=3131 eid=55501 gid=777 size=734003200
//           ed2k=0f1e2d3c4b5a69788796a5b4c3d2e1f0 crc32=9a8b7c6d state=9
//           quality=high source=DVD resolution=848x480 file_type=mkv
//           dub_languages=japanese'english
//   anime   aid=3131 romaji_name="Aozora Kikou" english_name="Blue Sky Voyage"
//           episodes=12 year=2019 type="TV Series"
//   episode eid=55501 aid=3131 epno=03 english="The Captain's Map" length=24
//   group   gid=777 name="Northwind Subs" short_name=NWS
//   user    name=mika_r pass=secret apikey=myUdpKey
//   mylist  user=mika_r fid=424242 lid=5000001 state=1 viewdate=1700000000
//           date=1690000000 storage="shelf 2" source=DVD other="a note"
//           filestate=0
//
// (each record on ONE line; wrapped here for reading). Values are bare
// words or "double quoted" with \" \\ and \n escapes. List fields (see
// kListFields in catalog.cc) hold their elements joined by '\'' exactly as
// the protocol sends them; an element cannot itself contain '\''.
// File fields: every FILE fmask name (aid eid gid state size ed2k md5 sha1
// crc32 quality source audio_codecs audio_bitrates video_codec
// video_bitrate resolution file_type dub_languages sub_languages length
// description aired anidb_filename other_episodes is_deprecated
// color_depth). lid and mylist_* come from the user's MyList. Anime fields:
// every ANIME amask name. Episode fields: eid aid length rating votes epno
// english romaji kanji aired type. Group fields: gid rating votes
// anime_count file_count name short_name irc_channel irc_server url
// picname founded disbanded dateflags last_release last_activity relations
// (gid,type pairs joined by '\''). MyList entries: user fid lid state
// viewdate date storage source other filestate; eid aid gid come from the
// file; they are the user's MyList when the server starts (MYLISTADD and
// MYLISTDEL change it from there).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace anidb::test {

struct FakeRecord {
    std::map<std::string, std::string, std::less<>> fields;

    std::string get(std::string_view name) const;
    int64_t get_int(std::string_view name) const;
    FakeRecord& set(std::string_view name, std::string_view value);
    FakeRecord& set(std::string_view name, int64_t value);
};

struct FakeUser {
    std::string name, password, api_key;
};

struct FakeCatalog {
    std::vector<FakeRecord> files;
    std::map<int64_t, FakeRecord> anime, episodes, groups;
    std::vector<FakeUser> users;
    std::vector<FakeRecord> mylist;  // "mylist" lines, each with its user

    // The file with this fid, or nullptr.
    const FakeRecord* file_by_fid(int64_t fid) const;

    // Parses the text format above. Errors: Errc::invalid_parameter with the
    // line number.
    static Result<FakeCatalog> parse(std::string_view text);
    static Result<FakeCatalog> load(const std::string& path);

    // The small catalog of docs/anidb-protocol.md, "Example catalog".
    static FakeCatalog worked_example();
    // worked_example plus what the MyList and metadata tests need: anime
    // 3131 with episodes 01, 02, 03 and S1 (episode 03 also from a second
    // group, 778 "Southwind Raws"), and anime 4242 with synonyms and one file.
    static FakeCatalog mylist_example();
};

// True for fields whose value is a '\''-joined list.
bool is_list_field(std::string_view name);

}  // namespace anidb::test
