// The C allocator's tuning knobs (glibc's mallopt), for the executor's memory budget.
#ifndef STRATA_CALLOCATOR_H
#define STRATA_CALLOCATOR_H

/// Fixes glibc's mmap threshold, trim threshold and arena count; returns 1 when applied, 0 elsewhere.
int strata_tune_allocator(int mmap_threshold, int trim_threshold, int arena_max);

/// Returns the free memory of every arena to the system (glibc's malloc_trim); 1 when some was released.
int strata_trim_allocator(void);

#endif
