// OpenSSL's libcrypto, which libcurl (OpenSSL flavour) already links: used for SHA-256 only.
#ifndef DOCKERSDK_CCRYPTO_SHIM_H
#define DOCKERSDK_CCRYPTO_SHIM_H

#include <openssl/evp.h>

/// SHA-256 of `count` bytes into `out` (32 bytes); returns 1 on success, 0 on failure.
static inline int dsdk_sha256(const void *data, size_t count, unsigned char *out) {
    unsigned int size = 0;
    return EVP_Digest(data, count, out, &size, EVP_sha256(), NULL) == 1 && size == 32;
}

/// A new incremental SHA-256 context (NULL when libcrypto cannot allocate one).
static inline EVP_MD_CTX *dsdk_sha256_begin(void) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/// Adds `count` bytes; returns 1 on success.
static inline int dsdk_sha256_update(EVP_MD_CTX *ctx, const void *data, size_t count) {
    return EVP_DigestUpdate(ctx, data, count);
}

/// Writes the 32-byte digest of what was added into `out`; returns 1 on success.
static inline int dsdk_sha256_finish(EVP_MD_CTX *ctx, unsigned char *out) {
    unsigned int size = 0;
    return EVP_DigestFinal_ex(ctx, out, &size) == 1 && size == 32;
}

/// Frees a context.
static inline void dsdk_sha256_free(EVP_MD_CTX *ctx) { EVP_MD_CTX_free(ctx); }

#endif
