import Foundation
import Strata
import StrataCore
import StrataDiagnostics
import Testing

/// The `Diagnostics` workloads the benchmark package measures: each does its work and reports what it did, on
/// small inputs.
@Suite struct DiagnosticsWorkloadTests {
    /// `rows` rows of `k` int64 (`row % groups`), `v` int64 (1) and `s` string, in batches of 1000.
    static func batches(rows: Int, groups: Int = 37) throws -> [Batch] {
        let schema = try Schema([Field("k", .int64), Field("v", .int64), Field("s", .string)])
        return try stride(from: 0, to: rows, by: 1000).map { start in
            let range = start..<min(rows, start + 1000)
            return try Batch(schema: schema, columns: [
                try Column(type: .int64, data: .int64(range.map { Int64($0 % groups) })),
                try Column(type: .int64, data: .int64(range.map { _ in 1 })),
                try Column(type: .string, data: .string(StringBuffer(range.map { "value-\($0 % 100)" }))),
            ])
        }
    }

    @Test(arguments: [Codec.lz4, Codec.zstd(level: 1)])
    func compressionRoundTrips(codec: Codec) throws {
        let workload = try Diagnostics.CompressionWorkload(batches: Self.batches(rows: 20_000), codec: codec,
                                                           inputBytes: 100_000, pieceBytes: 40_000)
        #expect(workload.inputBytes == 100_000)
        #expect(workload.pieceCount == 3)
        let compressed = try workload.compress()
        #expect(compressed == workload.compressedBytes && compressed < workload.inputBytes)
        #expect(!workload.decompressedMatchesInput)
        try workload.decompress()
        #expect(workload.decompressedMatchesInput)
    }

    @Test func compressionNeedsEnoughInput() throws {
        #expect(throws: StrataError.self) {
            try Diagnostics.CompressionWorkload(batches: Self.batches(rows: 100), codec: .lz4, inputBytes: 1 << 20)
        }
    }

    @Test func csvParsesEveryChunk() throws {
        let text = (0..<2000).map { "id\($0 % 7),\($0),\(Double($0) / 4)\n" }.joined()
        let columns = [Field("id", .string), Field("n", .int64), Field("x", .double)]
        let workload = try Diagnostics.CSVParseWorkload(csv: Array(text.utf8), columns: columns, blockBytes: 4096)
        #expect(workload.inputBytes == text.utf8.count)
        #expect(workload.chunkCount > 1)
        #expect(try workload.parse() == 2000)
    }

    @Test func csvReportsBadRows() throws {
        let columns = [Field("id", .string), Field("n", .int64)]
        let badCount = try Diagnostics.CSVParseWorkload(csv: Array("a,1\nb,2,3\n".utf8), columns: columns)
        #expect(throws: StrataError.self) { try badCount.parse() }
        let badType = try Diagnostics.CSVParseWorkload(csv: Array("a,1\nb,two\n".utf8), columns: columns)
        #expect(throws: StrataError.self) { try badType.parse() }
    }

    @Test func aggregationCountsGroups() throws {
        let workload = try Diagnostics.HashAggregationWorkload(batches: Self.batches(rows: 50_000), key: "k",
                                                               value: "v")
        #expect(workload.rows == 50_000)
        #expect(try workload.aggregate() == 37)
        #expect(try workload.aggregate() == 37)
        #expect(throws: StrataError.self) {
            try Diagnostics.HashAggregationWorkload(batches: Self.batches(rows: 10), key: "k", value: "s")
        }
    }

    @Test(arguments: [Codec.lz4, Codec.zstd(level: 1)])
    func parquetFileEncodesAndDecodes(codec: Codec) throws {
        let directory = try TempDirectory("strata-diagnostics")
        let input = try Self.batches(rows: 5000)
        let workload = try Diagnostics.ParquetFileWorkload(batches: input, codec: codec, directory: directory.path)
        #expect(workload.rows == 5000)
        #expect(workload.uncompressedBytes == input.reduce(0) { $0 + $1.byteCount })
        #expect(try workload.encode() == workload.fileBytes)
        #expect(try workload.encode() == workload.fileBytes)
        workload.removeEncodedFile()
        #expect(try workload.decode() == 5000)
    }

    @Test func spillRunsRoundTrip() throws {
        let directory = try TempDirectory("strata-diagnostics")
        do {
            let workload = try Diagnostics.SpillWorkload(batches: Self.batches(rows: 5000), directory: directory.path)
            #expect(try workload.write() == workload.runBytes)
            #expect(try workload.write() == workload.runBytes)
            workload.removeWrittenRun()
            #expect(try workload.read() == workload.batchBytes)
            #expect(workload.rows == 5000)
        }
        // The workload's scratch directory goes with it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func schedulerRunsEveryTask() throws {
        for shape in [Diagnostics.OverheadShape.independent, .chains(length: 10), .fanIn] {
            let run = try Diagnostics.runSchedulerOverhead(tasks: 1000, threads: 2, shape: shape)
            #expect(run.tasksRun == 1000)
            #expect(run.secondsPerTask > 0)
        }
    }
}
