/*
 * What the engine's Swift kernels need from C: a software prefetch (Swift has no prefetch
 * intrinsic; a static inline function is imported and inlined like Swift code) and the
 * left-packing table of ChannelSelection; the CRC-32 table of the model-file check.
 */
#ifndef HUSH_KERNEL_SUPPORT_H
#define HUSH_KERNEL_SUPPORT_H

#include <stdint.h>

/** Hints that the cache line holding `address` will be read soon (no fault on any address). */
static inline __attribute__((always_inline)) void hush_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/**
 * Left-packing table, 256 rows of 9 bytes: for an 8-bit mask m, row m lists the positions of m's
 * set bits in ascending order (unused entries 0), then their number. Read-only data.
 */
const uint8_t *hush_left_pack_table(void);

/** CRC-32 table (IEEE 802.3, reflected polynomial 0xEDB88320), 256 entries. Read-only data. */
const uint32_t *hush_crc32_table(void);

#endif
