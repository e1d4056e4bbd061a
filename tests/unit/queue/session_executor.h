// A JobExecutor over a real udp::Session and MylistStore: what the client
// builds over its own Session and cache (issue 15 / 16 integration), kept
// small here to drive the runner end to end against the fake server. Files
// are identified with FILE (remembered for the run).
#pragma once

#include <ctime>
#include <map>
#include <utility>

#include "anidb/commands.h"
#include "mylist/mylist_actions.h"
#include "queue/host_wait.h"
#include "queue/queue_runner.h"

namespace anidb::queue::test {

class SessionExecutor : public JobExecutor {
  public:
    SessionExecutor(udp::Session& session, mylist::MylistStore& store)
        : session_(session), store_(store) {}

    JobResult run(const Job& job, const std::stop_token& stop) override {
        return job_result(execute(job, stop), session_.host_state_dir());
    }

  private:
    Status execute(const Job& job, const std::stop_token& stop) {
        auto ids = identify(job.file, stop);
        if (!ids) return ids.error();
        if (std::holds_alternative<IdentifyJob>(job.spec)) return {};
        const int64_t now = static_cast<int64_t>(std::time(nullptr));
        const mylist::SessionSource source = [this]() -> Result<udp::Session*> {
            return &session_;
        };
        Result<mylist::MylistChange> r = make_error(Errc::unknown, "");
        if (const auto* add = std::get_if<AddJob>(&job.spec)) {
            r = mylist::add_to_mylist(source, store_, *ids, add->values, now, stop);
        } else if (const auto* edit = std::get_if<EditJob>(&job.spec)) {
            r = mylist::edit_in_mylist(source, store_, *ids, edit->values, now, stop);
        } else if (std::holds_alternative<RemoveJob>(job.spec)) {
            r = mylist::remove_from_mylist(source, store_, *ids, now, stop);
        } else {
            const auto& w = std::get<WatchedJob>(job.spec);
            r = mylist::mark_watched(source, store_, *ids, {w.watched, w.date, w.asked_at}, now,
                                     stop);
        }
        if (!r) return r.error();
        return {};
    }

    Result<mylist::FileIds> identify(const FileKey& file, const std::stop_token& stop) {
        const auto key = std::make_pair(file.size, file.ed2k);
        if (auto it = known_.find(key); it != known_.end()) return it->second;
        auto f = udp::file_by_hash(session_, file.size, file.ed2k, stop);
        if (!f) return f.error();
        mylist::FileIds ids{f->fid, f->eid, f->aid, f->gid};
        known_[key] = ids;
        return ids;
    }

    udp::Session& session_;
    mylist::MylistStore& store_;
    std::map<std::pair<uint64_t, std::string>, mylist::FileIds> known_;
};

}  // namespace anidb::queue::test
