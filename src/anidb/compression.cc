#include "anidb/compression.h"

#include <zlib.h>

#include <cstdint>

namespace anidb::udp {
namespace {

bool zlib_header(unsigned char b2, unsigned char b3) {
    return (b2 & 0x0F) == 8 && (static_cast<unsigned>(b2) * 256 + b3) % 31 == 0;
}

}  // namespace

bool is_compressed(std::string_view d) {
    return d.size() >= 2 && d[0] == '\0' && d[1] == '\0';
}

Result<std::string> inflate_datagram(std::string_view datagram, size_t max_size) {
    if (!is_compressed(datagram)) return make_error(Errc::protocol, "no compression marker");
    std::string_view body = datagram.substr(2);
    bool zlib = body.size() >= 2 && zlib_header(static_cast<unsigned char>(body[0]),
                                                static_cast<unsigned char>(body[1]));
    z_stream zs{};
    if (inflateInit2(&zs, zlib ? 15 : -15) != Z_OK)
        return make_error(Errc::out_of_memory, "inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    zs.avail_in = static_cast<uInt>(body.size());
    std::string out;
    char chunk[4096];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        size_t produced = sizeof chunk - zs.avail_out;
        if (out.size() + produced > max_size) {
            inflateEnd(&zs);
            return make_error(Errc::protocol, "compressed reply inflates beyond " +
                                                  std::to_string(max_size) + " bytes");
        }
        out.append(chunk, produced);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended early
        if (rc == Z_OK && produced == 0 && zs.avail_in == 0) break;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) return make_error(Errc::protocol, "corrupt compressed reply");
    return out;
}

Result<std::string> deflate_datagram(std::string_view text, bool raw_deflate) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, raw_deflate ? -15 : 15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return make_error(Errc::out_of_memory, "deflateInit2 failed");
    std::string out(2, '\0');
    size_t bound = deflateBound(&zs, static_cast<uLong>(text.size()));
    out.resize(2 + bound);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + 2);
    zs.avail_out = static_cast<uInt>(bound);
    int rc = deflate(&zs, Z_FINISH);
    size_t written = bound - zs.avail_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return make_error(Errc::protocol, "deflate failed");
    out.resize(2 + written);
    return out;
}

}  // namespace anidb::udp
