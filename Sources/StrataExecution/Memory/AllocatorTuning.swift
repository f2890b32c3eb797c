import CAllocator
import Synchronization

/// Makes the C allocator give memory back to the system promptly, so peak RSS follows what operators reserve.
///
/// glibc raises its mmap threshold dynamically each time a large block is freed (up to 32 MiB), after which
/// big buffers come from the heap arenas and their pages often stay resident after `free`. Fixing the threshold
/// keeps every buffer at or above it in its own mapping (returned on free), and a trim threshold of twice that
/// returns the free top of each arena soon; capping the arenas at 2 per core bounds how much freed memory worker
/// threads can hold on to. The price is paid in page faults, every mapped buffer faulting its pages in afresh, so
/// the threshold scales with the memory limit: a 256th of it, between 1 MiB and 32 MiB. Under a 256 MB limit
/// (1 MiB) a join of 10 million rows against 10 million peaks at 261 MiB instead of 294 MiB, but the join
/// benchmark's q1 takes 3.8–4.4 s instead of 3.2 s;
/// under 1 GB (3.8 MiB) the 1 MiB column slices of a scan stay on the heap, and a group-by over 100 million rows
/// faults 9 thousand pages instead of a million (1.95 s instead of 2.8 s).
package enum AllocatorTuning {
    /// The mmap threshold in force (0: not tuned yet); only ever lowered, so the tightest limit seen wins.
    private static let threshold = Mutex<Int>(0)

    /// The mmap threshold for a memory limit of `memoryLimit` bytes.
    package static func mmapThreshold(memoryLimit: Int) -> Int {
        min(32 << 20, max(1 << 20, memoryLimit / 256))
    }

    /// Applies the settings for a query under `memoryLimit` (unless a smaller limit already set a lower threshold);
    /// returns whether the allocator accepts them (glibc only).
    @discardableResult
    package static func apply(memoryLimit: Int) -> Bool {
        let wanted = mmapThreshold(memoryLimit: memoryLimit)
        return threshold.withLock { current in
            if current != 0 && current <= wanted { return true }
            let arenas = Int32(clamping: 2 * ExecutionOptions.coreCount)
            guard strata_tune_allocator(Int32(wanted), Int32(2 * wanted), arenas) == 1 else { return false }
            current = wanted
            return true
        }
    }

    /// Gives the free memory of the allocator's arenas back to the system, after an operator freed many small
    /// buffers at once (a join's build partitions once its table is built): without it their pages stay resident.
    package static func trim() { _ = strata_trim_allocator() }
}
