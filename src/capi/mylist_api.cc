// MyList both ways through the C ABI: show, remove, edit, mark watched.
#include <limits>

#include "capi/capi_internal.h"
#include "capi/result_block.h"

using namespace anidb;
using namespace anidb::capi;

namespace {

void to_c_change(const client::MylistChangeResult& r, anidb_mylist_change_t& out) {
    out = anidb_mylist_change_t{};
    out.what = static_cast<anidb_mylist_change_kind_t>(r.what);
    out.mylist_id = r.lid > 0 ? static_cast<uint64_t>(r.lid) : 0;
    out.commands = static_cast<uint32_t>(r.commands);
    out.job_id = r.job_id;
    out.reason = static_cast<anidb_queue_reason_t>(r.reason);
    out.next_try_at = r.next_try_at;
}

uint64_t id(int64_t v) {
    return v > 0 ? static_cast<uint64_t>(v) : 0;
}

anidb_mylist_entry_t* to_c_entry(const client::MylistShowResult& r) {
    ResultBlock block(memory::AllocType::mylist_entry, sizeof(anidb_mylist_entry_t));
    const size_t source = block.add_text(r.entry.source);
    const size_t storage = block.add_text(r.entry.storage);
    const size_t other = block.add_text(r.entry.other);
    char* base = block.allocate();
    if (base == nullptr) return nullptr;
    auto* e = reinterpret_cast<anidb_mylist_entry_t*>(base);
    e->in_mylist = r.in_mylist ? 1 : 0;
    e->mylist_id = id(r.entry.lid);
    e->file_id = id(r.fid);
    e->episode_id = id(r.entry.eid);
    e->anime_id = id(r.entry.aid);
    e->group_id = id(r.entry.gid);
    e->state = static_cast<int>(r.entry.state);
    e->viewdate = r.entry.viewdate;
    e->date_added = r.entry.date_added;
    e->source = block.text(source);
    e->storage = block.text(storage);
    e->other = block.text(other);
    e->filestate = static_cast<int>(r.entry.filestate);
    e->from_local_state = r.from_local_state ? 1 : 0;
    e->confirmed_at = r.confirmed_at;
    return e;
}

// The values of anidb_mylist_options_t as MYLISTADD sets them (-1 / NULL:
// not sent). The library checks them further (udp::check_values).
Result<udp::MylistValues> values_from_c(const anidb_mylist_options_t& o) {
    udp::MylistValues v;
    if (o.state != -1) {
        if (o.state < ANIDB_MYLIST_STATE_UNKNOWN || o.state > ANIDB_MYLIST_STATE_REMOTE) {
            return make_error(Errc::invalid_parameter, "state must be -1 or 0..4");
        }
        v.state = static_cast<udp::MylistState>(o.state);
    }
    if (o.viewed != -1) {
        if (o.viewed != 0 && o.viewed != 1) {
            return make_error(Errc::invalid_parameter, "viewed must be -1, 0 or 1");
        }
        v.viewed = o.viewed == 1;
    }
    if (o.viewdate < 0) return make_error(Errc::invalid_parameter, "viewdate is negative");
    if (o.viewdate > 0) v.viewdate = o.viewdate;
    const std::pair<const char*, std::optional<std::string>*> texts[] = {
        {o.source, &v.source}, {o.storage, &v.storage}, {o.other, &v.other}};
    for (const auto& [text, field] : texts) {
        if (auto ok = check_optional_string(text, "mylist value"); !ok) return ok.error();
        if (text != nullptr) *field = std::string(text);
    }
    return v;
}

Status check_flag(int value, const char* what) {
    if (value != 0 && value != 1) {
        return make_error(Errc::invalid_parameter, std::string(what) + " must be 0 or 1");
    }
    return {};
}

Status check_viewdate(int64_t viewdate) {
    if (viewdate < 0 || viewdate > std::numeric_limits<int32_t>::max()) {
        return make_error(Errc::invalid_parameter, "viewdate must be 0 (now) or 1..2^31-1");
    }
    return {};
}

}  // namespace

extern "C" {

anidb_result_t anidb_mylist_show(anidb_client_handle_t handle, const char* ed2k_hash,
                                 uint64_t file_size, int refresh, anidb_mylist_entry_t** entry) {
    if (entry != nullptr) *entry = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (entry == nullptr) return fail(Errc::invalid_parameter, "entry is NULL");
        if (auto ok = check_string(ed2k_hash, "ed2k_hash"); !ok) return fail(ok.error());
        if (auto ok = check_flag(refresh, "refresh"); !ok) return fail(ok.error());
        auto shown = c.client->mylist_show(file_size, ed2k_hash, refresh == 1);
        if (!shown) return fail(shown.error());
        anidb_mylist_entry_t* out = to_c_entry(*shown);
        if (out == nullptr) return fail(Errc::out_of_memory, "out of memory for the entry");
        *entry = out;
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_mylist_remove(anidb_client_handle_t handle, const char* ed2k_hash,
                                   uint64_t file_size, anidb_mylist_change_t* change) {
    return with_client(handle, [&](ClientEntry& c) {
        if (change == nullptr) return fail(Errc::invalid_parameter, "change is NULL");
        *change = anidb_mylist_change_t{};
        if (auto ok = check_string(ed2k_hash, "ed2k_hash"); !ok) return fail(ok.error());
        auto r = c.client->mylist_remove(file_size, ed2k_hash);
        if (!r) return fail(r.error());
        to_c_change(*r, *change);
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_mylist_edit(anidb_client_handle_t handle, const char* ed2k_hash,
                                 uint64_t file_size, const anidb_mylist_options_t* values,
                                 anidb_mylist_change_t* change) {
    return with_client(handle, [&](ClientEntry& c) {
        if (change == nullptr) return fail(Errc::invalid_parameter, "change is NULL");
        *change = anidb_mylist_change_t{};
        if (values == nullptr) return fail(Errc::invalid_parameter, "values is NULL");
        if (auto ok = check_string(ed2k_hash, "ed2k_hash"); !ok) return fail(ok.error());
        auto v = values_from_c(*values);
        if (!v) return fail(v.error());
        auto r = c.client->mylist_edit(file_size, ed2k_hash, *v);
        if (!r) return fail(r.error());
        to_c_change(*r, *change);
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_mylist_watched(anidb_client_handle_t handle, const char* ed2k_hash,
                                    uint64_t file_size, int watched, int64_t viewdate,
                                    anidb_mylist_change_t* change) {
    return with_client(handle, [&](ClientEntry& c) {
        if (change == nullptr) return fail(Errc::invalid_parameter, "change is NULL");
        *change = anidb_mylist_change_t{};
        if (auto ok = check_string(ed2k_hash, "ed2k_hash"); !ok) return fail(ok.error());
        if (auto ok = check_flag(watched, "watched"); !ok) return fail(ok.error());
        if (auto ok = check_viewdate(viewdate); !ok) return fail(ok.error());
        const std::optional<int64_t> date =
            viewdate > 0 ? std::optional<int64_t>(viewdate) : std::nullopt;
        auto r = c.client->mylist_watched(file_size, ed2k_hash, watched == 1, date);
        if (!r) return fail(r.error());
        to_c_change(*r, *change);
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_mylist_watched_path(anidb_client_handle_t handle, const char* file_path,
                                         int watched, int64_t viewdate,
                                         anidb_mylist_change_t* change) {
    return with_client(handle, [&](ClientEntry& c) {
        if (change == nullptr) return fail(Errc::invalid_parameter, "change is NULL");
        *change = anidb_mylist_change_t{};
        if (auto ok = check_string(file_path, "file_path"); !ok) return fail(ok.error());
        if (auto ok = check_flag(watched, "watched"); !ok) return fail(ok.error());
        if (auto ok = check_viewdate(viewdate); !ok) return fail(ok.error());
        client::ProcessOptions po;
        po.algorithms = {hash::Algorithm::ed2k};
        auto hashed = c.client->process_file(file_path, po);
        if (!hashed) return fail(hashed.error());
        if (hashed->status != client::FileStatus::completed) {
            return fail(hashed->error, hashed->error_message);
        }
        // The ED2K AniDB knows the file by: the blue variant for a chunk
        // multiple known only by that one (it came with the red one); the
        // red one when AniDB cannot be asked now (the change is queued).
        std::string ed2k = hashed->hashes.at(0).value;
        if (!hashed->ed2k_blue.empty()) {
            if (auto info =
                    c.client->identify_hashed(file_path, hashed->size, ed2k, {}, hashed->ed2k_blue);
                info && !info->ed2k.empty()) {
                ed2k = info->ed2k;
            }
        }
        const std::optional<int64_t> date =
            viewdate > 0 ? std::optional<int64_t>(viewdate) : std::nullopt;
        auto r = c.client->mylist_watched(hashed->size, ed2k, watched == 1, date);
        if (!r) return fail(r.error());
        to_c_change(*r, *change);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_mylist_entry(anidb_mylist_entry_t* entry) {
    (void)with_no_handle([&] {
        memory::AllocationTracker::instance().release(entry, memory::AllocType::mylist_entry);
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
