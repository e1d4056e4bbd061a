// The persistent AniDB work queue through the C ABI: list, run, clear.
#include "capi/capi_internal.h"
#include "capi/result_block.h"

using namespace anidb;
using namespace anidb::capi;

namespace {

static_assert(sizeof(anidb_queue_list_t) % alignof(anidb_queue_job_t) == 0);

anidb_queue_list_t* to_c_listing(const queue::WorkQueue::Listing& l) {
    const size_t n = l.jobs.size();
    ResultBlock block(memory::AllocType::queue_list,
                      sizeof(anidb_queue_list_t) + n * sizeof(anidb_queue_job_t));
    std::vector<std::pair<size_t, size_t>> at;
    at.reserve(n);
    for (const auto& job : l.jobs) {
        at.emplace_back(block.add_text(job.file.ed2k), block.add_text(job.detail));
    }
    char* base = block.allocate();
    if (base == nullptr) return nullptr;
    auto* out = reinterpret_cast<anidb_queue_list_t*>(base);
    auto* jobs = reinterpret_cast<anidb_queue_job_t*>(base + sizeof *out);
    for (size_t i = 0; i < n; ++i) {
        const queue::Job& job = l.jobs[i];
        jobs[i].id = job.id;
        jobs[i].kind = static_cast<anidb_queue_job_kind_t>(queue::kind_of(job.spec));
        jobs[i].file_size = job.file.size;
        jobs[i].ed2k = block.text(at[i].first);
        jobs[i].failed = job.state == queue::JobState::failed ? 1 : 0;
        jobs[i].running = job.running ? 1 : 0;
        jobs[i].reason = static_cast<anidb_queue_reason_t>(job.reason);
        jobs[i].detail = block.text(at[i].second);
        jobs[i].attempts = job.attempts;
        jobs[i].created_at = job.created_at;
        jobs[i].next_try_at = job.next_try_at;
    }
    out->jobs = n > 0 ? jobs : nullptr;
    out->count = n;
    out->unreadable = l.unreadable;
    return out;
}

}  // namespace

extern "C" {

anidb_result_t anidb_queue_list(anidb_client_handle_t handle, anidb_queue_list_t** list) {
    if (list != nullptr) *list = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (list == nullptr) return fail(Errc::invalid_parameter, "list is NULL");
        auto r = c.client->queue_list();
        if (!r) return fail(r.error());
        anidb_queue_list_t* out = to_c_listing(*r);
        if (out == nullptr) return fail(Errc::out_of_memory, "out of memory for the listing");
        *list = out;
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_queue_run(anidb_client_handle_t handle, int include_not_due,
                               anidb_queue_run_t* result) {
    return with_client(handle, [&](ClientEntry& c) {
        if (result == nullptr) return fail(Errc::invalid_parameter, "result is NULL");
        *result = anidb_queue_run_t{};
        if (include_not_due != 0 && include_not_due != 1) {
            return fail(Errc::invalid_parameter, "include_not_due must be 0 or 1");
        }
        auto r = c.client->queue_run(include_not_due == 1);
        if (!r) return fail(r.error());
        result->completed = r->completed;
        result->rescheduled = r->rescheduled;
        result->failed = r->failed;
        result->released = r->released;
        result->stopped_by = r->stopped_by ? to_c(r->stopped_by->code) : ANIDB_SUCCESS;
        // The run itself succeeded; why it stopped early is the last error.
        if (r->stopped_by) (void)fail(*r->stopped_by);
        return ANIDB_SUCCESS;
    });
}

anidb_result_t anidb_queue_clear(anidb_client_handle_t handle, int failed_only, size_t* dropped) {
    if (dropped != nullptr) *dropped = 0;
    return with_client(handle, [&](ClientEntry& c) {
        if (failed_only != 0 && failed_only != 1) {
            return fail(Errc::invalid_parameter, "failed_only must be 0 or 1");
        }
        auto r = c.client->queue_clear(failed_only == 1 ? queue::WorkQueue::Which::failed
                                                        : queue::WorkQueue::Which::all);
        if (!r) return fail(r.error());
        if (dropped != nullptr) *dropped = *r;
        return ANIDB_SUCCESS;
    });
}

void anidb_free_queue_list(anidb_queue_list_t* list) {
    (void)with_no_handle([&] {
        memory::AllocationTracker::instance().release(list, memory::AllocType::queue_list);
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
