// The stored form of a job's parameters: one TEXT column holding a
// netstring map (cache/fields_codec.h), e.g. an AddJob with state 1 and a
// note as "5:other,4:note,5:state,1:1,". Reading back is strict: the row
// comes from a file on disk, so an unknown key, a value that is not a
// number in range, or parameters check_spec refuses make it unreadable
// (Errc::cache), never a different job. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "queue/job.h"

namespace anidb::queue {

std::string encode_params(const JobSpec& spec);
Result<JobSpec> decode_params(JobKind kind, std::string_view text);
// The stored kind number read back; Errc::cache when it names no kind.
Result<JobKind> decode_kind(int64_t stored);

}  // namespace anidb::queue
