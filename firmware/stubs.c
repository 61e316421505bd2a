/*
 * Symbols the Embedded Swift core references on paths a firmware does not take (see
 * firmware-notes): the caller-memory API never hashes with a random seed, and the stack guard
 * is a constant here (no entropy source on this board).
 */
#include <stdlib.h>
#include <malloc.h>
#include <string.h>

void arc4random_buf(void *buffer, size_t count) { memset(buffer, 0x5a, count); }

int posix_memalign(void **out, size_t alignment, size_t size) {
    void *p = memalign(alignment, size);
    if (!p) return 12; /* ENOMEM */
    *out = p;
    return 0;
}

unsigned long __stack_chk_guard = 0x595e9fbdUL;
void __stack_chk_fail(void) { abort(); }
