// C++ results → tracked C structures. Every allocation goes through the
// AllocationTracker with its type, so the typed free functions can refuse
// foreign pointers; on failure everything allocated so far is released.
#include <algorithm>
#include <cstring>

#include "capi/capi_internal.h"
#include "common/utf8.h"
#include "memory/allocation_tracker.h"

namespace anidb::capi {
namespace {

using memory::AllocationTracker;
using memory::AllocType;

AllocationTracker& tracker() {
    return AllocationTracker::instance();
}

// nullptr when out of memory (never throws, so a caller can release what it
// allocated before).
char* dup(std::string_view s) noexcept {
    try {
        return tracker().duplicate_string(to_valid_utf8(s));
    } catch (...) {
        return nullptr;
    }
}

void free_string(char*& s) {
    if (s != nullptr) tracker().release(s, AllocType::string);
    s = nullptr;
}

}  // namespace

// Everything a file result points to lives in one tracked block (one
// allocation per file instead of one per string), starting with the path so
// that file_path is the block's address:
//   path NUL [error NUL] padding hashes[hash_count] value NUL value NUL ...
// A thousand-file batch thus costs a thousand tracked allocations, not four
// thousand. The block is typed file_contents, so anidb_free_string on
// file_path or a hash value is refused instead of freeing the block.
bool fill_c_file_result(const client::FileResult& r, anidb_file_result_t& out) {
    std::memset(&out, 0, sizeof(out));
    out.file_size = r.size;
    out.status = static_cast<anidb_status_t>(r.status);
    out.processing_time_ms = r.processing_time_ms;
    try {
        // Copies only for text that needs repairing (nearly never).
        std::string repaired_path, repaired_error;
        std::string_view path = r.path, error = r.error_message;
        if (!is_valid_utf8(path)) path = repaired_path = to_valid_utf8(path);
        if (!is_valid_utf8(error)) error = repaired_error = to_valid_utf8(error);
        size_t bytes = path.size() + 1 + (error.empty() ? 0 : error.size() + 1);
        const size_t align = alignof(anidb_hash_result_t);
        bytes = (bytes + align - 1) / align * align;
        const size_t hashes_at = bytes;
        bytes += sizeof(anidb_hash_result_t) * r.hashes.size();
        for (const auto& h : r.hashes) bytes += h.value.size() + 1;  // hex/base32: ASCII

        auto* block = static_cast<char*>(tracker().allocate(bytes, AllocType::file_contents));
        if (block == nullptr) return false;
        // The block is zero-filled, so every copied string is NUL-terminated.
        char* at = block;
        std::memcpy(at, path.data(), path.size());
        out.file_path = at;
        at += path.size() + 1;
        if (!error.empty()) {
            std::memcpy(at, error.data(), error.size());
            out.error_message = at;
        }
        if (!r.hashes.empty()) {
            out.hashes = reinterpret_cast<anidb_hash_result_t*>(block + hashes_at);
            out.hash_count = r.hashes.size();
            at = block + hashes_at + sizeof(anidb_hash_result_t) * r.hashes.size();
            for (size_t i = 0; i < r.hashes.size(); ++i) {
                const std::string& value = r.hashes[i].value;
                out.hashes[i].algorithm =
                    static_cast<anidb_hash_algorithm_t>(r.hashes[i].algorithm);
                // The NUL after it is already there: the block is zero-filled.
                // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
                std::memcpy(at, value.data(), value.size());
                out.hashes[i].hash_value = at;
                out.hashes[i].hash_length = value.size();
                at += value.size() + 1;
            }
        }
        return true;
    } catch (...) {  // building the UTF-8 copies ran out of memory
        return false;
    }
}

void release_c_file_result_contents(anidb_file_result_t& r) {
    if (r.file_path != nullptr) tracker().release(r.file_path, AllocType::file_contents);
    r.file_path = nullptr;
    r.error_message = nullptr;
    r.hashes = nullptr;
    r.hash_count = 0;
}

anidb_file_result_t* to_c_file_result(const client::FileResult& r) {
    auto* out = static_cast<anidb_file_result_t*>(
        tracker().allocate(sizeof(anidb_file_result_t), AllocType::file_result));
    if (out == nullptr) return nullptr;
    if (!fill_c_file_result(r, *out)) {
        tracker().release(out, AllocType::file_result);
        return nullptr;
    }
    return out;
}

bool CBatchBuilder::begin(size_t file_count) {
    release();
    // The array is typed `buffer`, so anidb_free_file_result on one of its
    // elements is refused instead of freeing the array from under the batch.
    results_ = static_cast<anidb_file_result_t*>(tracker().allocate(
        sizeof(anidb_file_result_t) * std::max<size_t>(1, file_count), AllocType::buffer));
    if (results_ == nullptr) return false;
    std::memset(results_, 0, sizeof(anidb_file_result_t) * file_count);
    filled_ = std::make_unique<std::atomic<bool>[]>(file_count);
    count_ = file_count;
    failed_ = false;
    return true;
}

void CBatchBuilder::fill(size_t index, const client::FileResult& r) {
    if (index >= count_ || failed_.load(std::memory_order_relaxed)) return;
    if (fill_c_file_result(r, results_[index])) {
        filled_[index].store(true, std::memory_order_release);
    } else {
        failed_ = true;
    }
}

anidb_batch_result_t* CBatchBuilder::finish(const client::BatchResult& b) {
    if (results_ == nullptr || failed_ || b.results.size() != count_) {
        release();
        return nullptr;
    }
    auto* out = static_cast<anidb_batch_result_t*>(
        tracker().allocate(sizeof(anidb_batch_result_t), AllocType::batch_result));
    if (out == nullptr) {
        release();
        return nullptr;
    }
    // A result not converted by a worker (none is expected) is converted now.
    for (size_t i = 0; i < count_; ++i) {
        if (filled_[i].load(std::memory_order_acquire)) continue;
        if (!fill_c_file_result(b.results[i], results_[i])) {
            tracker().release(out, AllocType::batch_result);
            release();
            return nullptr;
        }
        filled_[i] = true;
    }
    out->total_files = b.results.size();
    out->successful_files = b.successful;
    out->failed_files = b.failed;
    out->total_time_ms = b.total_time_ms;
    out->results = results_;
    results_ = nullptr;  // handed over
    count_ = 0;
    filled_.reset();
    return out;
}

CBatchBuilder::~CBatchBuilder() {
    release();
}

void CBatchBuilder::release() noexcept {
    if (results_ == nullptr) return;
    for (size_t i = 0; i < count_; ++i) {
        if (filled_[i].load(std::memory_order_acquire)) release_c_file_result_contents(results_[i]);
    }
    tracker().release(results_, AllocType::buffer);
    results_ = nullptr;
    count_ = 0;
    filled_.reset();
}

anidb_batch_result_t* to_c_batch_result(const client::BatchResult& b) {
    CBatchBuilder builder;
    if (!builder.begin(b.results.size())) return nullptr;
    return builder.finish(b);
}

anidb_anime_info_t* to_c_anime_info(const client::AnimeInfo& in) {
    auto* out = static_cast<anidb_anime_info_t*>(
        tracker().allocate(sizeof(anidb_anime_info_t), AllocType::anime_info));
    if (out == nullptr) return nullptr;
    out->anime_id = in.anime_id;
    out->episode_id = in.episode_id;
    out->confidence = 1.0;
    out->source = in.from_cache ? 1 : 0;
    out->file_id = in.file_id;
    out->group_id = in.group_id;
    out->mylist_id = in.mylist_id;
    out->file_size = in.file_size;
    uint32_t epno = 0;
    for (char c : in.episode_number) {
        if (c >= '0' && c <= '9') {
            epno = epno * 10 + static_cast<uint32_t>(c - '0');
            if (epno > 100000) break;
        }
    }
    out->episode_number = epno;
    const std::pair<char**, const std::string*> strings[] = {
        {&out->title, &in.title_romaji},
        {&out->group_name, &in.group_name},
        {&out->title_english, &in.title_english},
        {&out->title_kanji, &in.title_kanji},
        {&out->episode_title, &in.episode_title},
        {&out->episode_number_text, &in.episode_number},
        {&out->anime_type, &in.anime_type},
        {&out->year, &in.year},
        {&out->quality, &in.quality},
        {&out->file_source, &in.file_source},
        {&out->resolution, &in.resolution},
        {&out->crc32, &in.crc32},
        {&out->ed2k, &in.ed2k},
        {&out->group_short_name, &in.group_short_name},
    };
    for (const auto& [field, value] : strings) {
        *field = dup(*value);
        if (*field == nullptr) {
            for (const auto& [f, v] : strings) free_string(*f);
            tracker().release(out, AllocType::anime_info);
            return nullptr;
        }
    }
    return out;
}

}  // namespace anidb::capi
