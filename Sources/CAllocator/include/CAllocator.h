// The C allocator's tuning knobs (glibc's mallopt and malloc_trim), for the executor's memory budget.
#ifndef STRATA_CALLOCATOR_H
#define STRATA_CALLOCATOR_H

/// Fixes glibc's mmap threshold, trim threshold and arena count; returns 1 when applied, 0 elsewhere.
int strata_tune_allocator(int mmap_threshold, int trim_threshold, int arena_max);

/// Returns free memory at the top of the heap arenas to the system (glibc only; a no-op elsewhere).
void strata_trim_allocator(void);

#endif
