import ArgumentParser
import Foundation
import Strata

/// The options every query command shares: memory, threads, spilling.
struct QueryOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Memory budget of each query, e.g. 1GB or 512MiB (default: half the RAM). Operators spill to disk to stay within it.")
    var memoryLimit: String?

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 1024 (default: one per core).")
    var threads: Int?

    @Option(help: "Directory for spill files (default: $TMPDIR or /tmp).")
    var spillDir: String?

    @Option(parsing: .unconditional, help: "Cap on spill bytes on disk at once, e.g. 20GB (default: none).")
    var spillLimit: String?

    @Flag(inversion: .prefixedNo, help: "Draw a live progress line on standard error (default: when it is a terminal and no result rows stream to the same terminal).")
    var progress: Bool?

    /// Whether to draw the progress line for results in `format` going to `output`: as asked, else when standard
    /// error is a terminal, unless rows stream (csv, json) to that terminal too.
    func showsProgress(format: ResultFormat, toFile: Bool) -> Bool {
        if let progress { return progress }
        guard isatty(2) == 1 else { return false }
        return format == .table || toFile || isatty(1) == 0
    }

    /// The database configuration these options describe.
    func configuration() throws -> Configuration {
        var configuration = Configuration()
        if let memoryLimit { configuration.memoryLimit = try ByteCount.parse(memoryLimit) }
        if let threads {
            try WorkerThread.validate(threads, option: "--threads")
            configuration.threads = threads
        }
        configuration.spillDirectory = spillDir
        if let spillLimit { configuration.maxSpillBytes = Int64(try ByteCount.parse(spillLimit)) }
        return configuration
    }
}

extension ResultFormat: ExpressibleByArgument {}
