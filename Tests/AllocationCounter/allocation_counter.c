#include "allocation_counter.h"
#include <errno.h>
#include <malloc.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define HUSH_SANITIZER_OWNS_MALLOC 1
#endif
#endif

#ifdef HUSH_SANITIZER_OWNS_MALLOC
// A sanitizer interposes malloc itself; defining it again would break the sanitizer, so under
// one the counter is off (tests that need it are disabled through ..._available()).
void hush_allocation_counting_begin(void) {}
long hush_allocation_counting_end(void) { return -1; }
long long hush_allocation_live_bytes(void) { return -1; }
long long hush_allocation_peak_bytes(void) { return -1; }
int hush_allocation_counting_available(void) { return 0; }
#else

static __thread int counting;
static __thread long allocations;
static __thread long long live, peak;

void hush_allocation_counting_begin(void) { allocations = 0; live = 0; peak = 0; counting = 1; }
long hush_allocation_counting_end(void) { counting = 0; return allocations; }
long long hush_allocation_live_bytes(void) { return live; }
long long hush_allocation_peak_bytes(void) { return peak; }
int hush_allocation_counting_available(void) { return 1; }

/* Byte accounting uses malloc_usable_size on both sides, so allocations and frees balance. */
static inline void *note(void *p) {
    if (counting) {
        allocations++;
        if (p) { live += (long long)malloc_usable_size(p); if (live > peak) peak = live; }
    }
    return p;
}
static inline void forget(void *p) { if (counting && p) live -= (long long)malloc_usable_size(p); }

void *malloc(size_t n) { return note(__libc_malloc(n)); }
void *calloc(size_t a, size_t b) { return note(__libc_calloc(a, b)); }
void *realloc(void *p, size_t n) { forget(p); return note(__libc_realloc(p, n)); }
void free(void *p) { forget(p); __libc_free(p); }
void *memalign(size_t alignment, size_t n) { return note(__libc_memalign(alignment, n)); }
void *aligned_alloc(size_t alignment, size_t n) { return note(__libc_memalign(alignment, n)); }
int posix_memalign(void **out, size_t alignment, size_t n) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = note(__libc_memalign(alignment, n));
    if (!p && n) return ENOMEM;
    *out = p;
    return 0;
}
#endif
