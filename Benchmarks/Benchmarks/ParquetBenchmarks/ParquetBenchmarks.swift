// Parquet throughput of Strata at 1e6 rows of SyntheticTable (see BenchSupport), in MB/s of uncompressed column
// data (the batches' in-memory bytes).
//
//   swift package --package-path Benchmarks benchmark --target ParquetBenchmarks
//
// Parquet.write.<codec>.1e6:  one Database.append of the pre-generated batches into a fresh store (creating the
//                             store is outside the measurement).
// Parquet.scan.<codec>.1e6:   one full scan (all columns) of a store written once in setup.
// Parquet.encode.<codec>.1e6: the batches written into one Parquet file by the storage layer's writer, no store
//                             (no manifest, no commit, no fsync); deleting the previous file is not measured.
// Parquet.decode.<codec>.1e6: every column of every row group of a file written in setup read back by the
//                             storage layer's reader, no store.
// The writer encodes and the reader decodes the columns of a row group in parallel, on every core.
import Benchmark
import BenchMetrics
import BenchSupport
import Strata
import StrataDiagnostics

private let rows = 1_000_000
private let codecs = ["zstd", "lz4"]
private var configuration: Benchmark.Configuration { .micro(.megabytesPerSecond, seconds: 10, iterations: 20) }

/// The rows to write and their uncompressed bytes.
private func generated() -> (batches: [Batch], bytes: Int) {
    let batches = SyntheticTable.batches(rows: rows)
    return (batches, SyntheticTable.byteCount(batches))
}

/// A store at `path` holding the rows, written with codec `name`, and their uncompressed bytes.
private func writtenStore(at path: String, codec name: String) throws -> (db: Database, bytes: Int) {
    let db = try ParquetWorkload.freshStore(at: path)
    let input = generated()
    try ParquetWorkload.write(input.batches, to: db, codec: ParquetWorkload.codec(named: name))
    return (db, input.bytes)
}

/// The Parquet file workload with codec `name`, its files below the scratch directory `scratch`.
private func fileWorkload(codec name: String, scratch: String) throws -> Diagnostics.ParquetFileWorkload {
    try Diagnostics.ParquetFileWorkload(batches: SyntheticTable.batches(rows: rows),
                                        codec: ParquetWorkload.codec(named: name),
                                        directory: makeScratchDirectory(scratch))
}

let benchmarks: @Sendable () -> Void = {
    for name in codecs {
        let writeStore = scratchDirectory("write-" + name)
        Benchmark("Parquet.write.\(name).1e6", configuration: configuration) { benchmark, input in
            benchmark.iteration {
                let db = try ParquetWorkload.freshStore(at: writeStore)
                let info = try benchmark.measureBytes(input.bytes) {
                    try ParquetWorkload.write(input.batches, to: db, codec: ParquetWorkload.codec(named: name))
                }
                try verify(info.rowCount == rows, "wrote \(info.rowCount) rows, expected \(rows)")
            }
        } setup: {
            generated()
        } teardown: {
            removeScratch(writeStore)
        }

        let scanStore = scratchDirectory("scan-" + name)
        Benchmark("Parquet.scan.\(name).1e6", configuration: configuration) { benchmark, input in
            benchmark.iteration {
                let seen = try benchmark.measureBytes(input.bytes) { try ParquetWorkload.scanAll(input.db) }
                try verify(seen.rows == rows && seen.values == rows * SyntheticTable.schema.count,
                           "scan returned \(seen.rows) rows and \(seen.values) values")
            }
        } setup: {
            try writtenStore(at: scanStore, codec: name)
        } teardown: {
            removeScratch(scanStore)
        }

        let encodeFiles = "encode-" + name
        Benchmark("Parquet.encode.\(name).1e6", configuration: configuration) { benchmark, workload in
            benchmark.iteration {
                workload.removeEncodedFile()
                let size = try benchmark.measureBytes(workload.uncompressedBytes) { try workload.encode() }
                try verify(size == workload.fileBytes, "wrote \(size) bytes, expected \(workload.fileBytes)")
            }
        } setup: {
            try fileWorkload(codec: name, scratch: encodeFiles)
        } teardown: {
            removeScratch(scratchDirectory(encodeFiles))
        }

        let decodeFiles = "decode-" + name
        Benchmark("Parquet.decode.\(name).1e6", configuration: configuration) { benchmark, workload in
            benchmark.iteration {
                let read = try benchmark.measureBytes(workload.uncompressedBytes) { try workload.decode() }
                try verify(read == rows, "decoded \(read) rows, expected \(rows)")
            }
        } setup: {
            try fileWorkload(codec: name, scratch: decodeFiles)
        } teardown: {
            removeScratch(scratchDirectory(decodeFiles))
        }
    }
}
