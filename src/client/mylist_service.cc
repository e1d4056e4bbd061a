// MylistService (mylist_service.h): MyList through the local state and the
// work queue.
#include "client/mylist_service.h"

#include <variant>

#include "client/joint_stop.h"
#include "queue/host_wait.h"
#include "queue/retry_policy.h"

namespace anidb::client {
namespace {

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

Result<mylist::FileIds> MylistService::identify(const queue::FileKey& file,
                                                const std::stop_token& stop) {
    auto info = identifier_.identify(file.size, file.ed2k, stop);
    if (!info) return info.error();
    return mylist::FileIds{
        static_cast<int64_t>(info->file_id), static_cast<int64_t>(info->episode_id),
        static_cast<int64_t>(info->anime_id), static_cast<int64_t>(info->group_id)};
}

Result<mylist::MylistChange> MylistService::run_job(const queue::FileKey& file,
                                                    const queue::JobSpec& spec,
                                                    const std::stop_token& stop) {
    auto store = context_.mylist_store();
    if (!store) return store.error();
    auto ids = identify(file, stop);
    if (!ids) return ids.error();
    const int64_t now = unix_now();
    const mylist::SessionSource source = [this]() { return link_.session(); };
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

// The queue's executor: each job is one piece of MyList work.
class MylistService::QueueExecutor final : public queue::JobExecutor {
  public:
    explicit QueueExecutor(MylistService& service) : service_(service) {}
    queue::JobResult run(const queue::Job& job, const std::stop_token& stop) override {
        auto done = service_.run_job(job.file, job.spec, stop);
        return queue::job_result(done ? Status{} : Status{done.error()},
                                 AnidbSessionLink::host_state_dir());
    }

  private:
    MylistService& service_;
};

Result<queue::RunReport> MylistService::run_queue(bool include_not_due, const std::stop_token& stop,
                                                  OnJob on_job) {
    auto q = context_.work_queue();
    if (!q) return q.error();
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();
    JointStop joint(stop, context_.shutdown_token());
    QueueExecutor executor(*this);
    queue::RunOptions options;
    options.include_not_due = include_not_due;
    options.stop = joint.token();
    options.on_job = std::move(on_job);
    return queue::run_queue(**q, executor, options);
}

Result<MylistChangeResult> MylistService::change(uint64_t size, std::string_view ed2k,
                                                 const queue::JobSpec& spec,
                                                 const std::stop_token& stop) {
    auto key = queue::make_file_key(size, ed2k);
    if (!key) return key.error();
    if (auto ok = queue::check_spec(spec); !ok) return ok.error();
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();
    auto q = context_.work_queue();
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
        auto run = run_queue(false, stop);
        if (!run) return run.error();
        return describe_queued(queued->id);
    }

    JointStop joint(stop, context_.shutdown_token());
    auto direct = run_job(*key, spec, joint.token());
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
    const queue::Disposition d = queue::dispose(
        probe, queue::job_result(direct.error(), AnidbSessionLink::host_state_dir()), now);
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

Result<MylistShowResult> MylistService::show(uint64_t size, std::string_view ed2k, bool refresh,
                                             const std::stop_token& stop) {
    auto key = queue::make_file_key(size, ed2k);
    if (!key) return key.error();
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();
    auto store = context_.mylist_store();
    if (!store) return store.error();
    JointStop joint(stop, context_.shutdown_token());
    auto ids = identify(*key, joint.token());
    if (!ids) return ids.error();
    const mylist::SessionSource source = [this]() { return link_.session(); };
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

Result<MylistResult> MylistService::add(uint64_t size, std::string_view ed2k,
                                        const MylistWishes& wishes, const std::stop_token& stop) {
    auto key = queue::make_file_key(size, ed2k);
    if (!key) return key.error();
    udp::MylistValues values;
    // check_values (mylist_actions) refuses a state outside MylistState.
    if (wishes.state) values.state = static_cast<udp::MylistState>(*wishes.state);
    values.viewed = wishes.viewed;
    if (wishes.viewed.value_or(false) && wishes.viewdate > 0) values.viewdate = wishes.viewdate;
    values.source = wishes.source;
    values.storage = wishes.storage;
    values.other = wishes.other;
    // edit: change the file's entry, never add one (Errc::no_such_file).
    const queue::JobSpec spec = wishes.edit && !values.empty()
                                    ? queue::JobSpec{queue::EditJob{std::move(values)}}
                                    : queue::JobSpec{queue::AddJob{std::move(values)}};
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();
    JointStop joint(stop, context_.shutdown_token());
    auto done = run_job(*key, spec, joint.token());
    if (!done) return done.error();
    MylistResult result;
    result.mylist_id = static_cast<uint64_t>(done->lid);
    result.from_local_state = done->commands == 0;
    switch (done->what) {
        case mylist::MylistChange::What::added:
            result.outcome = MylistOutcome::added;
            break;
        case mylist::MylistChange::What::edited:
            result.outcome = MylistOutcome::updated;
            break;
        case mylist::MylistChange::What::nothing:
        case mylist::MylistChange::What::removed:
            result.outcome = MylistOutcome::already_present;
            break;
    }
    return result;
}

}  // namespace anidb::client
