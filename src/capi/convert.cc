// C++ results → tracked C structures. Each result is one tracked block that
// holds the structure and everything it points to, declared to the tracker
// as typed parts (the structure, its strings, its hash array), so that
// - one allocation serves a result (one per batch, not one per file), which
//   the tracker takes from the buffer pool when it fits a size class;
// - the typed free function frees it whole without reading it, and refuses
//   an interior pointer (a file_path, one file of a batch) untouched;
// - the figures per allocation type still name every part.
#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <optional>

#include "capi/capi_internal.h"
#include "common/utf8.h"
#include "memory/allocation_tracker.h"

namespace anidb::capi {
namespace {

using memory::AllocationLayout;
using memory::AllocationTracker;
using memory::AllocType;

AllocationTracker& tracker() {
    return AllocationTracker::instance();
}

constexpr size_t align_up(size_t n, size_t alignment) {
    return (n + alignment - 1) / alignment * alignment;
}

// One hash entry of a C result: the caller's algorithm and its value.
struct CHash {
    anidb_hash_algorithm_t algorithm{};
    std::string_view value;
};

// One file result's text, copied only when it needs UTF-8 repair (nearly
// never), and its hash entries as the caller asked for them (none when the
// result has no hashes: failed or cancelled). Refers to `r`, which must
// outlive it. May throw std::bad_alloc.
class FileText {
  public:
    FileText(const client::FileResult& r, std::span<const anidb_hash_algorithm_t> requested)
        : result_(&r) {
        if (!is_valid_utf8(r.path)) repaired_path_ = to_valid_utf8(r.path);
        if (!is_valid_utf8(r.error_message)) repaired_error_ = to_valid_utf8(r.error_message);
        if (r.hashes.empty()) return;
        assert(requested.size() <= hashes_.size());  // hash_request_from_c's bound
        for (const anidb_hash_algorithm_t a :
             requested.first(std::min(requested.size(), hashes_.size()))) {
            if (a == ANIDB_HASH_ED2K_BLUE) {
                hashes_[count_++] = {a, client::ed2k_blue_or_red(r)};
                continue;
            }
            // The core answers every algorithm it was asked (HashRequest::core).
            const auto it = std::find_if(r.hashes.begin(), r.hashes.end(), [a](const auto& d) {
                return static_cast<int>(d.algorithm) == static_cast<int>(a);
            });
            assert(it != r.hashes.end());
            if (it != r.hashes.end()) hashes_[count_++] = {a, it->value};
        }
    }
    std::span<const CHash> hashes() const { return {hashes_.data(), count_}; }
    std::string_view path() const {
        return repaired_path_ ? std::string_view(*repaired_path_) : result_->path;
    }
    std::string_view error() const {
        return repaired_error_ ? std::string_view(*repaired_error_) : result_->error_message;
    }

  private:
    const client::FileResult* result_;
    std::optional<std::string> repaired_path_, repaired_error_;
    std::array<CHash, kMaxCAlgorithms> hashes_{};  // no allocation per result
    size_t count_ = 0;
};

// Where one file result's contents go in its block.
struct ContentsPlan {
    size_t hashes_at;   // the hash array
    size_t values_at;   // value NUL value NUL ...
    size_t strings_at;  // path NUL [error NUL]
};

// Places the contents of a block's file results after `at`: first every hash
// array, then all the text (hash values, paths, messages), so that nothing
// needs alignment padding. Declares each part to `layout` as it goes.
class ContentsPlanner {
  public:
    ContentsPlanner(size_t at, size_t hash_entries, AllocationLayout& layout)
        : array_at_(at),
          text_at_(at + sizeof(anidb_hash_result_t) * hash_entries),
          layout_(layout) {}

    ContentsPlan place(const FileText& t) {
        ContentsPlan p{};
        p.hashes_at = array_at_;
        const size_t array_bytes = sizeof(anidb_hash_result_t) * t.hashes().size();
        array_at_ += array_bytes;
        p.values_at = text_at_;
        size_t values_bytes = 0;
        for (const auto& h : t.hashes()) values_bytes += h.value.size() + 1;  // hex/base32: ASCII
        p.strings_at = p.values_at + values_bytes;
        const size_t strings_bytes =
            t.path().size() + 1 + (t.error().empty() ? 0 : t.error().size() + 1);
        text_at_ = p.strings_at + strings_bytes;
        layout_.add(AllocType::string, t.error().empty() ? 1 : 2, strings_bytes);
        if (!t.hashes().empty()) {
            layout_.add(AllocType::hash_result, 1, array_bytes + values_bytes);
        }
        return p;
    }
    size_t end() const { return text_at_; }

  private:
    size_t array_at_, text_at_;
    AllocationLayout& layout_;
};

// Hash arrays follow the result structures without padding.
static_assert(sizeof(anidb_file_result_t) % alignof(anidb_hash_result_t) == 0);

// Fills `out` from `r`, its contents going where `p` says in the zero-filled
// `block` (so every copied string is already NUL-terminated).
void write_file_result(const FileText& t, const client::FileResult& r, const ContentsPlan& p,
                       char* block, anidb_file_result_t& out) {
    out.file_size = r.size;
    out.status = static_cast<anidb_status_t>(r.status);
    out.processing_time_ms = r.processing_time_ms;
    const std::string_view path = t.path(), error = t.error();
    char* at = block + p.strings_at;
    std::memcpy(at, path.data(), path.size());
    out.file_path = at;
    at += path.size() + 1;
    if (!error.empty()) {
        std::memcpy(at, error.data(), error.size());
        out.error_message = at;
    }
    const std::span<const CHash> hashes = t.hashes();
    if (hashes.empty()) return;
    out.hashes = reinterpret_cast<anidb_hash_result_t*>(block + p.hashes_at);
    out.hash_count = hashes.size();
    at = block + p.values_at;
    for (size_t i = 0; i < hashes.size(); ++i) {
        const std::string_view value = hashes[i].value;
        out.hashes[i].algorithm = hashes[i].algorithm;
        // The NUL after it is already there: the block is zero-filled.
        // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
        std::memcpy(at, value.data(), value.size());
        out.hashes[i].hash_value = at;
        out.hashes[i].hash_length = value.size();
        at += value.size() + 1;
    }
}

}  // namespace

// One block: the structure first (it is the block's address), then its
// hash array, then its text. Parts: file_result (the structure), hash_result
// (the array with its strings), string (path, error message).
anidb_file_result_t* to_c_file_result(const client::FileResult& r,
                                      std::span<const anidb_hash_algorithm_t> requested) {
    try {
        const FileText text(r, requested);
        AllocationLayout layout(AllocType::file_result, sizeof(anidb_file_result_t));
        ContentsPlanner planner(sizeof(anidb_file_result_t), text.hashes().size(), layout);
        const ContentsPlan plan = planner.place(text);
        assert(layout.bytes() == planner.end());
        auto* block = static_cast<char*>(tracker().allocate(layout));
        if (block == nullptr) return nullptr;
        auto* out = reinterpret_cast<anidb_file_result_t*>(block);
        write_file_result(text, r, plan, block, *out);
        return out;
    } catch (...) {  // building the UTF-8 copies ran out of memory
        return nullptr;
    }
}

// One block: the batch structure, the array of file results, every file's
// hash array, then all the text. Parts: batch_result (the structure),
// file_result (one per file), hash_result, string.
anidb_batch_result_t* to_c_batch_result(const client::BatchResult& b,
                                        std::span<const anidb_hash_algorithm_t> requested) {
    try {
        const size_t n = b.results.size();
        const size_t results_at =
            align_up(sizeof(anidb_batch_result_t), alignof(anidb_file_result_t));
        AllocationLayout layout(AllocType::batch_result, results_at);
        layout.add(AllocType::file_result, n, sizeof(anidb_file_result_t) * n);
        std::vector<FileText> texts;
        texts.reserve(n);
        size_t hash_entries = 0;
        for (const auto& r : b.results) {
            texts.emplace_back(r, requested);
            hash_entries += texts.back().hashes().size();
        }
        ContentsPlanner planner(results_at + sizeof(anidb_file_result_t) * n, hash_entries, layout);
        std::vector<ContentsPlan> plans;
        plans.reserve(n);
        for (const auto& t : texts) plans.push_back(planner.place(t));
        assert(layout.bytes() == planner.end());
        auto* block = static_cast<char*>(tracker().allocate(layout));
        if (block == nullptr) return nullptr;
        auto* out = reinterpret_cast<anidb_batch_result_t*>(block);
        out->total_files = n;
        out->successful_files = b.successful;
        out->failed_files = b.failed;
        out->total_time_ms = b.total_time_ms;
        if (n != 0) out->results = reinterpret_cast<anidb_file_result_t*>(block + results_at);
        for (size_t i = 0; i < n; ++i) {
            write_file_result(texts[i], b.results[i], plans[i], block, out->results[i]);
        }
        return out;
    } catch (...) {  // the plans or UTF-8 copies ran out of memory
        return nullptr;
    }
}

// One block: the structure, then its strings (every field, "" when empty).
// Parts: anime_info (the structure), string (14).
anidb_anime_info_t* to_c_anime_info(const client::AnimeInfo& in) {
    try {
        anidb_anime_info_t info{};
        const std::pair<char** const, const std::string*> fields[] = {
            {&info.title, &in.title_romaji},
            {&info.group_name, &in.group_name},
            {&info.title_english, &in.title_english},
            {&info.title_kanji, &in.title_kanji},
            {&info.episode_title, &in.episode_title},
            {&info.episode_number_text, &in.episode_number},
            {&info.anime_type, &in.anime_type},
            {&info.year, &in.year},
            {&info.quality, &in.quality},
            {&info.file_source, &in.file_source},
            {&info.resolution, &in.resolution},
            {&info.crc32, &in.crc32},
            {&info.ed2k, &in.ed2k},
            {&info.group_short_name, &in.group_short_name},
        };
        constexpr size_t kFields = std::size(fields);
        std::array<std::string, kFields> texts;
        size_t strings_bytes = 0;
        for (size_t i = 0; i < kFields; ++i) {
            texts[i] = to_valid_utf8(*fields[i].second);
            strings_bytes += texts[i].size() + 1;
        }
        AllocationLayout layout(AllocType::anime_info, sizeof(anidb_anime_info_t));
        layout.add(AllocType::string, kFields, strings_bytes);
        auto* block = static_cast<char*>(tracker().allocate(layout));
        if (block == nullptr) return nullptr;

        info.anime_id = in.anime_id;
        info.episode_id = in.episode_id;
        info.confidence = 1.0;
        info.source = in.from_cache ? 1 : 0;
        info.file_id = in.file_id;
        info.group_id = in.group_id;
        info.mylist_id = in.mylist_id;
        info.file_size = in.file_size;
        uint32_t epno = 0;
        for (char c : in.episode_number) {
            if (c >= '0' && c <= '9') {
                epno = epno * 10 + static_cast<uint32_t>(c - '0');
                if (epno > 100000) break;
            }
        }
        info.episode_number = epno;
        char* at = block + sizeof(anidb_anime_info_t);  // zero-filled: NULs are there
        for (size_t i = 0; i < kFields; ++i) {
            // NOLINTNEXTLINE(bugprone-not-null-terminated-result): the NUL is there
            std::memcpy(at, texts[i].data(), texts[i].size());
            *fields[i].first = at;
            at += texts[i].size() + 1;
        }
        std::memcpy(block, &info, sizeof info);
        return reinterpret_cast<anidb_anime_info_t*>(block);
    } catch (...) {  // the UTF-8 copies ran out of memory
        return nullptr;
    }
}

}  // namespace anidb::capi
