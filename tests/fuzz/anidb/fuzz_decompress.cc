// libFuzzer: compressed-datagram inflation (zlib and raw DEFLATE paths,
// bounded output) and AES decryption of arbitrary datagrams.
#include <cstddef>
#include <cstdint>
#include <string>

#include "anidb/compression.h"
#include "anidb/crypto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace anidb::udp;
    std::string body(reinterpret_cast<const char*>(data), size);
    std::string datagram = std::string(2, '\0') + body;
    auto out = inflate_datagram(datagram);
    if (out && out->size() > kMaxInflatedReply) __builtin_trap();
    (void)inflate_datagram(datagram, 512);
    static const AesSession key("fuzzkey", "salt");
    auto plain = key.decrypt(body);
    if (plain && is_compressed(*plain)) (void)inflate_datagram(*plain);
    return 0;
}
