// Parquet write and full-scan throughput of Strata at 1e6 rows of SyntheticTable (see BenchSupport).
//
//   swift package --package-path Benchmarks benchmark --target ParquetBenchmarks
//
// Parquet.write.<codec>.1e6: one Database.append of the pre-generated batches into a fresh store (creating the
//                            store is outside the measurement).
// Parquet.scan.<codec>.1e6:  one full scan (all columns) of a store written once in setup.
import Benchmark
import BenchSupport
import Foundation
import Strata

private let rows = 1_000_000
private let codecs = ["zstd", "lz4"]

private var configuration: Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput, .peakMemoryResident], warmupIterations: 1, maxDuration: .seconds(10),
          maxIterations: 20)
}

private func scratchDirectory(_ name: String) -> String {
    NSTemporaryDirectory() + "strata-bench-\(ProcessInfo.processInfo.processIdentifier)-" + name
}

private func removeScratch(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

let benchmarks: @Sendable () -> Void = {
    for name in codecs {
        let writeStore = scratchDirectory("write-" + name)
        Benchmark("Parquet.write.\(name).1e6", configuration: configuration) { benchmark, batches in
            do {
                let db = try ParquetWorkload.freshStore(at: writeStore)
                benchmark.startMeasurement()
                let info = try ParquetWorkload.write(batches, to: db, codec: ParquetWorkload.codec(named: name))
                benchmark.stopMeasurement()
                blackHole(info.bytesOnDisk)
            } catch {
                benchmark.error("write failed: \(error)")
            }
        } setup: {
            SyntheticTable.batches(rows: rows)
        } teardown: {
            removeScratch(writeStore)
        }

        let scanStore = scratchDirectory("scan-" + name)
        Benchmark("Parquet.scan.\(name).1e6", configuration: configuration) { benchmark, db in
            do {
                let seen = try ParquetWorkload.scanAll(db)
                guard seen.rows == rows else { return benchmark.error("scan returned \(seen.rows) rows") }
                blackHole(seen.values)
            } catch {
                benchmark.error("scan failed: \(error)")
            }
        } setup: {
            let db = try ParquetWorkload.freshStore(at: scanStore)
            let codec = try ParquetWorkload.codec(named: name)
            try ParquetWorkload.write(SyntheticTable.batches(rows: rows), to: db, codec: codec)
            return db
        } teardown: {
            removeScratch(scanStore)
        }
    }
}
