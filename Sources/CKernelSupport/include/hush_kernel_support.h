/*
 * What the engine's Swift kernels need from C: a software prefetch (Swift has no prefetch
 * intrinsic; a static inline function is imported and inlined like Swift code), the widening of
 * eight int8 weights to floats, the left-packing table of ChannelSelection and the CRC-32 table
 * of the model-file check.
 */
#ifndef HUSH_KERNEL_SUPPORT_H
#define HUSH_KERNEL_SUPPORT_H

#include <stdint.h>

/** Hints that the cache line holding `address` will be read soon (no fault on any address). */
static inline __attribute__((always_inline)) void hush_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#if defined(__clang__) /* Swift's importer; the package's C files may be built by gcc (firmware) */
/** Eight floats; Swift imports the type as `SIMD8<Float>`. */
typedef float hush_float8 __attribute__((ext_vector_type(8)));

/**
 * The eight int8 values at `p` (any alignment) as floats, in one vector conversion. Swift's own
 * SIMD conversions are lane loops that stay out of line; measured with them, the int8 network
 * took 83.5 instead of 44.2 us per frame on x86-64 and 17.4 M instead of 2.0 M instructions per
 * frame on the Cortex-M7 (both before the M7's aligned float loads, see Float.load8).
 */
static inline __attribute__((always_inline)) hush_float8 hush_widen8(const int8_t *p) {
    typedef signed char hush_int8x8 __attribute__((ext_vector_type(8)));
    hush_int8x8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, hush_float8);
}
#endif

/**
 * Left-packing table, 256 rows of 9 bytes: for an 8-bit mask m, row m lists the positions of m's
 * set bits in ascending order (unused entries 0), then their number. Read-only data.
 */
const uint8_t *hush_left_pack_table(void);

/** CRC-32 table (IEEE 802.3, reflected polynomial 0xEDB88320), 256 entries. Read-only data. */
const uint32_t *hush_crc32_table(void);

#endif
