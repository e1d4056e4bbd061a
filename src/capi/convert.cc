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

AllocationTracker& tracker() { return AllocationTracker::instance(); }

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

bool fill_c_file_result(const client::FileResult& r, anidb_file_result_t& out) {
    std::memset(&out, 0, sizeof(out));
    out.file_size = r.size;
    out.status = static_cast<anidb_status_t>(r.status);
    out.processing_time_ms = r.processing_time_ms;
    out.file_path = dup(r.path);
    bool ok = out.file_path != nullptr;
    if (ok && !r.error_message.empty()) {
        out.error_message = dup(r.error_message);
        ok = out.error_message != nullptr;
    }
    if (ok && !r.hashes.empty()) {
        out.hashes = static_cast<anidb_hash_result_t*>(
            tracker().allocate(sizeof(anidb_hash_result_t) * r.hashes.size(), AllocType::hash_result));
        ok = out.hashes != nullptr;
        if (ok) {
            out.hash_count = r.hashes.size();
            for (size_t i = 0; i < r.hashes.size() && ok; ++i) {
                out.hashes[i].algorithm = static_cast<anidb_hash_algorithm_t>(r.hashes[i].algorithm);
                out.hashes[i].hash_value = dup(r.hashes[i].value);
                out.hashes[i].hash_length = r.hashes[i].value.size();
                ok = out.hashes[i].hash_value != nullptr;
            }
        }
    }
    if (!ok) release_c_file_result_contents(out);
    return ok;
}

void release_c_file_result_contents(anidb_file_result_t& r) {
    free_string(r.file_path);
    free_string(r.error_message);
    if (r.hashes != nullptr && tracker().is_live(r.hashes, AllocType::hash_result)) {
        for (size_t i = 0; i < r.hash_count; ++i) free_string(r.hashes[i].hash_value);
        tracker().release(r.hashes, AllocType::hash_result);
    }
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
