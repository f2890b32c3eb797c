import Foundation
import StrataCompression
import StrataCore
import Testing
@testable import StrataStorage
import StrataTestSupport

/// A row group read in slices holds only a window of each column chunk's compressed bytes: the windows move from
/// page to page, grow for pages larger than a window, and never let a damaged chunk crash the reader.
@Suite struct SlicedReadTests {
    static let schema = try! Schema([
        Field("n", .int64), Field("s", .string), Field("d", .double), Field("k", .int32),
    ])

    /// One row group of `rows` rows whose chunks span several windows: random integers (PLAIN, several MiB), strings
    /// with a few values larger than a window among short ones, doubles with nulls, and a dictionary column.
    static func write(rows: Int, to path: String, codec: CompressionCodec) throws {
        var random = SplitMix64(seed: 11)
        let big = String(repeating: "0123456789abcdef", count: 40_000)  // 640 KB, above the 256 KiB window
        var n: [Value] = [], s: [Value] = [], d: [Value] = [], k: [Value] = []
        for i in 0..<rows {
            n.append(.int64(Int64(bitPattern: random.next())))
            s.append(i % 50_000 == 7 ? .string(big + "\(i)") : .string("v\(random.next() % 100_000)"))
            d.append(i % 5 == 0 ? .null : .double(Double(i) / 3))
            k.append(.int32(Int32(i % 17)))
        }
        let batch = try Batch(schema: schema, columns: [
            try Column(type: .int64, values: n), try Column(type: .string, values: s),
            try Column(type: .double, values: d), try Column(type: .int32, values: k),
        ])
        var options = ParquetWriteOptions()
        options.codec = codec
        options.rowGroupBytes = 1 << 30  // one row group
        options.pageBytes = 48 << 10  // page headers fall at every offset within a window
        options.dictionaryPageLimit = 4 << 10  // the string column falls back to PLAIN; k stays a dictionary
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        try writer.write(batch)
        _ = try writer.close()
    }

    @Test(arguments: [CompressionCodec.uncompressed, .zstd(level: 1)])
    func slicesOfChunksLargerThanTheWindowEqualTheWholeRowGroup(codec: CompressionCodec) throws {
        let dir = try TempDirectory()
        let path = dir.path("big.parquet")
        let rows = 150_001
        try Self.write(rows: rows, to: path, codec: codec)
        let reader = try ParquetFileReader(path: path)
        try #require(reader.rowGroupCount == 1)
        let columns = Array(Self.schema.fields.indices)
        let whole = try reader.readRowGroup(0, columns: columns)
        #expect(whole.count == rows)
        // The compressed chunks are several windows long, so the sliced read must move its windows.
        let chunkBytes = reader.metadata.rowGroups[0].columns.map { Int($0.metaData?.totalCompressedSize ?? 0) }
        #expect(chunkBytes[0] > 4 * ParquetFileReader.chunkWindowBytes, "chunk sizes \(chunkBytes)")
        for sliceRows in [999, 65_536] {
            var parts: [Batch] = []
            try reader.readRowGroup(0, columns: columns, sliceRows: sliceRows) { parts.append($0) }
            #expect(parts.dropLast().allSatisfy { $0.count == sliceRows })
            let joined = try Batches.concatenate(parts, schema: whole.schema)
            if let difference = Compare.difference(whole, joined) {
                Issue.record("\(codec) in slices of \(sliceRows): \(difference)")
            }
            // Every slice's buffers hold its own rows only (a batch's size is what it weighs).
            for part in parts {
                if case let .int64(values) = part.columns[0].data {
                    #expect(values.capacity <= values.count + 16, "slice capacity \(values.capacity) for \(values.count)")
                }
            }
        }
    }

    /// Damage anywhere in the data region: a sliced read throws a corrupt-file error (or, where the damage is
    /// confined to bytes no check covers, still returns every row), and never traps.
    @Test func damagedChunksFailCleanly() throws {
        let dir = try TempDirectory()
        let path = dir.path("good.parquet")
        try Self.write(rows: 60_000, to: path, codec: .zstd(level: 1))
        let good = try Files.read(path)
        let reader = try ParquetFileReader(path: path)
        let meta = reader.metadata.rowGroups[0].columns.compactMap(\.metaData)
        let dataStart = Int(meta.map { min($0.dictionaryPageOffset ?? $0.dataPageOffset, $0.dataPageOffset) }.min() ?? 4)
        let dataEnd = Int(meta.map { $0.dataPageOffset + $0.totalCompressedSize }.max() ?? 4)
        var random = SplitMix64(seed: 5)
        for trial in 0..<40 {
            var bytes = good
            let at = dataStart + Int(random.next() % UInt64(max(1, dataEnd - dataStart - 8)))
            for i in at..<min(bytes.count, at + 8) { bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
            let damaged = dir.path("damaged-\(trial).parquet")
            try Data(bytes).write(to: URL(fileURLWithPath: damaged))
            do {
                let damagedReader = try ParquetFileReader(path: damaged)
                var rows = 0
                try damagedReader.readRowGroup(0, columns: [0, 1, 2, 3], sliceRows: 4_096) { rows += $0.count }
                #expect(rows == 60_000, "trial \(trial) at \(at): \(rows) rows without an error")
            } catch let error as StrataError {
                #expect(error.code == .corrupt || error.code == .unsupported, "trial \(trial) at \(at): \(error)")
            }
        }
    }
}
