#include "allocation_counter.h"
#include <errno.h>
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
// one the counter is off and reports -1 (the allocation test then skips its assertion).
void hush_allocation_counting_begin(void) {}
long hush_allocation_counting_end(void) { return -1; }
int hush_allocation_counting_available(void) { return 0; }
#else

static __thread int counting;
static __thread long allocations;

void hush_allocation_counting_begin(void) { allocations = 0; counting = 1; }
long hush_allocation_counting_end(void) { counting = 0; return allocations; }
int hush_allocation_counting_available(void) { return 1; }

static inline void note(void) { if (counting) allocations++; }

void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { note(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t alignment, size_t n) { note(); return __libc_memalign(alignment, n); }
void *aligned_alloc(size_t alignment, size_t n) { note(); return __libc_memalign(alignment, n); }
int posix_memalign(void **out, size_t alignment, size_t n) {
    note();
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, n);
    if (!p && n) return ENOMEM;
    *out = p;
    return 0;
}
#endif
