import Foundation

/// How a ``Database`` runs queries: the memory budget, worker threads and where to spill.
///
/// ```swift
/// var configuration = Configuration()
/// configuration.memoryLimit = 1 << 30   // 1 GiB, judged by the process's peak resident memory
/// configuration.threads = 4
/// let db = try Database(path: "my.store", configuration: configuration)
/// ```
public struct Configuration: Sendable {
    /// The memory budget of each query in bytes (nil: half the machine's RAM).
    public var memoryLimit: Int?
    /// Worker threads per query (nil: one per core).
    public var threads: Int?
    /// The directory spill files are created in (nil: `$TMPDIR`, else `/tmp`).
    public var spillDirectory: String?
    /// A cap on spill bytes on disk at once (nil: none).
    public var maxSpillBytes: Int64?
    /// The operators' share of the memory limit, set directly (tests force spilling with it).
    package var poolLimitOverride: Int?

    /// Creates a configuration; nil arguments take the defaults.
    public init(memoryLimit: Int? = nil, threads: Int? = nil, spillDirectory: String? = nil,
                maxSpillBytes: Int64? = nil) {
        self.memoryLimit = memoryLimit
        self.threads = threads
        self.spillDirectory = spillDirectory
        self.maxSpillBytes = maxSpillBytes
    }

    /// The folder scratch files go in: the spill directory, else `$TMPDIR`, else `/tmp`.
    package var scratchParent: String {
        let parent = spillDirectory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return parent.isEmpty ? "/tmp" : parent
    }

    /// The executor options for one query.
    func executionOptions(cancellation: QueryCancellation? = nil) -> ExecutionOptions {
        var options = ExecutionOptions(memoryLimit: memoryLimit, threads: threads, spillDirectory: spillDirectory,
                                       maxSpillBytes: maxSpillBytes, cancellation: cancellation)
        options.poolLimitOverride = poolLimitOverride
        return options
    }
}
