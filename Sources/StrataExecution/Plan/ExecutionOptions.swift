import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a query runs: its memory limit, worker threads and spill settings.
public struct ExecutionOptions: Sendable {
    /// The memory budget in bytes, judged by the process's peak resident memory. Default: half the machine's RAM.
    public var memoryLimit: Int
    /// Worker threads. Default: one per core; at most 1,024 (a query asking for more fails).
    public var threads: Int
    /// Parent directory of the spill files. Default: `$TMPDIR`, else `/tmp`.
    public var spillDirectory: String?
    /// Cap on spill bytes on disk at once (nil: no cap).
    public var maxSpillBytes: Int64?
    /// A handle that cancels the query from another thread (nil: not cancellable).
    public var cancellation: QueryCancellation?

    /// Creates options; nil arguments take the defaults.
    public init(memoryLimit: Int? = nil, threads: Int? = nil, spillDirectory: String? = nil,
                maxSpillBytes: Int64? = nil, cancellation: QueryCancellation? = nil) {
        self.cancellation = cancellation
        self.memoryLimit = memoryLimit ?? ExecutionOptions.defaultMemoryLimit
        self.threads = max(1, threads ?? ExecutionOptions.coreCount)
        self.spillDirectory = spillDirectory
        self.maxSpillBytes = maxSpillBytes
    }

    /// Online cores.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Half the physical memory.
    public static var defaultMemoryLimit: Int {
        let pages = Int(sysconf(Int32(_SC_PHYS_PAGES))), size = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard pages > 0, size > 0 else { return 1 << 30 }
        return pages / 2 * size
    }

    /// The smallest memory limit a query accepts.
    public static let minimumMemoryLimit = 32 << 20

    /// Memory the process needs beside the operators' reservations, which the pool leaves out of the limit: 48 MiB
    /// for code, runtime, thread stacks and the per-worker scratch no operator reserves (decompression buffers,
    /// encoded keys), plus an eighth of the limit for what the C allocator keeps resident beyond the live blocks and
    /// for result writers' buffers; at most a third of the limit, but at least 36 MiB (nine sixteenths of limits
    /// under 64 MiB), since the process alone is about 25 MiB resident. (Measured at 256 MB: about 90 MiB over the
    /// reservations while a hash join builds its table; at 64 MB, a sort and a group-by of 1e7 groups went to
    /// 1.3–1.55 × the limit with the pool at two thirds of it, and a sort to 1.16 with the pool at half of it.)
    package var fixedOverhead: Int {
        min((48 << 20) + memoryLimit / 8, max(memoryLimit / 3, min(36 << 20, memoryLimit / 16 * 9)))
    }

    /// The operators' share of the limit.
    package var poolLimit: Int { poolLimitOverride ?? (memoryLimit - fixedOverhead) }

    /// Sets the operators' share directly, below what a real limit allows (tests force spilling with it).
    package var poolLimitOverride: Int?
}
