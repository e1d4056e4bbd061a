// Rename templates: text with {tag} placeholders that becomes a relative path
// (without the extension, which is kept from the original file).
//
//   {tag}        required: expansion fails when the value is empty
//   {tag?}       optional: may be empty
//   {a|b|c}      the first non-empty of several tags (add ? for optional)
//   {{ and }}    literal braces
//   '/' in the template separates folders; '/' inside a value does not.
//
// Values are made safe for file names: / \ : * ? " < > | and control
// characters become '_', and each path component loses leading/trailing
// spaces and dots. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "client/types.h"
#include "common/result.h"

namespace anidb::cli {

struct TemplateTag {
    std::string_view name;
    std::string_view description;
};
// The tags a template may use, in documentation order.
const std::vector<TemplateTag>& template_tags();

using TagValues = std::map<std::string, std::string, std::less<>>;

class RenameTemplate {
  public:
    // Errc::invalid_parameter for unknown tags, unbalanced braces, an empty
    // template or a '..' component.
    static Result<RenameTemplate> parse(std::string_view text);

    // The relative path; Errc::invalid_parameter naming the first required
    // tag that is empty, or when a component ends up empty.
    Result<std::string> expand(const TagValues& values) const;

  private:
    struct Part {
        std::string literal;  // used when `alternatives` is empty
        std::vector<std::string> alternatives;
        bool optional = false;
    };
    std::vector<Part> parts_;
};

// `value` with characters that are illegal or awkward in file names replaced.
std::string sanitize_file_name_part(std::string_view value);

// The version marker of a release name ("... - 03v2 [..]" -> "v2"), empty
// for none.
std::string version_from_name(std::string_view file_name);

// Tag values for one identified file. `original_path` supplies {original}
// (the old base name without extension) and {version}.
TagValues tag_values(const client::AnimeInfo& info, std::string_view original_path);

}  // namespace anidb::cli
