// OpenSSL's libcrypto, which libcurl (OpenSSL flavour) already links: used for SHA-256 only.
#ifndef DOCKERSDK_CCRYPTO_SHIM_H
#define DOCKERSDK_CCRYPTO_SHIM_H

#include <openssl/evp.h>

/// SHA-256 of `count` bytes into `out` (32 bytes); returns 1 on success, 0 on failure.
static inline int dsdk_sha256(const void *data, size_t count, unsigned char *out) {
    unsigned int size = 0;
    return EVP_Digest(data, count, out, &size, EVP_sha256(), NULL) == 1 && size == 32;
}

#endif
