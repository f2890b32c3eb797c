// Spill throughput: 1e6 rows of db-benchmark groupby batches (see GroupbyTable in BenchSupport; about 82 MB in
// memory) written as one spill run and read back through the executor's SpillManager, SpillWriter and SpillReader,
// in a scratch directory below $TMPDIR that is deleted in teardown. Files go through the page cache (no fsync).
//
//   swift package benchmark --target SpillBenchmarks
//
// Spill.write.1e6: the batches written as a new run (serialise, LZ4, CRC, write); MB/s of batch bytes.
// Spill.read.1e6:  a run written in setup read back into batches; MB/s of batch bytes.
import Benchmark
import BenchMetrics
import BenchSupport
import Strata
import StrataDiagnostics

private let rows = 1_000_000

/// The spill workload, its runs below the scratch directory `scratch`.
private func workload(scratch: String) throws -> Diagnostics.SpillWorkload {
    try Diagnostics.SpillWorkload(batches: GroupbyTable(rows: rows).batches(), directory: makeScratchDirectory(scratch))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("Spill.write.1e6", configuration: .micro(.megabytesPerSecond)) { benchmark, workload in
        benchmark.iteration {
            workload.removeWrittenRun()
            let bytes = try benchmark.measureBytes(workload.batchBytes) { try workload.write() }
            try verify(bytes == workload.runBytes, "wrote \(bytes) bytes, expected \(workload.runBytes)")
        }
    } setup: {
        try workload(scratch: "spill-write")
    } teardown: {
        removeScratch(scratchDirectory("spill-write"))
    }

    Benchmark("Spill.read.1e6", configuration: .micro(.megabytesPerSecond)) { benchmark, workload in
        benchmark.iteration {
            let bytes = try benchmark.measureBytes(workload.batchBytes) { try workload.read() }
            try verify(bytes == workload.batchBytes, "read back \(bytes) bytes, expected \(workload.batchBytes)")
        }
    } setup: {
        try workload(scratch: "spill-read")
    } teardown: {
        removeScratch(scratchDirectory("spill-read"))
    }
}
