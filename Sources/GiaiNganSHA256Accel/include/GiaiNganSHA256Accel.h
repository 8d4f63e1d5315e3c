#ifndef GIAINGAN_SHA256_ACCEL_H
#define GIAINGAN_SHA256_ACCEL_H

#include <stddef.h>
#include <stdint.h>

/// Whether this processor has the SHA extensions (x86-64 SHA-NI) that
/// giaingan_sha256_blocks uses. Always 0 on other architectures.
int giaingan_sha256_accelerated(void);

/// Compresses `blocks` 64-byte blocks of `data` into `state` (8 words, FIPS 180-4 order)
/// with the SHA-NI instructions. Call only when giaingan_sha256_accelerated() is 1.
void giaingan_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
