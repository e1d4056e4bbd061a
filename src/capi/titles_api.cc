// Offline title search and the titles dump update through the C ABI.
#include <array>

#include "capi/capi_internal.h"
#include "capi/result_block.h"

using namespace anidb;
using namespace anidb::capi;

namespace {

static_assert(sizeof(anidb_title_search_result_t) % alignof(anidb_title_match_t) == 0);

anidb_title_search_result_t* to_c_search(const titles::SearchResult& r) {
    const size_t n = r.matches.size();
    ResultBlock block(memory::AllocType::title_search,
                      sizeof(anidb_title_search_result_t) + n * sizeof(anidb_title_match_t));
    std::vector<std::array<size_t, 3>> at;
    at.reserve(n);
    for (const auto& m : r.matches) {
        at.push_back(
            {block.add_text(m.main_title), block.add_text(m.title), block.add_text(m.lang)});
    }
    char* base = block.allocate();
    if (base == nullptr) return nullptr;
    auto* out = reinterpret_cast<anidb_title_search_result_t*>(base);
    auto* matches = reinterpret_cast<anidb_title_match_t*>(base + sizeof *out);
    for (size_t i = 0; i < n; ++i) {
        const auto& m = r.matches[i];
        matches[i].anime_id = m.aid;
        matches[i].main_title = block.text(at[i][0]);
        matches[i].title = block.text(at[i][1]);
        matches[i].lang = block.text(at[i][2]);
        matches[i].type = static_cast<int>(m.type);
        matches[i].score = m.score;
    }
    out->matches = n > 0 ? matches : nullptr;
    out->count = n;
    out->corrupt_rows = r.corrupt_rows;
    return out;
}

}  // namespace

extern "C" {

anidb_result_t anidb_titles_search(anidb_client_handle_t handle, const char* text, const char* lang,
                                   size_t limit, anidb_title_search_result_t** result) {
    if (result != nullptr) *result = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        if (auto ok = check_string(text, "text"); !ok) return fail(ok.error());
        if (auto ok = check_optional_string(lang, "lang"); !ok) return fail(ok.error());
        auto r = c.client->titles_search(text, lang != nullptr ? lang : "",
                                         limit == 0 ? titles::kDefaultSearchLimit : limit);
        if (!r) return fail(r.error());
        anidb_title_search_result_t* out = to_c_search(*r);
        if (out == nullptr) return fail(Errc::out_of_memory, "out of memory for the matches");
        *result = out;
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_titles_update(anidb_client_handle_t handle, int force,
                                   anidb_titles_update_t* result) {
    return with_client(handle, [&](ClientEntry& c) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        *result = anidb_titles_update_t{};
        if (force != 0 && force != 1) {
            return fail(Errc::invalid_parameter, "force must be 0 or 1");
        }
        auto r = c.client->titles_update(force == 1);
        if (!r) return fail(r.error());
        result->outcome = static_cast<anidb_titles_outcome_t>(r->outcome);
        result->next_request_at = r->next_request_at;
        result->titles = r->stored.titles;
        result->anime = r->stored.anime;
        return ANIDB_SUCCESS;
    });
}

void anidb_free_title_search_result(anidb_title_search_result_t* result) {
    (void)with_no_handle([&] {
        memory::AllocationTracker::instance().release(result, memory::AllocType::title_search);
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
