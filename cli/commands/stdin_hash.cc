#include "stdin_hash.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <optional>
#include <system_error>

#include "hash/ed2k_chunks.h"
#include "hash/stream_hasher.h"

namespace anidb::cli {

Result<client::FileResult> hash_standard_input(const std::vector<hash::Algorithm>& algorithms,
                                               const std::stop_token& stop, bool ed2k_blue) {
    if (Status valid = hash::validate_algorithms(algorithms); !valid) return valid.error();
    const auto started = std::chrono::steady_clock::now();
    hash::StreamHasher hasher(algorithms);
    // The blue ED2K from the same bytes (standard input is read once).
    const std::array<hash::Algorithm, 1> ed2k_only{hash::Algorithm::ed2k};
    std::optional<hash::StreamHasher> blue;
    if (ed2k_blue) blue.emplace(ed2k_only, hash::Ed2kVariant::blue);
    std::vector<std::byte> buffer(1 << 20);
    while (true) {
        if (stop.stop_requested()) return make_error(Errc::cancelled, "interrupted");
        const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(
                Errc::io, "cannot read standard input: " + std::generic_category().message(errno));
        }
        hasher.update(std::span(buffer.data(), static_cast<size_t>(n)));
        if (blue) blue->update(std::span(buffer.data(), static_cast<size_t>(n)));
    }
    client::FileResult result;
    result.path = "-";
    result.size = hasher.size();
    result.hashes = hasher.finish();
    if (blue && hash::ed2k_variants_differ(result.size)) {
        result.ed2k_blue = blue->finish().at(0).value;
    }
    result.status = client::FileStatus::completed;
    result.processing_time_ms =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count());
    return result;
}

}  // namespace anidb::cli
