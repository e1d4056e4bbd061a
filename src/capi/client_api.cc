// Client lifetime, configuration, last errors and the cache functions.
#include "capi/capi_internal.h"
#include "memory/allocation_tracker.h"

using namespace anidb;
using namespace anidb::capi;

namespace anidb::capi {

// The handles of the client's operations and batches become invalid, then
// the client stops in the core's order (Client::close: cancel, wait for
// every operation and its COMPLETION, flush the cache, close the
// callbacks); dropping the handles joins threads that have already ended.
// The client's destructor (when the last reference goes) ends the AniDB
// session: LOGOUT, unless the session is kept for reuse by the next process.
void destroy_client_entry(const std::shared_ptr<ClientEntry>& entry) {
    std::vector<std::shared_ptr<OperationEntry>> ops;
    std::vector<std::shared_ptr<BatchEntry>> batches;
    Registry::instance().take_children(entry->id, ops, batches);
    entry->client->close();
}

}  // namespace anidb::capi

namespace {

anidb_result_t create_client(const anidb_config_t* config, anidb_client_handle_t* handle) {
    if (handle == nullptr) return fail(Errc::invalid_parameter, "handle is NULL");
    *handle = nullptr;
    if (!library_initialised()) {
        return fail(Errc::unknown,
                    "libanidb is not initialised: call anidb_init(ANIDB_ABI_VERSION) first");
    }
    client::ClientConfig cfg;
    cfg.apply_environment();
    if (config != nullptr) {
        const std::pair<const char*, const char*> strings[] = {
            {config->cache_dir, "config->cache_dir"},
            {config->username, "config->username"},
            {config->password, "config->password"},
            {config->client_name, "config->client_name"},
            {config->client_version, "config->client_version"}};
        for (const auto& [s, name] : strings) {
            if (auto ok = check_optional_string(s, name); !ok) return fail(ok.error());
        }
        if (config->cache_dir != nullptr && *config->cache_dir != '\0')
            cfg.cache_dir = config->cache_dir;
        cfg.max_concurrent_files = config->max_concurrent_files;
        cfg.chunk_size = config->chunk_size;
        cfg.max_memory_usage = config->max_memory_usage;
        cfg.debug_logging = config->enable_debug_logging != 0;
        if (config->username != nullptr) cfg.username = config->username;
        if (config->password != nullptr) cfg.password = config->password;
        if (config->client_name != nullptr && *config->client_name != '\0')
            cfg.client_name = config->client_name;
        if (config->client_version != nullptr && *config->client_version != '\0') {
            cfg.client_version = config->client_version;
        }
        if (caller_abi_version() >= 2) {
            if (auto ok = check_optional_string(config->api_key, "config->api_key"); !ok)
                return fail(ok.error());
            if (config->api_key != nullptr) cfg.api_key = config->api_key;
            if (config->encrypt != 0) cfg.encrypt = true;
        }
    }
    auto created = client::Client::create(std::move(cfg));
    if (!created) return fail(created.error());
    auto entry = std::make_shared<ClientEntry>();
    entry->client = std::move(created).value();
    if (const auto problem = entry->client->cache_problem(); !problem.empty()) {
        entry->errors.record_own("running without a cache: " + problem);
    }
    // Cache problems that fail no call (a damaged entry, hashes not stored)
    // reach the ERROR callbacks as ANIDB_ERROR_CACHE; they also become the
    // client's last error, where a caller without callbacks looks.
    std::weak_ptr<ClientEntry> weak = entry;
    entry->client->events().add_error(
        [weak](Errc code, const std::string& message, const std::string&) {
            if (code != Errc::cache) return;
            if (auto e = weak.lock()) e->errors.record_own(message);
        });
    *handle = Registry::instance().add_client(std::move(entry));
    return ANIDB_SUCCESS;
}

}  // namespace

extern "C" {

anidb_result_t anidb_client_create(anidb_client_handle_t* handle) {
    return with_no_handle([&] { return create_client(nullptr, handle); });
}

anidb_result_t anidb_client_create_with_config(const anidb_config_t* config,
                                               anidb_client_handle_t* handle) {
    return with_no_handle([&] {
        if (config == nullptr) {
            if (handle != nullptr) *handle = nullptr;
            return fail(Errc::invalid_parameter, "config is NULL");
        }
        return create_client(config, handle);
    });
}

anidb_result_t anidb_client_set_option(anidb_client_handle_t handle, const char* key,
                                       const char* value) {
    return with_client(handle, [&](ClientEntry& c) {
        if (auto ok = check_string(key, "key"); !ok) return fail(ok.error());
        if (auto ok = check_string(value, "value"); !ok) return fail(ok.error());
        if (auto ok = c.client->set_option(key, value); !ok) return fail(ok.error());
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_client_destroy(anidb_client_handle_t handle) {
    return with_client(handle, [&](ClientEntry& c) {
        if (c.client->events().in_callback()) {
            return fail(Errc::busy,
                        "anidb_client_destroy called from one of the client's own callbacks");
        }
        auto entry = Registry::instance().take_client(handle);
        if (!entry) return fail(Errc::invalid_handle, "invalid client handle");
        destroy_client_entry(entry);
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_client_get_last_error(anidb_client_handle_t handle, char* buffer,
                                           size_t buffer_size) {
    if (buffer != nullptr && buffer_size > 0) buffer[0] = '\0';
    return with_client(handle, [&](ClientEntry& c) {
        // Reading the last error must not replace it: no fail() with the
        // client in scope.
        if (buffer == nullptr || buffer_size == 0) {
            ClientScope outside(nullptr);
            return fail(Errc::invalid_parameter, "buffer is NULL or buffer_size is 0");
        }
        copy_to_buffer(c.errors.for_this_thread(), buffer, buffer_size);
        return ANIDB_SUCCESS;
    });
}

char* anidb_client_get_last_error_string(anidb_client_handle_t handle) {
    char* out = nullptr;
    (void)with_client(handle, [&](ClientEntry& c) {
        out = memory::AllocationTracker::instance().duplicate_string(c.errors.for_this_thread());
        if (out == nullptr) {
            ClientScope outside(nullptr);
            return fail(Errc::out_of_memory, "out of memory");
        }
        return ANIDB_SUCCESS;
    });
    return out;
}

anidb_result_t anidb_cache_clear(anidb_client_handle_t handle) {
    return with_client(handle, [&](ClientEntry& c) {
        if (auto ok = c.client->cache_clear(); !ok) return fail(ok.error());
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_cache_get_stats(anidb_client_handle_t handle, size_t* total_entries,
                                     uint64_t* cache_size_bytes) {
    return with_client(handle, [&](ClientEntry& c) {
        if (total_entries == nullptr || cache_size_bytes == nullptr) {
            return fail(Errc::invalid_parameter, "an out-pointer is NULL");
        }
        auto stats = c.client->cache_stats();
        if (!stats) return fail(stats.error());
        *total_entries = static_cast<size_t>(stats->entries);
        *cache_size_bytes = stats->bytes;
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_cache_check_file(anidb_client_handle_t handle, const char* file_path,
                                      anidb_hash_algorithm_t algorithm, int* is_cached) {
    return with_client(handle, [&](ClientEntry& c) {
        if (is_cached == nullptr) return fail(Errc::invalid_parameter, "is_cached is NULL");
        *is_cached = 0;
        if (auto ok = check_string(file_path, "file_path"); !ok) return fail(ok.error());
        auto algo = algorithm_from_c(raw_enum(algorithm));
        if (!algo) return fail(Errc::invalid_parameter, "unknown hash algorithm");
        // ED2K_BLUE: the cache answers ED2K only with both variants (it keeps
        // the blue one beside it where they differ).
        auto has = c.client->cache_has(file_path, algo->core);
        if (!has) return fail(has.error());
        *is_cached = *has ? 1 : 0;
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
