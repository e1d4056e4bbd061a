// Who runs a claimed job, and whether that process still lives: the claim
// a process writes into a job it takes is "<boot id>/<pid>/<start time>/
// <random>", and another process takes the job over only when that owner
// is gone: the machine rebooted since (another boot id), no process has
// that pid, or the pid now belongs to a younger process or a zombie (its
// start time differs, or it is in state Z/X). So two living processes never
// run the same job, and a job whose process was killed (SIGKILL, a crash,
// power loss) runs again. The queue's database is per user on one machine;
// processes in another PID namespace sharing it would not see each other
// (documented in docs/mylist-and-metadata.md). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace anidb::queue {

// This process's claim token (computed again after a fork).
std::string this_process_owner();

// False when the owner named by `token` has surely ended (a malformed
// token counts as ended: it cannot be anybody's claim).
bool owner_alive(std::string_view token);

}  // namespace anidb::queue
