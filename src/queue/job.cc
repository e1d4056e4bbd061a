#include "queue/job.h"

#include <cctype>

#include "anidb/record_fields.h"
#include "anidb/server_text.h"

namespace anidb::queue {

Result<FileKey> make_file_key(uint64_t size, std::string_view ed2k) {
    if (size == 0 || size > static_cast<uint64_t>(INT64_MAX))
        return make_error(Errc::invalid_parameter, "a queued job needs the file's size");
    if (!udp::is_hex(ed2k, 32))
        return make_error(Errc::invalid_parameter, "a queued job needs the file's 32-digit ED2K");
    FileKey key{size, std::string(ed2k)};
    for (char& c : key.ed2k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

JobKind kind_of(const JobSpec& spec) {
    struct Kind {
        JobKind operator()(const IdentifyJob&) const { return JobKind::identify; }
        JobKind operator()(const AddJob&) const { return JobKind::add; }
        JobKind operator()(const EditJob&) const { return JobKind::edit; }
        JobKind operator()(const RemoveJob&) const { return JobKind::remove; }
        JobKind operator()(const WatchedJob&) const { return JobKind::watched; }
    };
    return std::visit(Kind{}, spec);
}

const char* kind_name(JobKind kind) {
    switch (kind) {
        case JobKind::identify:
            return "identify";
        case JobKind::add:
            return "mylist add";
        case JobKind::edit:
            return "mylist edit";
        case JobKind::remove:
            return "mylist remove";
        case JobKind::watched:
            return "mylist watched";
    }
    return "unknown";
}

const char* reason_name(WaitReason reason) {
    switch (reason) {
        case WaitReason::none:
            return "due";
        case WaitReason::cooldown:
            return "cool-down";
        case WaitReason::no_answer:
            return "no answer";
        case WaitReason::server_busy:
            return "server busy";
        case WaitReason::no_credentials:
            return "no credentials";
        case WaitReason::unknown_file:
            return "unknown file";
        case WaitReason::interrupted:
            return "interrupted";
        case WaitReason::local_error:
            return "local error";
        case WaitReason::server_error:
            return "server error";
        case WaitReason::client_rejected:
            return "client rejected";
    }
    return "unknown";
}

Status check_spec(const JobSpec& spec) {
    if (const auto* add = std::get_if<AddJob>(&spec)) return udp::check_values(add->values);
    if (const auto* edit = std::get_if<EditJob>(&spec)) {
        if (edit->values.empty())
            return make_error(Errc::invalid_parameter, "a MyList edit needs a value to set");
        return udp::check_values(edit->values);
    }
    if (const auto* w = std::get_if<WatchedJob>(&spec)) {
        const auto unix_time = [](int64_t t) { return t > 0 && t <= udp::kMaxInt4; };
        if (!unix_time(w->asked_at) || (w->date && !unix_time(*w->date)))
            return make_error(Errc::invalid_parameter,
                              "a watched job needs Unix times from 1 to 2^31-1");
        if (!w->watched && w->date)
            return make_error(Errc::invalid_parameter, "an unwatched job takes no date");
    }
    return {};
}

}  // namespace anidb::queue
