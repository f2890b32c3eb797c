#if canImport(Glibc)
import Glibc
#endif

/// Makes the C allocator give memory back to the system promptly, so peak RSS follows what operators reserve.
///
/// glibc raises its mmap threshold dynamically each time a large block is freed (up to 32 MiB), after which
/// big buffers come from the heap arenas and their pages often stay resident after `free`. Fixing the threshold
/// keeps every buffer of 1 MiB or more in its own mapping (returned on free); capping the arenas at 2 per core
/// bounds how much freed memory worker threads can hold on to.
package enum AllocatorTuning {
    private static let applied: Bool = {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 8 << 20)
        _ = mallopt(M_ARENA_MAX, Int32(2 * max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))))
        #endif
        return true
    }()

    /// Applies the settings once per process.
    package static func apply() { _ = applied }

    /// Returns free heap memory at the top of the arenas to the system (after a phase freed a lot).
    package static func trim() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
