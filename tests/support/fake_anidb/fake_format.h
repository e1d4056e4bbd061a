// How the fake server writes data lines: server -> client escaping (list
// elements one by one), '|' joins, and the "another record" of
// Fault::other_record. Internal to tests/support/fake_anidb.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "support/fake_anidb/catalog.h"

namespace anidb::test::fake {

// One field escaped as the server escapes it.
std::string out_field(std::string_view name, const std::string& value);
std::string join(const std::vector<std::string>& fields);

// `record` about something else: each id field plus 1000, each text field
// prefixed "Other ", an epno's number plus 1.
FakeRecord another(const FakeRecord& record, std::initializer_list<const char*> ids,
                   std::initializer_list<const char*> texts);

// An episode number normalised for comparison ("03" -> "3", "s1" -> "S1");
// empty when malformed.
std::string epno_key(std::string_view epno);

// ASCII case folded, for AniDB's exact name matches.
std::string fold(std::string_view name);

}  // namespace anidb::test::fake
