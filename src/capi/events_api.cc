// Callbacks and the event system (MEMORY_WARNING reaches every client from
// the core: client/memory_warnings.h).
#include <mutex>

#include "capi/capi_internal.h"

using namespace anidb;
using namespace anidb::capi;

namespace {

anidb_event_t to_c_event(const client::EventView& e) {
    anidb_event_t out{};
    out.type = static_cast<anidb_event_type_t>(e.type);
    out.timestamp = e.timestamp_ms;
    out.context = *e.context == '\0' ? nullptr : e.context;
    switch (e.type) {
        case client::EventType::file_start:
        case client::EventType::file_complete:
            out.data.file.file_path = e.subject;
            out.data.file.file_size = e.number;
            break;
        case client::EventType::hash_start:
        case client::EventType::hash_complete:
            out.data.hash.algorithm = static_cast<anidb_hash_algorithm_t>(e.algorithm);
            out.data.hash.hash_value = *e.value == '\0' ? nullptr : e.value;
            break;
        case client::EventType::cache_hit:
        case client::EventType::cache_miss:
            out.data.cache.file_path = e.subject;
            out.data.cache.algorithm = static_cast<anidb_hash_algorithm_t>(e.algorithm);
            break;
        case client::EventType::network_start:
        case client::EventType::network_complete:
            out.data.network.endpoint = e.subject;
            out.data.network.status_code = static_cast<int>(e.number);
            break;
        case client::EventType::memory_warning:
            out.data.memory.current_usage = e.number;
            out.data.memory.max_usage = e.number2;
            break;
        case client::EventType::events_dropped:
            out.data.dropped.count = e.number;
            break;
        case client::EventType::network_wait:
            out.data.wait.endpoint = e.subject;
            out.data.wait.send_at = e.number;
            break;
    }
    return out;
}

}  // namespace

extern "C" {

uint64_t anidb_register_callback(anidb_client_handle_t handle, anidb_callback_type_t type,
                                 void* callback, void* user_data) {
    uint64_t id = 0;
    (void)with_client(handle, [&](ClientEntry& c) {
        if (callback == nullptr) return fail(Errc::invalid_parameter, "callback is NULL");
        auto& hub = c.client->events();
        switch (raw_enum(type)) {
            case ANIDB_CALLBACK_PROGRESS: {
                auto cb = reinterpret_cast<anidb_progress_callback_t>(callback);
                id = hub.add_progress(
                    [cb, user_data](float p, uint64_t d, uint64_t t) { cb(p, d, t, user_data); });
                break;
            }
            case ANIDB_CALLBACK_ERROR: {
                auto cb = reinterpret_cast<anidb_error_callback_t>(callback);
                id = hub.add_error(
                    [cb, user_data](Errc code, const std::string& msg, const std::string& path) {
                        cb(static_cast<anidb_result_t>(code), msg.c_str(),
                           path.empty() ? nullptr : path.c_str(), user_data);
                    });
                break;
            }
            case ANIDB_CALLBACK_COMPLETION: {
                auto cb = reinterpret_cast<anidb_completion_callback_t>(callback);
                id = hub.add_completion([cb, user_data](Errc code) {
                    cb(static_cast<anidb_result_t>(code), user_data);
                });
                break;
            }
            case ANIDB_CALLBACK_EVENT: {
                auto cb = reinterpret_cast<anidb_event_callback_t>(callback);
                id = hub.add_event([cb, user_data](const client::Event& e) {
                    const anidb_event_t ce = to_c_event(e.view());
                    cb(&ce, user_data);
                });
                break;
            }
            default:
                return fail(Errc::invalid_parameter,
                            "unknown callback type " + std::to_string(raw_enum(type)));
        }
        if (id == 0) return fail(Errc::invalid_handle, "the client is being destroyed");
        return ANIDB_SUCCESS;
    });
    return id;
}

anidb_result_t anidb_unregister_callback(anidb_client_handle_t handle, uint64_t callback_id) {
    return with_client(handle, [&](ClientEntry& c) {
        if (!c.client->events().remove(callback_id)) {
            return fail(Errc::invalid_parameter,
                        "no callback with id " + std::to_string(callback_id));
        }
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_event_connect(anidb_client_handle_t handle, anidb_event_callback_t callback,
                                   void* user_data) {
    return with_client(handle, [&](ClientEntry& c) {
        if (callback == nullptr) return fail(Errc::invalid_parameter, "callback is NULL");
        c.client->events().connect([callback, user_data](const client::Event& e) {
            const anidb_event_t ce = to_c_event(e.view());
            callback(&ce, user_data);
        });
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_event_disconnect(anidb_client_handle_t handle) {
    return with_client(handle, [&](ClientEntry& c) {
        c.client->events().disconnect();
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_event_poll(anidb_client_handle_t handle, anidb_event_t* events,
                                size_t max_events, size_t* event_count) {
    return with_client(handle, [&](ClientEntry& c) {
        if (event_count == nullptr || (events == nullptr && max_events > 0)) {
            return fail(Errc::invalid_parameter, "events or event_count is NULL");
        }
        *event_count = 0;
        // The previous poll's strings go first (they are invalid from now on),
        // then the queue is polled with no lock of ours held: the poll
        // allocates, which may run the memory warning's callbacks.
        {
            std::lock_guard lock(c.poll_mutex);
            c.polled = client::PolledEvents{};
        }
        client::PolledEvents fresh = c.client->events().poll(max_events);
        if (fresh.empty() && fresh.out_of_memory()) {
            return fail(Errc::out_of_memory,
                        "the queued events' strings do not fit under the memory limit");
        }
        std::lock_guard lock(c.poll_mutex);
        c.polled = std::move(fresh);
        for (size_t i = 0; i < c.polled.size(); ++i) events[i] = to_c_event(c.polled[i]);
        *event_count = c.polled.size();
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
