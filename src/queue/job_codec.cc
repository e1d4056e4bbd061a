#include "queue/job_codec.h"

#include <map>

#include "anidb/record_fields.h"
#include "cache/fields_codec.h"

namespace anidb::queue {
namespace {

using Fields = std::map<std::string, std::string>;

Error unreadable(const std::string& why) {
    return make_error(Errc::cache, "unreadable queued job: " + why);
}

void put_values(Fields& f, const udp::MylistValues& v) {
    if (v.state) f["state"] = std::to_string(static_cast<int>(*v.state));
    if (v.viewed) f["viewed"] = std::string(*v.viewed ? "1" : "0");
    if (v.viewdate) f["viewdate"] = std::to_string(*v.viewdate);
    if (v.source) f["source"] = *v.source;
    if (v.storage) f["storage"] = *v.storage;
    if (v.other) f["other"] = *v.other;
}

// Takes the keys it knows out of `f`; a key left over is an error later.
class FieldReader {
  public:
    explicit FieldReader(Fields f) : f_(std::move(f)) {}

    std::optional<std::string> text(const char* key) {
        auto it = f_.find(key);
        if (it == f_.end()) return std::nullopt;
        std::string v = std::move(it->second);
        f_.erase(it);
        return v;
    }
    std::optional<int64_t> number(const char* key, int64_t max) {
        auto v = text(key);
        if (!v) return std::nullopt;
        auto n = v->empty() ? std::nullopt : udp::parse_field_number(*v, max);
        if (!n) bad_ = std::string(key) + " is not a number";
        return n;
    }
    Status done() const {
        if (!bad_.empty()) return unreadable(bad_);
        if (!f_.empty()) return unreadable("unknown parameter " + f_.begin()->first.substr(0, 40));
        return {};
    }

  private:
    Fields f_;
    std::string bad_;
};

udp::MylistValues take_values(FieldReader& r) {
    udp::MylistValues v;
    if (auto s = r.number("state", udp::kMaxMylistState))
        v.state = static_cast<udp::MylistState>(*s);
    if (auto s = r.number("viewed", 1)) v.viewed = *s == 1;
    v.viewdate = r.number("viewdate", udp::kMaxInt4);
    v.source = r.text("source");
    v.storage = r.text("storage");
    v.other = r.text("other");
    return v;
}

}  // namespace

std::string encode_params(const JobSpec& spec) {
    Fields f;
    if (const auto* add = std::get_if<AddJob>(&spec)) put_values(f, add->values);
    if (const auto* edit = std::get_if<EditJob>(&spec)) put_values(f, edit->values);
    if (const auto* w = std::get_if<WatchedJob>(&spec)) {
        f["watched"] = std::string(w->watched ? "1" : "0");
        if (w->date) f["date"] = std::to_string(*w->date);
        f["asked_at"] = std::to_string(w->asked_at);
    }
    return cache::encode_fields(f);
}

Result<JobKind> decode_kind(int64_t stored) {
    if (stored < 1 || stored > 5) return unreadable("kind " + std::to_string(stored));
    return static_cast<JobKind>(stored);
}

namespace {

Result<JobSpec> take_spec(JobKind kind, FieldReader& r) {
    switch (kind) {
        case JobKind::identify:
            return JobSpec{IdentifyJob{}};
        case JobKind::add:
            return JobSpec{AddJob{take_values(r)}};
        case JobKind::edit:
            return JobSpec{EditJob{take_values(r)}};
        case JobKind::remove:
            return JobSpec{RemoveJob{}};
        case JobKind::watched:
            break;
    }
    WatchedJob w;
    auto watched = r.number("watched", 1);
    auto asked = r.number("asked_at", udp::kMaxInt4);
    if (!watched || !asked) return unreadable("a watched job lacks its flag or time");
    w.watched = *watched == 1;
    w.date = r.number("date", udp::kMaxInt4);
    w.asked_at = *asked;
    return JobSpec{w};
}

}  // namespace

Result<JobSpec> decode_params(JobKind kind, std::string_view text) {
    auto fields = cache::decode_fields(text);
    if (!fields) return unreadable("parameters are not a field map");
    FieldReader r(std::move(*fields));
    auto spec = take_spec(kind, r);
    if (!spec) return spec;
    if (Status s = r.done(); !s) return s.error();
    if (Status s = check_spec(*spec); !s) return unreadable(s.error().message);
    return spec;
}

}  // namespace anidb::queue
