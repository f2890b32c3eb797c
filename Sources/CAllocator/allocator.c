#include "CAllocator.h"
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
