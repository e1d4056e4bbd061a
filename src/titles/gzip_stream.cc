#include "titles/gzip_stream.h"

#include <zlib.h>

#include <array>
#include <string>

namespace anidb::titles {

namespace {

constexpr size_t kChunk = size_t{64} * 1024;

struct Inflater {
    z_stream z{};
    bool open = false;
    ~Inflater() {
        if (open) inflateEnd(&z);
    }
};

}  // namespace

Status gunzip(std::span<const uint8_t> gz, uint64_t max_output,
              const std::function<Status(std::string_view)>& sink, const std::stop_token& stop) {
    if (gz.size() < 2 || gz[0] != 0x1f || gz[1] != 0x8b) {
        return make_error(Errc::protocol, "titles dump is not gzip data");
    }
    Inflater inflater;
    // 16 + MAX_WBITS: gzip wrapper only (header, CRC-32 and length checked).
    const int init = inflateInit2(&inflater.z, 16 + MAX_WBITS);
    if (init != Z_OK) {
        return make_error(init == Z_MEM_ERROR ? Errc::out_of_memory : Errc::unknown,
                          "cannot start gzip decompression");
    }
    inflater.open = true;
    z_stream& z = inflater.z;
    std::array<unsigned char, kChunk> out{};
    uint64_t produced = 0;
    size_t offset = 0;
    // zlib's avail_in is 32-bit: feed at most 1 GiB at a time.
    const auto refill = [&] {
        const size_t n = std::min<size_t>(gz.size() - offset, size_t{1} << 30);
        z.next_in = const_cast<Bytef*>(gz.data() + offset);  // zlib never writes input
        z.avail_in = static_cast<uInt>(n);
        offset += n;
    };
    refill();
    for (;;) {
        if (stop.stop_requested()) return make_error(Errc::cancelled, "cancelled");
        if (z.avail_in == 0 && offset < gz.size()) refill();
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        const int rc = inflate(&z, Z_NO_FLUSH);
        const size_t got = out.size() - z.avail_out;
        if (got != 0) {
            produced += got;
            if (produced > max_output) {
                return make_error(Errc::protocol, "titles dump inflates to more than " +
                                                      std::to_string(max_output) +
                                                      " bytes (limit)");
            }
            if (Status s = sink(std::string_view(reinterpret_cast<const char*>(out.data()), got));
                !s) {
                return s;
            }
        }
        if (rc == Z_STREAM_END) {
            // Input is fed in order, so next_in is where the rest begins.
            const auto pos = static_cast<size_t>(z.next_in - gz.data());
            if (pos == gz.size()) return {};
            // Another member must follow, with its own magic bytes.
            if (gz.size() - pos < 2 || gz[pos] != 0x1f || gz[pos + 1] != 0x8b) {
                return make_error(Errc::protocol, "titles dump has trailing bytes after gzip data");
            }
            if (inflateReset(&z) != Z_OK) {
                return make_error(Errc::protocol, "titles dump: bad gzip member");
            }
            continue;
        }
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && offset == gz.size() && got == 0) {
            return make_error(Errc::protocol, "titles dump is truncated (incomplete gzip data)");
        }
        if (rc == Z_MEM_ERROR) return make_error(Errc::out_of_memory, "out of memory in gzip");
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return make_error(Errc::protocol, std::string("titles dump is corrupt (gzip: ") +
                                                  (z.msg != nullptr ? z.msg : "bad data") + ")");
        }
    }
}

}  // namespace anidb::titles
