// Client's MyList calls (show, add through the queue, remove, edit, watched) over the local MyList
// state (src/mylist) and the work queue (src/queue): identify the file
// through the cache, let mylist_actions.h decide what to send, and keep in
// the queue what cannot be sent now. Also opens those parts on first use.
#include <variant>

#include "anidb/host_state.h"
#include "client/client.h"
#include "client/client_impl.h"
#include "client/mylist_jobs.h"
#include "mylist/mylist_actions.h"
#include "queue/host_wait.h"
#include "queue/retry_policy.h"

namespace anidb::client {
namespace {

Error no_cache(const Client::Impl& impl) {
    return make_error(Errc::cache, "no cache (MyList state and the work queue live there): " +
                                       impl.cache_problem);
}

template <typename Part, typename Open>
Result<Part*> open_part(Client::Impl& impl, std::unique_ptr<Part>& slot, Open open) {
    std::lock_guard lock(impl.parts_mutex);
    if (slot) return slot.get();
    if (!impl.cache) return no_cache(impl);
    auto opened = open(impl.cache);
    if (!opened) return opened.error();
    slot = std::move(opened).value();
    return slot.get();
}

MylistChangeKind kind_of(mylist::MylistChange::What what) {
    switch (what) {
        case mylist::MylistChange::What::nothing:
            return MylistChangeKind::nothing;
        case mylist::MylistChange::What::added:
            return MylistChangeKind::added;
        case mylist::MylistChange::What::edited:
            return MylistChangeKind::edited;
        case mylist::MylistChange::What::removed:
            return MylistChangeKind::removed;
    }
    return MylistChangeKind::nothing;
}

}  // namespace

Result<mylist::MylistStore*> mylist_store(Client::Impl& impl) {
    return open_part(impl, impl.mylist,
                     [](const auto& db) { return mylist::MylistStore::open(db); });
}

Result<queue::WorkQueue*> work_queue(Client::Impl& impl) {
    return open_part(impl, impl.queue, [](const auto& db) { return queue::WorkQueue::open(db); });
}

Result<titles::TitleIndex*> title_index(Client::Impl& impl) {
    return open_part(impl, impl.titles,
                     [](const auto& db) { return titles::TitleIndex::open(db); });
}

Result<mylist::FileIds> identify_for_mylist(Client& client, const queue::FileKey& file,
                                            const std::stop_token& stop) {
    auto info = client.identify(file.size, file.ed2k, stop);
    if (!info) return info.error();
    return mylist::FileIds{
        static_cast<int64_t>(info->file_id), static_cast<int64_t>(info->episode_id),
        static_cast<int64_t>(info->anime_id), static_cast<int64_t>(info->group_id)};
}

Result<mylist::MylistChange> run_mylist_job(Client& client, Client::Impl& impl,
                                            const queue::FileKey& file, const queue::JobSpec& spec,
                                            const std::stop_token& stop) {
    auto store = mylist_store(impl);
    if (!store) return store.error();
    auto ids = identify_for_mylist(client, file, stop);
    if (!ids) return ids.error();
    const int64_t now = unix_now();
    const mylist::SessionSource source = [&client, &impl]() { return session_for(client, impl); };
    mylist::MylistStore& s = **store;
    if (std::holds_alternative<queue::IdentifyJob>(spec)) return mylist::MylistChange{};
    if (const auto* add = std::get_if<queue::AddJob>(&spec)) {
        return mylist::add_to_mylist(source, s, *ids, add->values, now, stop);
    }
    if (const auto* edit = std::get_if<queue::EditJob>(&spec)) {
        return mylist::edit_in_mylist(source, s, *ids, edit->values, now, stop);
    }
    if (std::holds_alternative<queue::RemoveJob>(spec)) {
        return mylist::remove_from_mylist(source, s, *ids, now, stop);
    }
    const auto& w = std::get<queue::WatchedJob>(spec);
    return mylist::mark_watched(source, s, *ids, {w.watched, w.date, w.asked_at}, now, stop);
}

Result<MylistChangeResult> Client::change_mylist(uint64_t size, std::string_view ed2k,
                                                 const queue::JobSpec& spec,
                                                 const std::stop_token& stop) {
    auto key = queue::make_file_key(size, ed2k);
    if (!key) return key.error();
    if (auto ok = queue::check_spec(spec); !ok) return ok.error();
    if (impl_->shutting_down) return make_error(Errc::cancelled, "the client is shutting down");
    auto q = work_queue(*impl_);
    if (!q) return q.error();
    const int64_t now = unix_now();

    MylistChangeResult result;
    const auto describe_queued = [&](int64_t job_id) -> Result<MylistChangeResult> {
        auto listing = (*q)->list();
        if (!listing) return listing.error();
        for (const queue::Job& job : listing->jobs) {
            if (job.id != job_id) continue;
            result.what = MylistChangeKind::queued;
            result.job_id = job.id;
            result.reason = job.reason;
            result.detail = job.detail;
            result.next_try_at = job.next_try_at;
            return result;
        }
        result.what = MylistChangeKind::done_from_queue;
        return result;
    };

    // Earlier jobs of this file wait: this one goes behind them, and the
    // due ones (this one included, when its turn comes) are sent now.
    auto pending = (*q)->pending_for(*key);
    if (!pending) return pending.error();
    if (*pending > 0) {
        auto queued = (*q)->enqueue(*key, spec, now);
        if (!queued) return queued.error();
        auto run = queue_run(false, stop);
        if (!run) return run.error();
        return describe_queued(queued->id);
    }

    JointStop joint(stop, impl_->shutdown_source.get_token());
    auto direct = run_mylist_job(*this, *impl_, *key, spec, joint.token());
    if (direct) {
        result.what = kind_of(direct->what);
        result.lid = direct->lid;
        result.commands = direct->commands;
        return result;
    }
    // The queue's one rule table (retry_policy.h) says what the error
    // means: work that may succeed later waits in the queue.
    queue::Job probe;
    probe.file = *key;
    probe.spec = spec;
    const queue::Disposition d =
        queue::dispose(probe, queue::job_result(direct.error(), anidb_host_state_dir()), now);
    switch (d.action) {
        case queue::Disposition::Action::complete:  // removal of a file in nobody's MyList
            return result;
        case queue::Disposition::Action::reschedule: {
            auto queued =
                (*q)->enqueue(*key, spec, now, {d.reason, direct.error().message, d.next_try_at});
            if (!queued) return queued.error();
            return describe_queued(queued->id);
        }
        case queue::Disposition::Action::fail:
        case queue::Disposition::Action::release:
            break;
    }
    return direct.error();
}

Result<MylistChangeResult> Client::mylist_add_or_queue(uint64_t size, std::string_view ed2k,
                                                       const udp::MylistValues& values,
                                                       const std::stop_token& stop) {
    return change_mylist(size, ed2k, queue::AddJob{values}, stop);
}

Result<MylistChangeResult> Client::mylist_remove(uint64_t size, std::string_view ed2k,
                                                 const std::stop_token& stop) {
    return change_mylist(size, ed2k, queue::RemoveJob{}, stop);
}

Result<MylistChangeResult> Client::mylist_edit(uint64_t size, std::string_view ed2k,
                                               const udp::MylistValues& values,
                                               const std::stop_token& stop) {
    return change_mylist(size, ed2k, queue::EditJob{values}, stop);
}

Result<MylistChangeResult> Client::mylist_watched(uint64_t size, std::string_view ed2k,
                                                  bool watched, std::optional<int64_t> date,
                                                  const std::stop_token& stop) {
    return change_mylist(size, ed2k, queue::WatchedJob{watched, date, unix_now()}, stop);
}

Result<MylistShowResult> Client::mylist_show(uint64_t size, std::string_view ed2k, bool refresh,
                                             const std::stop_token& stop) {
    auto key = queue::make_file_key(size, ed2k);
    if (!key) return key.error();
    if (impl_->shutting_down) return make_error(Errc::cancelled, "the client is shutting down");
    auto store = mylist_store(*impl_);
    if (!store) return store.error();
    JointStop joint(stop, impl_->shutdown_source.get_token());
    auto ids = identify_for_mylist(*this, *key, joint.token());
    if (!ids) return ids.error();
    const mylist::SessionSource source = [this]() { return session_for(*this, *impl_); };
    auto view = mylist::show_mylist(source, **store, *ids, unix_now(), refresh, joint.token());
    if (!view) return view.error();
    MylistShowResult out;
    out.fid = ids->fid;
    out.from_local_state = view->from_local_state;
    if (const auto* known = std::get_if<mylist::KnownEntry>(&view->state)) {
        out.in_mylist = true;
        out.entry = known->entry;
        out.confirmed_at = known->confirmed_at;
    } else {
        out.confirmed_at = std::get<mylist::KnownAbsent>(view->state).confirmed_at;
    }
    return out;
}

}  // namespace anidb::client
