// `anidb hash -`: hashes standard input (a pipe, a terminal or a
// redirected file) with every requested algorithm in one pass, as md5sum
// and rhash do for "-".
#pragma once

#include <stop_token>
#include <vector>

#include "client/types.h"
#include "common/result.h"
#include "hash/algorithm.h"

namespace anidb::cli {

// The result carries path "-". Errors: Errc::io for a read error,
// Errc::cancelled when `stop` is requested, Errc::invalid_parameter for an
// algorithm list the hasher refuses. `ed2k_blue`: also the blue ED2K
// (FileResult::ed2k_blue, set where it differs), from the same bytes.
Result<client::FileResult> hash_standard_input(const std::vector<hash::Algorithm>& algorithms,
                                               const std::stop_token& stop, bool ed2k_blue = false);

}  // namespace anidb::cli
