#include "anidb/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace anidb::udp {

AesSession::AesSession(std::string_view api_key, std::string_view salt) {
    std::string material;
    material.reserve(api_key.size() + salt.size());
    material.append(api_key).append(salt);
    unsigned int len = 0;
    EVP_Digest(material.data(), material.size(), key_.data(), &len, EVP_md5(), nullptr);
    OPENSSL_cleanse(material.data(), material.size());
}

AesSession::~AesSession() {
    OPENSSL_cleanse(key_.data(), key_.size());
}

Result<std::string> AesSession::run(std::string_view in, bool encrypt) const {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        &EVP_CIPHER_CTX_free);
    if (!ctx) return make_error(Errc::out_of_memory, "EVP_CIPHER_CTX_new failed");
    // ECB with PKCS padding (OpenSSL's default), as Java's "AES" does.
    if (EVP_CipherInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key_.data(), nullptr,
                          encrypt ? 1 : 0) != 1)
        return make_error(Errc::unknown, "AES init failed");
    std::string out(in.size() + 16, '\0');
    int n1 = 0;
    int n2 = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (EVP_CipherUpdate(ctx.get(), o, &n1, reinterpret_cast<const unsigned char*>(in.data()),
                         static_cast<int>(in.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), o + n1, &n2) != 1)
        return make_error(encrypt ? Errc::unknown : Errc::protocol,
                          encrypt ? "AES encryption failed" : "datagram does not decrypt");
    out.resize(static_cast<size_t>(n1 + n2));
    return out;
}

Result<std::string> AesSession::encrypt(std::string_view plain) const {
    return run(plain, true);
}

Result<std::string> AesSession::decrypt(std::string_view cipher) const {
    if (cipher.empty() || cipher.size() % 16 != 0)
        return make_error(Errc::protocol, "datagram is not whole AES blocks");
    return run(cipher, false);
}

}  // namespace anidb::udp
