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

void add_ed2k_result(FileHashes& out, std::span<const Md4Digest> chunks, Ed2kVariant variant) {
    out.digests.push_back({Algorithm::ed2k, ed2k_from_chunks(chunks, out.size, variant)});
    if (ed2k_variants_differ(out.size)) {
        out.ed2k_other_variant = ed2k_from_chunks(chunks, out.size, other_variant(variant));
    }
}

}  // namespace anidb::hash
