// Page codec throughput over 16 MiB of PLAIN-encoded db-benchmark columns (see GroupbyTable in BenchSupport),
// cut into 1 MiB pieces (the Parquet writer's page size), one codec call per piece, on one thread.
//
//   swift package benchmark --target CompressionBenchmarks
//
// <codec>.compress.16MiB:   every piece compressed, as the writer compresses a page body (MB/s of input; also
//                           the compressed size in percent of the input).
// <codec>.decompress.16MiB: every piece decompressed into its buffer, as the reader does (MB/s of output).
// LZ4 is Parquet's LZ4_RAW, ZSTD is level 1 (Strata's default codec).
import Benchmark
import BenchMetrics
import BenchSupport
import Strata
import StrataDiagnostics

private let inputBytes = 16 << 20
// 2^18 rows encode to at least 2 MiB per column, so every column gives two full pieces.
private let rows = 1 << 18
private let codecs: [(name: String, codec: Codec)] = [("LZ4", .lz4), ("ZSTD", .zstd(level: 1))]

private func workload(_ codec: Codec) throws -> Diagnostics.CompressionWorkload {
    try Diagnostics.CompressionWorkload(batches: GroupbyTable(rows: rows).batches(), codec: codec,
                                        inputBytes: inputBytes)
}

let benchmarks: @Sendable () -> Void = {
    for (name, codec) in codecs {
        let compress = Benchmark.Configuration.micro(.megabytesPerSecond, .compressedPercent, iterations: 50)
        Benchmark("\(name).compress.16MiB", configuration: compress) { benchmark, workload in
            benchmark.iteration {
                let compressed = try benchmark.measureBytes(workload.inputBytes) { try workload.compress() }
                try verify(compressed == workload.compressedBytes && compressed < workload.inputBytes,
                           "compressed to \(compressed) bytes, expected \(workload.compressedBytes)")
                let percent = (compressed * 100 + workload.inputBytes / 2) / workload.inputBytes
                benchmark.measurement(.compressedPercent, percent)
            }
        } setup: {
            try workload(codec)
        }

        let decompress = Benchmark.Configuration.micro(.megabytesPerSecond, iterations: 50)
        Benchmark("\(name).decompress.16MiB", configuration: decompress) { benchmark, workload in
            benchmark.iteration {
                try benchmark.measureBytes(workload.inputBytes) { try workload.decompress() }
                try verify(workload.decompressedMatchesInput, "decompressed bytes differ from the input")
            }
        } setup: {
            try workload(codec)
        }
    }
}
