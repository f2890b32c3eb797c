import CAllocator

/// Makes the C allocator give memory back to the system promptly, so peak RSS follows what operators reserve.
///
/// glibc raises its mmap threshold dynamically each time a large block is freed (up to 32 MiB), after which
/// big buffers come from the heap arenas and their pages often stay resident after `free`. Fixing the threshold
/// keeps every buffer of 1 MiB or more in its own mapping (returned on free); capping the arenas at 2 per core
/// bounds how much freed memory worker threads can hold on to.
package enum AllocatorTuning {
    private static let applied: Bool = {
        strata_tune_allocator(1 << 20, 8 << 20, Int32(2 * ExecutionOptions.coreCount)) == 1
    }()

    /// Applies the settings once per process; returns whether the allocator accepted them.
    @discardableResult
    package static func apply() -> Bool { applied }
}
