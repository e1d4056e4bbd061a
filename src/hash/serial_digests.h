// The hashes that can only run front to back (MD5, SHA1, CRC32), for the
// subset of them a request names. Used by StreamHasher and by the serial lane
// of the file engine. Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "hash/algorithm.h"
#include "hash/primitives.h"

namespace anidb::hash {

class SerialDigests {
  public:
    // Keeps state for the MD5/SHA1/CRC32 members of `algorithms` (others ignored).
    explicit SerialDigests(std::span<const Algorithm> algorithms);
    bool active() const noexcept { return md5_ || sha1_ || crc32_; }
    void update(std::span<const std::byte> bytes) noexcept;
    // Text of `a` after the last update (MD5, SHA1 or CRC32 only; each once).
    std::string finish(Algorithm a);

  private:
    std::unique_ptr<EvpDigest> md5_;
    std::unique_ptr<EvpDigest> sha1_;
    std::optional<Crc32> crc32_;
};

}  // namespace anidb::hash
