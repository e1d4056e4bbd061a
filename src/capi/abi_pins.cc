// Every enum the C layer casts between the core and anidb.h, pinned value by
// value at compile time: a core enum that drifts from the ABI fails the
// build, not a caller. (Nothing here runs.)
#include "anidb/anidb.h"
#include "capi/capi_internal.h"
#include "client/collection_types.h"
#include "client/events.h"
#include "client/types.h"
#include "common/error.h"
#include "hash/algorithm.h"
#include "memory/allocation_tracker.h"
#include "memory/memory_budget.h"
#include "queue/job.h"
#include "titles/title_index.h"

namespace anidb::capi {
namespace {

template <typename Core, typename C>
constexpr bool same(Core core, C c) {
    return static_cast<long long>(core) == static_cast<long long>(c);
}

// Errc <-> anidb_result_t (to_c, anidb_error_string, callbacks).
static_assert(same(Errc::ok, ANIDB_SUCCESS));
static_assert(same(Errc::invalid_handle, ANIDB_ERROR_INVALID_HANDLE));
static_assert(same(Errc::invalid_parameter, ANIDB_ERROR_INVALID_PARAMETER));
static_assert(same(Errc::file_not_found, ANIDB_ERROR_FILE_NOT_FOUND));
static_assert(same(Errc::processing, ANIDB_ERROR_PROCESSING));
static_assert(same(Errc::out_of_memory, ANIDB_ERROR_OUT_OF_MEMORY));
static_assert(same(Errc::io, ANIDB_ERROR_IO));
static_assert(same(Errc::network, ANIDB_ERROR_NETWORK));
static_assert(same(Errc::cancelled, ANIDB_ERROR_CANCELLED));
static_assert(same(Errc::invalid_utf8, ANIDB_ERROR_INVALID_UTF8));
static_assert(same(Errc::version_mismatch, ANIDB_ERROR_VERSION_MISMATCH));
static_assert(same(Errc::timeout, ANIDB_ERROR_TIMEOUT));
static_assert(same(Errc::permission_denied, ANIDB_ERROR_PERMISSION_DENIED));
static_assert(same(Errc::cache, ANIDB_ERROR_CACHE));
static_assert(same(Errc::busy, ANIDB_ERROR_BUSY));
static_assert(same(Errc::login_failed, ANIDB_ERROR_LOGIN_FAILED));
static_assert(same(Errc::banned, ANIDB_ERROR_BANNED));
static_assert(same(Errc::no_such_file, ANIDB_ERROR_NO_SUCH_FILE));
static_assert(same(Errc::server_busy, ANIDB_ERROR_SERVER_BUSY));
static_assert(same(Errc::out_of_service, ANIDB_ERROR_OUT_OF_SERVICE));
static_assert(same(Errc::client_rejected, ANIDB_ERROR_CLIENT_REJECTED));
static_assert(same(Errc::server_error, ANIDB_ERROR_SERVER_ERROR));
static_assert(same(Errc::access_denied, ANIDB_ERROR_ACCESS_DENIED));
static_assert(same(Errc::protocol, ANIDB_ERROR_PROTOCOL));
static_assert(same(Errc::no_credentials, ANIDB_ERROR_NO_CREDENTIALS));
static_assert(same(Errc::unknown, ANIDB_ERROR_UNKNOWN));

// hash::Algorithm <-> anidb_hash_algorithm_t (results, events; incoming
// values go through algorithm_from_c).
static_assert(same(hash::Algorithm::ed2k, ANIDB_HASH_ED2K));
static_assert(same(hash::Algorithm::crc32, ANIDB_HASH_CRC32));
static_assert(same(hash::Algorithm::md5, ANIDB_HASH_MD5));
static_assert(same(hash::Algorithm::sha1, ANIDB_HASH_SHA1));
static_assert(same(hash::Algorithm::tth, ANIDB_HASH_TTH));
// ANIDB_HASH_ED2K_BLUE is no core algorithm: the C layer reads it as ED2K
// (algorithm_from_c) and fills it from client::ed2k_blue_or_red. It is the
// last value, so the C layer's longest algorithm list holds each value once.
static_assert(static_cast<int>(ANIDB_HASH_ED2K_BLUE) == static_cast<int>(hash::Algorithm::tth) + 1);
static_assert(kMaxCAlgorithms == static_cast<size_t>(ANIDB_HASH_ED2K_BLUE));

// client::FileStatus -> anidb_status_t (results, anidb_operation_get_status).
static_assert(same(client::FileStatus::pending, ANIDB_STATUS_PENDING));
static_assert(same(client::FileStatus::processing, ANIDB_STATUS_PROCESSING));
static_assert(same(client::FileStatus::completed, ANIDB_STATUS_COMPLETED));
static_assert(same(client::FileStatus::failed, ANIDB_STATUS_FAILED));
static_assert(same(client::FileStatus::cancelled, ANIDB_STATUS_CANCELLED));

// client::EventType -> anidb_event_type_t (events).
static_assert(same(client::EventType::file_start, ANIDB_EVENT_FILE_START));
static_assert(same(client::EventType::file_complete, ANIDB_EVENT_FILE_COMPLETE));
static_assert(same(client::EventType::hash_start, ANIDB_EVENT_HASH_START));
static_assert(same(client::EventType::hash_complete, ANIDB_EVENT_HASH_COMPLETE));
static_assert(same(client::EventType::cache_hit, ANIDB_EVENT_CACHE_HIT));
static_assert(same(client::EventType::cache_miss, ANIDB_EVENT_CACHE_MISS));
static_assert(same(client::EventType::network_start, ANIDB_EVENT_NETWORK_START));
static_assert(same(client::EventType::network_complete, ANIDB_EVENT_NETWORK_COMPLETE));
static_assert(same(client::EventType::memory_warning, ANIDB_EVENT_MEMORY_WARNING));
static_assert(same(client::EventType::events_dropped, ANIDB_EVENT_EVENTS_DROPPED));
static_assert(same(client::EventType::network_wait, ANIDB_EVENT_NETWORK_WAIT));

// client::CallbackKind <-> anidb_callback_type_t (anidb_register_callback).
static_assert(same(client::CallbackKind::progress, ANIDB_CALLBACK_PROGRESS));
static_assert(same(client::CallbackKind::error, ANIDB_CALLBACK_ERROR));
static_assert(same(client::CallbackKind::completion, ANIDB_CALLBACK_COMPLETION));
static_assert(same(client::CallbackKind::event, ANIDB_CALLBACK_EVENT));

// client::MylistOutcome -> anidb_mylist_outcome_t (anidb_mylist_add).
static_assert(same(client::MylistOutcome::added, ANIDB_MYLIST_ADDED));
static_assert(same(client::MylistOutcome::already_present, ANIDB_MYLIST_ALREADY_PRESENT));
static_assert(same(client::MylistOutcome::updated, ANIDB_MYLIST_UPDATED));

// memory::Pressure -> anidb_memory_stats_t::memory_pressure (0 low .. 3 critical).
static_assert(same(memory::Pressure::low, 0) && same(memory::Pressure::medium, 1));
static_assert(same(memory::Pressure::high, 2) && same(memory::Pressure::critical, 3));

// memory::AllocType <-> anidb_allocation_type_t (per-type statistics).
static_assert(same(memory::AllocType::string, ANIDB_ALLOCATION_STRING));
static_assert(same(memory::AllocType::hash_result, ANIDB_ALLOCATION_HASH_RESULT));
static_assert(same(memory::AllocType::file_result, ANIDB_ALLOCATION_FILE_RESULT));
static_assert(same(memory::AllocType::batch_result, ANIDB_ALLOCATION_BATCH_RESULT));
static_assert(same(memory::AllocType::buffer, ANIDB_ALLOCATION_BUFFER));
static_assert(same(memory::AllocType::event, ANIDB_ALLOCATION_EVENT));
static_assert(same(memory::AllocType::anime_info, ANIDB_ALLOCATION_ANIME_INFO));
static_assert(same(memory::AllocType::mylist_entry, ANIDB_ALLOCATION_MYLIST_ENTRY));
static_assert(same(memory::AllocType::anime, ANIDB_ALLOCATION_ANIME));
static_assert(same(memory::AllocType::episode, ANIDB_ALLOCATION_EPISODE));
static_assert(same(memory::AllocType::group, ANIDB_ALLOCATION_GROUP));
static_assert(same(memory::AllocType::title_search, ANIDB_ALLOCATION_TITLE_SEARCH));
static_assert(same(memory::AllocType::queue_list, ANIDB_ALLOCATION_QUEUE_LIST));

// Issue 16: MyList changes, queue reasons and kinds, title update outcomes.
static_assert(same(client::MylistChangeKind::nothing, ANIDB_MYLIST_CHANGE_NOTHING));
static_assert(same(client::MylistChangeKind::added, ANIDB_MYLIST_CHANGE_ADDED));
static_assert(same(client::MylistChangeKind::edited, ANIDB_MYLIST_CHANGE_EDITED));
static_assert(same(client::MylistChangeKind::removed, ANIDB_MYLIST_CHANGE_REMOVED));
static_assert(same(client::MylistChangeKind::queued, ANIDB_MYLIST_CHANGE_QUEUED));
static_assert(same(client::MylistChangeKind::done_from_queue, ANIDB_MYLIST_CHANGE_DONE_FROM_QUEUE));
static_assert(same(queue::WaitReason::none, ANIDB_QUEUE_REASON_NONE));
static_assert(same(queue::WaitReason::cooldown, ANIDB_QUEUE_REASON_COOLDOWN));
static_assert(same(queue::WaitReason::no_answer, ANIDB_QUEUE_REASON_NO_ANSWER));
static_assert(same(queue::WaitReason::server_busy, ANIDB_QUEUE_REASON_SERVER_BUSY));
static_assert(same(queue::WaitReason::no_credentials, ANIDB_QUEUE_REASON_NO_CREDENTIALS));
static_assert(same(queue::WaitReason::unknown_file, ANIDB_QUEUE_REASON_UNKNOWN_FILE));
static_assert(same(queue::WaitReason::interrupted, ANIDB_QUEUE_REASON_INTERRUPTED));
static_assert(same(queue::WaitReason::local_error, ANIDB_QUEUE_REASON_LOCAL_ERROR));
static_assert(same(queue::WaitReason::server_error, ANIDB_QUEUE_REASON_SERVER_ERROR));
static_assert(same(queue::WaitReason::client_rejected, ANIDB_QUEUE_REASON_CLIENT_REJECTED));
static_assert(same(queue::JobKind::identify, ANIDB_QUEUE_JOB_IDENTIFY));
static_assert(same(queue::JobKind::add, ANIDB_QUEUE_JOB_MYLIST_ADD));
static_assert(same(queue::JobKind::edit, ANIDB_QUEUE_JOB_MYLIST_EDIT));
static_assert(same(queue::JobKind::remove, ANIDB_QUEUE_JOB_MYLIST_REMOVE));
static_assert(same(queue::JobKind::watched, ANIDB_QUEUE_JOB_WATCHED));
static_assert(same(titles::RefreshResult::Outcome::updated, ANIDB_TITLES_UPDATED));
static_assert(same(titles::RefreshResult::Outcome::not_modified, ANIDB_TITLES_NOT_MODIFIED));
static_assert(same(titles::RefreshResult::Outcome::up_to_date, ANIDB_TITLES_UP_TO_DATE));
static_assert(same(titles::RefreshResult::Outcome::too_soon, ANIDB_TITLES_TOO_SOON));
static_assert(ANIDB_ALLOCATION_TYPE_COUNT == memory::kAllocTypeCount);

}  // namespace
}  // namespace anidb::capi
