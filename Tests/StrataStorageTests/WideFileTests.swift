import Foundation
import StrataCompression
import StrataCore
import Testing
@testable import StrataStorage
import StrataTestSupport

/// Files thousands of columns wide: the writer streams each row group's metadata into its footer encoding instead of
/// holding it decoded, a table append starts a new file when a footer reaches its budget, and a reader opened for a
/// few columns builds only their chunks' metadata and shares its schema with the table's other readers.
@Suite struct WideFileTests {
    /// `columns` int64 columns `c0…`, value `row * 1000 + column`, every seventh null.
    static func batch(columns: Int, rows: Int, firstRow: Int = 0) throws -> Batch {
        let schema = try Schema((0..<columns).map { Field("c\($0)", .int64) })
        var data: [Column] = []
        for c in 0..<columns {
            var values: [Value] = []
            for r in firstRow..<firstRow + rows {
                values.append((r + c) % 7 == 0 ? .null : .int64(Int64(r * 1000 + c)))
            }
            data.append(try Column(type: .int64, values: values))
        }
        return try Batch(schema: schema, columns: data)
    }

    static func write(_ batches: [Batch], to path: String, rowGroupBytes: Int) throws -> ParquetFileSummary {
        var options = ParquetWriteOptions()
        options.rowGroupBytes = rowGroupBytes
        let writer = try ParquetFileWriter(path: path, schema: batches[0].schema, options: options)
        for batch in batches { try writer.write(batch) }
        return try writer.close()
    }

    /// The footer the writer splices together from its streamed row groups is byte for byte the encoding of the
    /// metadata it describes, and its summary's CRC and size are the footer's.
    @Test func theStreamedFooterIsTheMetadatasEncoding() throws {
        let dir = try TempDirectory()
        let path = dir.path("w.parquet")
        let batches = [try Self.batch(columns: 300, rows: 40), try Self.batch(columns: 300, rows: 25, firstRow: 40)]
        let summary = try Self.write(batches, to: path, rowGroupBytes: 30_000)
        #expect(summary.rowGroups > 2)
        let file = try #require(FileManager.default.contents(atPath: path))
        let bytes = [UInt8](file)
        let metadata = try bytes.withUnsafeBytes { try ParquetFooter.decode(file: $0, path: path) }
        #expect(metadata.rowGroups.count == summary.rowGroups)
        #expect(metadata.rowGroups.allSatisfy { $0.columns.count == 300 && $0.columnCount == 300 })
        let footer = ParquetFooter.encode(metadata)
        #expect(Array(bytes.suffix(footer.count)) == footer)
        #expect(summary.footerBytes == Int64(footer.count))
        #expect(summary.footerCRC32 == footer.withUnsafeBytes { CRC32.checksum($0) })
        #expect(summary.uncompressedBytes == metadata.rowGroups.reduce(0) { $0 + $1.totalByteSize })
        #expect(metadata.rowGroups.enumerated().allSatisfy { Int($0.element.ordinal ?? -1) == $0.offset })
    }

    /// A reader opened for some columns builds only their chunks, reads and prunes them as a whole reader does,
    /// knows no statistics of the others and refuses to read them.
    @Test func aReaderOpenedForSomeColumnsBuildsOnlyTheirChunks() throws {
        let dir = try TempDirectory()
        let path = dir.path("w.parquet")
        _ = try Self.write([try Self.batch(columns: 200, rows: 60)], to: path, rowGroupBytes: 20_000)
        let whole = try ParquetFileReader(path: path)
        let some = try ParquetFileReader(path: path, columns: ["c3", "c199", "absent"])
        #expect(some.schema == whole.schema)
        #expect(some.rowGroupCount == whole.rowGroupCount && some.rowGroupCount > 1)
        #expect(some.metadata.rowGroups.allSatisfy { $0.columns.count == 2 && $0.columnCount == 200 })
        for group in 0..<whole.rowGroupCount {
            let expected = try whole.readRowGroup(group, columns: [199, 3])
            #expect(try some.readRowGroup(group, columns: [199, 3]) == expected)
            #expect(some.statistics(rowGroup: group, column: 3) == whole.statistics(rowGroup: group, column: 3))
            #expect(some.statistics(rowGroup: group, column: 3)?.min != nil)
            #expect(some.statistics(rowGroup: group, column: 4) == nil)
            #expect(some.chunkSizes(rowGroup: group, column: 4) == nil)
            #expect(some.chunkSizes(rowGroup: group, column: 199) != nil)
            let error = #expect(throws: StrataError.self) { try some.readRowGroup(group, columns: [4]) }
            #expect(error?.column == "c4")
        }
        let none = try ParquetFileReader(path: path, columns: [])
        #expect(none.rowCount == 60)
        #expect(none.metadata.rowGroups.allSatisfy { $0.columns.isEmpty })
    }

    /// Readers of files with the same schema share one copy of it; a different schema is not shared.
    @Test func readersOfOneSchemaShareIt() throws {
        let dir = try TempDirectory()
        _ = try Self.write([try Self.batch(columns: 50, rows: 3)], to: dir.path("a.parquet"), rowGroupBytes: 1 << 20)
        _ = try Self.write([try Self.batch(columns: 50, rows: 4)], to: dir.path("b.parquet"), rowGroupBytes: 1 << 20)
        _ = try Self.write([try Self.batch(columns: 51, rows: 4)], to: dir.path("c.parquet"), rowGroupBytes: 1 << 20)
        let a = try ParquetFileReader(path: dir.path("a.parquet"), columns: ["c1"])
        let b = try ParquetFileReader(path: dir.path("b.parquet"), columns: ["c1"], sharing: a)
        let c = try ParquetFileReader(path: dir.path("c.parquet"), columns: ["c1"], sharing: a)
        func storage<T>(_ array: [T]) -> UnsafeRawPointer? {
            array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        #expect(storage(b.metadata.schema) == storage(a.metadata.schema))
        #expect(storage(b.leaves) == storage(a.leaves))
        #expect(storage(c.metadata.schema) != storage(a.metadata.schema))
        #expect(c.schema.count == 51)
        #expect(try b.readRowGroup(0, columns: [1]).columns[0].count == 4)
    }

    /// A table append starts a new partition when the footer metadata reaches its budget; every row comes back.
    @Test func anAppendSplitsFilesAtTheMetadataBudget() throws {
        let dir = try TempDirectory()
        let store = try Store.open(at: dir.path("store"), create: true)
        let first = try Self.batch(columns: 400, rows: 30)
        try store.createTable("t", schema: first.schema)
        var options = ParquetWriteOptions()
        options.rowGroupBytes = 20_000
        options.partitionMetadataBytes = 60_000
        let appender = try store.appender(to: "t", options: options)
        var batches: [Batch] = []
        for part in 0..<4 {
            let batch = try Self.batch(columns: 400, rows: 30, firstRow: part * 30)
            try appender.write(batch)
            batches.append(batch)
        }
        let snapshot = try appender.commit()
        #expect(snapshot.partitions.count > 1)
        for partition in snapshot.partitions.indices {
            let reader = try snapshot.openPartition(partition)
            let footer = try #require(snapshot.partitions[partition].footerBytes)
            // A file closes at the first row group that takes it past the budget: without that group, it was under
            // (the schema and file fields add a few KB).
            let groups = Int64(max(1, reader.rowGroupCount))
            #expect(footer * (groups - 1) / groups < 60_000 + 8_192)
            #expect(footer > 1_000)
        }
        var scan = try snapshot.scan(columns: ["c0", "c399"])
        var read: [Value] = []
        while let batch = try scan.next() { read += (0..<batch.count).map { batch.columns[1].value(at: $0) } }
        let written = batches.flatMap { batch in (0..<batch.count).map { batch.columns[399].value(at: $0) } }
        #expect(read == written)
    }
}
