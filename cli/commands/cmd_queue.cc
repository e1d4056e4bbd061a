// `anidb queue` (what waits, and why), `anidb queue run [--all]` (send what
// is due now), `anidb queue clear [--failed]`: the persistent queue of AniDB
// work that could not be sent (queue/work_queue.h, in the cache database).
#include <ctime>

#include <fmt/format.h>

#include "commands.h"
#include "console.h"
#include "exit_codes.h"
#include "text_escape.h"
#include "time_text.h"

namespace anidb::cli {

namespace {

struct QueueFlags {
    bool all = false;     // run: also jobs whose next try is later
    bool failed = false;  // clear: only failed and unreadable jobs
};

std::string job_what(const queue::Job& job) {
    if (const auto* w = std::get_if<queue::WatchedJob>(&job.spec)) {
        std::string text = w->watched ? "mark watched" : "mark unwatched";
        if (w->date) text += " (" + local_time_text(*w->date) + ")";
        return text;
    }
    return queue::kind_name(queue::kind_of(job.spec));
}

std::string job_state(const queue::Job& job, int64_t now) {
    if (job.state == queue::JobState::failed) return "failed";
    if (job.running) return "running";
    if (job.next_try_at <= now) return "due";
    return fmt::format("waiting ({}) until {}", queue::reason_name(job.reason),
                       local_time_text(job.next_try_at));
}

// One line per job: "#ID  WHAT  SIZE ED2K  STATE[, N attempts][: detail]".
void print_listing(const queue::WorkQueue::Listing& listing, AppContext& ctx) {
    const Style& style = ctx.console->out_style();
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    size_t failed = 0, due = 0;
    for (const queue::Job& job : listing.jobs) {
        const bool is_failed = job.state == queue::JobState::failed;
        failed += is_failed ? 1 : 0;
        due += !is_failed && !job.running && job.next_try_at <= now ? 1 : 0;
        std::string line =
            fmt::format("#{}  {}  {} {}  ", job.id, job_what(job), job.file.size, job.file.ed2k);
        line += style.paint(is_failed ? Tone::bad : Tone::warn, job_state(job, now));
        if (job.attempts > 0) {
            line += fmt::format(", {} attempt{}", job.attempts, job.attempts == 1 ? "" : "s");
        }
        if (!job.detail.empty()) line += ": " + printable(job.detail);
        ctx.console->out() << line << '\n';
    }
    ctx.console->out() << fmt::format("{} jobs: {} due, {} failed", listing.jobs.size(), due,
                                      failed);
    if (listing.unreadable > 0) {
        ctx.console->out() << fmt::format(
            ", {} unreadable (damaged; `anidb queue clear --failed` "
            "drops them)",
            listing.unreadable);
    }
    ctx.console->out() << '\n' << std::flush;
}

Result<std::shared_ptr<client::Client>> queue_client(AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return settings.error();
    return create_client(*settings, ctx);
}

int run_list(AppContext& ctx) {
    auto client = queue_client(ctx);
    if (!client) return report_error(client.error());
    auto listing = (*client)->queue_list();
    if (!listing) return report_error(listing.error());
    print_listing(*listing, ctx);
    return kExitOk;
}

int run_run(const QueueFlags& flags, AppContext& ctx) {
    auto client = queue_client(ctx);
    if (!client) return report_error(client.error());
    const Style& style = ctx.console->out_style();
    StatusArea& status = begin_status(ctx);
    Result<queue::RunReport> report = make_error(Errc::unknown, "");
    {
        AnidbActivityFeed feed(**client, status);
        report = (*client)->queue_run(
            flags.all, ctx.cancellation->token(),
            [&](const queue::Job& job, const queue::JobResult& result,
                const queue::Disposition& d) {
                std::string line = fmt::format("#{}  {}  {} {}  ", job.id, job_what(job),
                                               job.file.size, job.file.ed2k);
                switch (d.action) {
                    case queue::Disposition::Action::complete:
                        line += style.paint(Tone::ok, "done");
                        break;
                    case queue::Disposition::Action::reschedule:
                        line +=
                            style.paint(Tone::warn, fmt::format("waits ({}) until {}",
                                                                queue::reason_name(d.reason),
                                                                local_time_text(d.next_try_at)));
                        break;
                    case queue::Disposition::Action::fail:
                        line += style.paint(Tone::bad, "failed");
                        break;
                    case queue::Disposition::Action::release:
                        line += style.paint(Tone::dim, "not tried (stopped)");
                        break;
                }
                if (!result.status) line += ": " + printable(result.status.error().message);
                ctx.console->out() << line << '\n' << std::flush;
            });
    }
    ctx.console->end_status();
    finish_session(**client, ctx);
    if (!report) return report_error(report.error());
    print_summary(ctx, fmt::format("{} done, {} waiting again, {} failed", report->completed,
                                   report->rescheduled, report->failed));
    if (ctx.cancellation->interrupted()) return kExitInterrupted;
    if (report->stopped_by && report->stopped_by->code != Errc::cancelled) {
        ctx.console->message("anidb: the run stopped: " + printable(report->stopped_by->message));
        return exit_code_for(report->stopped_by->code);
    }
    return report->failed == 0 ? kExitOk : kExitSomeFailed;
}

int run_clear(const QueueFlags& flags, AppContext& ctx) {
    auto client = queue_client(ctx);
    if (!client) return report_error(client.error());
    auto dropped = (*client)->queue_clear(flags.failed ? queue::WorkQueue::Which::failed
                                                       : queue::WorkQueue::Which::all);
    if (!dropped) return report_error(dropped.error());
    ctx.console->out() << fmt::format("{} job{} dropped\n", *dropped, *dropped == 1 ? "" : "s")
                       << std::flush;
    return kExitOk;
}

}  // namespace

void add_queue_command(CLI::App& app, AppContext& ctx) {
    auto flags = std::make_shared<QueueFlags>();
    CLI::App* q = app.add_subcommand("queue", "List, send or drop AniDB work that waits");
    q->footer(
        "MyList changes (mylist remove / watched) that AniDB cannot take now (a ban or\n"
        "out-of-service cool-down, no answer, no user name or password yet, a file AniDB\n"
        "does not know yet) wait in the cache database and are sent later, in order,\n"
        "within AniDB's flood rules, by `anidb queue run` or the next MyList command for\n"
        "the same file. Without a subcommand, lists them: #ID WHAT SIZE ED2K STATE.\n\n" +
        std::string(kExitCodeHelp));
    q->callback([q, &ctx] {
        if (q->get_subcommands().empty()) ctx.exit_code = run_list(ctx);
    });
    CLI::App* run = q->add_subcommand("run", "Send the work that is due now");
    run->add_flag("--all", flags->all,
                  "Also try work whose back-off has not ended (never into a running cool-down)");
    run->footer(
        "Prints #ID WHAT SIZE ED2K: done / waits (REASON) until DATE / failed.\n"
        "The run stops at the first error every later job would meet too.\n");
    run->callback([flags, &ctx] { ctx.exit_code = run_run(*flags, ctx); });
    CLI::App* clear = q->add_subcommand("clear", "Drop waiting work");
    clear->add_flag("--failed", flags->failed, "Drop only failed and unreadable jobs");
    clear->callback([flags, &ctx] { ctx.exit_code = run_clear(*flags, ctx); });
}

}  // namespace anidb::cli
