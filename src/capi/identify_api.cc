// Identification and MyList.
#include "capi/capi_internal.h"

using namespace anidb;
using namespace anidb::capi;

extern "C" {

anidb_result_t anidb_identify_file(anidb_client_handle_t handle, const char* ed2k_hash,
                                   uint64_t file_size, anidb_anime_info_t** info) {
    if (info != nullptr) *info = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (info == nullptr) return fail(Errc::invalid_parameter, "info is NULL");
        if (auto ok = check_string(ed2k_hash, "ed2k_hash"); !ok) return fail(ok.error());
        auto found = c.client->identify(file_size, ed2k_hash);
        if (!found) return fail(found.error());
        anidb_anime_info_t* out = to_c_anime_info(*found);
        if (out == nullptr) return fail(Errc::out_of_memory, "out of memory for the answer");
        *info = out;
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_identify_path(anidb_client_handle_t handle, const char* file_path,
                                   anidb_anime_info_t** info) {
    if (info != nullptr) *info = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (info == nullptr) return fail(Errc::invalid_parameter, "info is NULL");
        if (auto ok = check_string(file_path, "file_path"); !ok) return fail(ok.error());
        auto found = c.client->identify_path(file_path);
        if (!found) return fail(found.error());
        anidb_anime_info_t* out = to_c_anime_info(*found);
        if (out == nullptr) return fail(Errc::out_of_memory, "out of memory for the answer");
        *info = out;
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_mylist_add(anidb_client_handle_t handle, const char* ed2k_hash,
                                uint64_t file_size, const anidb_mylist_options_t* options,
                                anidb_mylist_result_t* result) {
    return with_client(handle, [&](ClientEntry& c) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        *result = anidb_mylist_result_t{};
        if (auto ok = check_string(ed2k_hash, "ed2k_hash"); !ok) return fail(ok.error());
        const anidb_mylist_options_t defaults = ANIDB_MYLIST_OPTIONS_INIT;
        const anidb_mylist_options_t& o = options != nullptr ? *options : defaults;
        client::MylistWishes w;
        if (o.state != -1) {
            if (o.state < ANIDB_MYLIST_STATE_UNKNOWN || o.state > ANIDB_MYLIST_STATE_REMOTE) {
                return fail(Errc::invalid_parameter, "state must be -1 or 0..4");
            }
            w.state = o.state;
        }
        if (o.viewed != -1) {
            if (o.viewed != 0 && o.viewed != 1)
                return fail(Errc::invalid_parameter, "viewed must be -1, 0 or 1");
            w.viewed = o.viewed == 1;
        }
        if (o.viewdate < 0) return fail(Errc::invalid_parameter, "viewdate is negative");
        w.viewdate = o.viewdate;
        const std::pair<const char*, std::optional<std::string>*> texts[] = {
            {o.source, &w.source}, {o.storage, &w.storage}, {o.other, &w.other}};
        for (const auto& [text, field] : texts) {
            if (auto ok = check_optional_string(text, "mylist option"); !ok)
                return fail(ok.error());
            if (text != nullptr) *field = std::string(text);
        }
        w.edit = o.edit != 0;
        auto added = c.client->mylist_add(file_size, ed2k_hash, w);
        if (!added) return fail(added.error());
        result->mylist_id = added->mylist_id;
        result->outcome = static_cast<anidb_mylist_outcome_t>(added->outcome);
        result->source = added->from_local_state ? 1 : 0;
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
