import CAllocator

/// Makes the C allocator give memory back to the system promptly, so peak RSS follows what operators reserve.
///
/// glibc raises its mmap threshold dynamically each time a large block is freed (up to 32 MiB), after which
/// big buffers come from the heap arenas and their pages often stay resident after `free`. Fixing the threshold
/// keeps every buffer of 1 MiB or more in its own mapping (returned on free); a 2 MiB trim threshold returns the
/// free top of each arena soon; capping the arenas at 2 per core bounds how much freed memory worker threads can
/// hold on to. The price is paid in page faults: about 10% of the time of a join writing 9 million rows, where
/// the peak RSS under a 256 MB limit fell from 365 to 259 MiB.
package enum AllocatorTuning {
    private static let applied: Bool = {
        strata_tune_allocator(1 << 20, 2 << 20, Int32(2 * ExecutionOptions.coreCount)) == 1
    }()

    /// Applies the settings once per process; returns whether the allocator accepted them.
    @discardableResult
    package static func apply() -> Bool { applied }

    /// Gives the free memory of the allocator's arenas back to the system, after an operator freed many small
    /// buffers at once (a join's build partitions once its table is built): without it their pages stay resident.
    package static func trim() { _ = strata_trim_allocator() }
}
