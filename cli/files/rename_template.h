// Rename templates: text with {tag} placeholders that becomes a relative path
// (without the extension, which is kept from the original file).
//
//   {tag}            required: expansion fails when the value is empty
//   {tag?}           optional: may be empty
//   {a|b|c}          the first non-empty of several tags (add ? for optional)
//   {aired:FORMAT}   a date tag with a strftime(3) format ({aired} is %Y-%m-%d)
//   {?tag:TEXT}      TEXT (literal text and tags) only when tag is non-empty,
//                    e.g. "{episode}{?episode_title: - {episode_title}}" leaves no
//                    dangling " - " for an episode without a title
//   {{ and }}        literal braces
//   '/' in the template separates folders; '/' inside a value does not.
//
// Values are made safe for file names: / \ : * ? " < > | and control
// characters become '_', and each path component loses leading/trailing
// spaces and dots. Local tags (original, ext, size and the hashes) need no
// AniDB: a template of local tags only renames without asking it. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/types.h"
#include "common/result.h"
#include "hash/algorithm.h"

namespace anidb::cli {

struct TemplateTag {
    std::string_view name;
    std::string_view description;
    bool local = false;  // known without AniDB
    bool date = false;   // takes a strftime format; the value is Unix seconds
};
// The tags a template may use, in documentation order.
const std::vector<TemplateTag>& template_tags();

// Tag name -> value. Date tags hold Unix seconds ("" or "0": unknown).
using TagValues = std::map<std::string, std::string, std::less<>>;

class RenameTemplate {
  public:
    // Errc::invalid_parameter for unknown tags, a format on a tag that takes
    // none, an empty format, unbalanced braces, an empty template.
    static Result<RenameTemplate> parse(std::string_view text);

    // The relative path; Errc::invalid_parameter naming the first required
    // tag that is empty, or when a component ends up empty or "..".
    Result<std::string> expand(const TagValues& values) const;

    // Every tag the template names (alternatives and conditions included).
    const std::set<std::string, std::less<>>& tags() const { return tags_; }
    // Whether some tag needs AniDB's answer (the file must be identified).
    bool needs_anidb() const;
    // The hashes the local tags need (crc32, ed2k, md5, sha1), in that order.
    std::vector<hash::Algorithm> hashes_needed() const;

    struct Part;  // literal, tag or conditional section (rename_template.cc)

  private:
    std::vector<std::shared_ptr<const Part>> parts_;
    std::set<std::string, std::less<>> tags_;
};

// `value` with characters that are illegal or awkward in file names replaced.
std::string sanitize_file_name_part(std::string_view value);

// The version marker of a release name ("... - 03v2 [..]" -> "v2"), empty
// for none.
std::string version_from_name(std::string_view file_name);

// What is known of a file without AniDB.
struct LocalFile {
    std::string path;
    uint64_t size = 0;
    std::vector<hash::Digest> digests;  // those the template needs
};

// Tag values for one file: AniDB's facts from `info` (nullptr for a
// template of local tags), the local ones from `file`.
TagValues tag_values(const client::AnimeInfo* info, const LocalFile& file);

}  // namespace anidb::cli
