#include "hash/serial_digests.h"

#include <algorithm>

#include "hash/encoding.h"

namespace anidb::hash {

SerialDigests::SerialDigests(std::span<const Algorithm> algorithms) {
    const auto wants = [&](Algorithm a) {
        return std::find(algorithms.begin(), algorithms.end(), a) != algorithms.end();
    };
    if (wants(Algorithm::md5)) md5_ = std::make_unique<EvpDigest>(EvpDigest::Kind::md5);
    if (wants(Algorithm::sha1)) sha1_ = std::make_unique<EvpDigest>(EvpDigest::Kind::sha1);
    if (wants(Algorithm::crc32)) crc32_.emplace();
}

void SerialDigests::update(std::span<const std::byte> bytes) noexcept {
    if (crc32_) crc32_->update(bytes);
    if (sha1_) sha1_->update(bytes);
    if (md5_) md5_->update(bytes);
}

std::string SerialDigests::finish(Algorithm a) {
    std::array<uint8_t, 20> bytes{};
    switch (a) {
        case Algorithm::md5:
            if (md5_) return to_hex(std::span(bytes).first(md5_->finish(bytes)));
            break;
        case Algorithm::sha1:
            if (sha1_) return to_hex(std::span(bytes).first(sha1_->finish(bytes)));
            break;
        case Algorithm::crc32:
            if (crc32_) return crc32_to_hex(crc32_->value());
            break;
        default:
            break;
    }
    return {};
}

}  // namespace anidb::hash
