#include "hash/ed2k_chunks.h"

#include "hash/encoding.h"

namespace anidb::hash {

std::string ed2k_from_chunks(std::span<const Md4Digest> chunks, uint64_t size,
                             Ed2kVariant variant) {
    const bool append_empty = variant == Ed2kVariant::red && ed2k_variants_differ(size);
    if (chunks.empty()) return to_hex(Md4::empty());
    if (chunks.size() == 1 && !append_empty) return to_hex(chunks.front());
    Md4 md4;
    md4.update(std::as_bytes(chunks));
    if (append_empty) {
        const Md4Digest empty = Md4::empty();
        md4.update(std::as_bytes(std::span(empty)));
    }
    return to_hex(md4.finish());
}

}  // namespace anidb::hash
