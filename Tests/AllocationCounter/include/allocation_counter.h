#ifndef HUSH_ALLOCATION_COUNTER_H
#define HUSH_ALLOCATION_COUNTER_H

/// Test support: this target defines malloc/calloc/realloc/free/posix_memalign/aligned_alloc/
/// memalign for the test executable, forwarding to glibc's own entry points. Because an
/// executable's definitions take precedence over libc's, every allocation in the process, from
/// Swift's runtime included, passes through here. Counting is per thread, so tests running in
/// parallel on other threads do not disturb a measurement.

/// Starts counting allocations made on the calling thread (resets the count).
void hush_allocation_counting_begin(void);

/// Stops counting and returns the number of allocation calls made on this thread since begin,
/// or -1 when a sanitizer owns malloc and counting is unavailable.
long hush_allocation_counting_end(void);

/// 1 when allocations can be counted (no sanitizer owns malloc), else 0.
int hush_allocation_counting_available(void);
/// Heap bytes (malloc_usable_size) allocated minus freed on this thread since begin: what the
/// measured code still holds.
long long hush_allocation_live_bytes(void);

/// The highest value `hush_allocation_live_bytes` reached since begin: the measured code's peak.
long long hush_allocation_peak_bytes(void);

#endif
