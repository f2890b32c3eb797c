#include "CAllocator.h"
// <stdlib.h> first: it defines __GLIBC__ (through <features.h>) on glibc systems; without it the test below is false.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int strata_tune_allocator(int mmap_threshold, int trim_threshold, int arena_max) {
#if defined(__GLIBC__)
    int ok = mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    ok &= mallopt(M_TRIM_THRESHOLD, trim_threshold);
    ok &= mallopt(M_ARENA_MAX, arena_max);
    return ok;
#else
    (void)mmap_threshold; (void)trim_threshold; (void)arena_max;
    return 0;
#endif
}

int strata_trim_allocator(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

