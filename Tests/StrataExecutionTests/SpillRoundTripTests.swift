import StrataCore
import StrataStorage
import Testing
@testable import StrataExecution

@Suite struct SpillRoundTripTests {
    @Test(arguments: [false, true])
    func everyTypeRoundTrips(nulls: Bool) throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let batches = [
            try SpillTestData.everyType(rows: 1000, nulls: nulls),
            try SpillTestData.everyType(rows: 0, nulls: false),
            try SpillTestData.everyType(rows: 1, nulls: nulls, seed: 3),
            try SpillTestData.everyType(rows: 77, nulls: nulls, seed: 5),
        ]
        let (run, read) = try SpillTestData.roundTrip(batches, manager: manager, label: "sort")
        #expect(read == batches)
        #expect(run.schema == SpillTestData.everyTypeSchema)
        #expect(run.batchCount == 4)
        #expect(run.rowCount == 1078)
        #expect(run.bytes == (try FileSystem.size(of: run.path)))
        #expect(run.uncompressedBytes > 0)
        #expect(manager.bytesOnDisk == run.bytes)
        #expect(manager.totalBytesWritten == run.bytes)
        #expect(manager.runsCreated == 1)
        // A run can be read again.
        #expect(try SpillTestData.readAll(run) == batches)
    }

    @Test func stringsKeepEmptyAndNonASCIIValues() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let values: [Value] = ["", "ü", "", "中文字符", nil, "a\u{0}b", String(repeating: "ß", count: 300)]
            .map { $0.map(Value.string) ?? .null }
        let schema = Schema(unchecked: [Field("s", .string)])
        let batch = try Batch(schema: schema, columns: [try Column(type: .string, values: values)])
        let (_, read) = try SpillTestData.roundTrip([batch], manager: manager)
        #expect(read == [batch])
        #expect(read.first?.columns.first?.values == values)
    }

    @Test func schemasWithoutColumnsAndNotNullFieldsRoundTrip() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let schema = Schema(unchecked: [Field("id", .int64, nullable: false), Field("flag", .bool)])
        let batch = try Batch(schema: schema, columns: [
            try Column(type: .int64, data: .int64([1, 2, 3])),
            try Column(type: .bool, data: .bool([true, false, true]), validity: ValidityMask([true, false, true])),
        ])
        #expect(try SpillTestData.roundTrip([batch], manager: manager).read == [batch])
        let empty = try Batch(schema: Schema(unchecked: []), columns: [])
        #expect(try SpillTestData.roundTrip([empty, empty], manager: manager).read == [empty, empty])
    }

    @Test func aRunWithoutBatchesReadsAsEmpty() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let (run, read) = try SpillTestData.roundTrip([], manager: manager)
        #expect(read.isEmpty)
        #expect(run.bytes == 0)
        #expect(run.batchCount == 0)
    }

    @Test func manyBatchesComeBackInOrder() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let batches = try (0..<300).map { try SpillTestData.everyType(rows: $0 % 17, nulls: $0 % 2 == 0, seed: $0) }
        let (run, read) = try SpillTestData.roundTrip(batches, manager: manager)
        #expect(read == batches)
        #expect(run.batchCount == 300)
    }

    @Test func aMillionRowBatchRoundTrips() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let batch = try SpillTestData.everyType(rows: 1_000_000, nulls: true)
        let (run, read) = try SpillTestData.roundTrip([batch], manager: manager)
        #expect(read == [batch])
        #expect(run.rowCount == 1_000_000)
        #expect(run.bytes < run.uncompressedBytes)
    }

    @Test func aHighlyCompressibleBatchRoundTrips() throws {
        // All zeros compress about 255 to 1, LZ4's best ratio, which the reader's size check must still accept.
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let schema = Schema(unchecked: [Field("zero", .int64)])
        let batch = try Batch(schema: schema, columns: [
            try Column(type: .int64, data: .int64(Array(repeating: 0, count: 2_000_000))),
        ])
        let (run, read) = try SpillTestData.roundTrip([batch], manager: manager)
        #expect(read == [batch])
        #expect(run.uncompressedBytes > 200 * run.bytes)
    }

    @Test func batchesLargerThanAFrameAreSplitByRows() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path, maxBytes: nil, maxFramePayload: 4096)
        let batch = try SpillTestData.everyType(rows: 3001, nulls: true, seed: 1)
        let (run, read) = try SpillTestData.roundTrip([batch], manager: manager)
        #expect(run.batchCount == read.count)
        #expect(read.count > 8)
        #expect(read.reduce(0) { $0 + $1.count } == 3001)
        let columns = try (0..<batch.columns.count).map { i in
            try Column.concatenate(read.map { $0.columns[i] }, type: batch.columns[i].type)
        }
        #expect(try Batch(schema: batch.schema, columns: columns) == batch)
    }

    @Test func aRowLargerThanAFrameIsRejectedAndItsFileDeleted() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path, maxBytes: nil, maxFramePayload: 4096)
        let schema = Schema(unchecked: [Field("s", .string)])
        let huge = try Batch(schema: schema, columns: [
            try Column(type: .string, data: .string(try StringBuffer([String(repeating: "x", count: 10_000)]))),
        ])
        let writer = try manager.createRun(label: "wide rows")
        let error = #expect(throws: StrataError.self) { try writer.write(huge) }
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("wide rows") == true)
        #expect(manager.bytesOnDisk == 0)
        #expect(try directory.contents().filter { $0.hasSuffix(".spill") }.isEmpty)
        #expect(throws: StrataError.self) { try writer.finish() }
    }

    @Test func aBatchOfAnotherSchemaIsRefusedWithoutLosingTheRun() throws {
        let directory = try SpillTestDirectory()
        let manager = SpillManager(directory: directory.path)
        let writer = try manager.createRun(label: "mixed")
        let batch = try SpillTestData.everyType(rows: 10, nulls: false)
        try writer.write(batch)
        let other = try Batch(schema: Schema(unchecked: [Field("x", .int32)]),
                              columns: [try Column(type: .int32, data: .int32([1]))])
        let error = #expect(throws: StrataError.self) { try writer.write(other) }
        #expect(error?.code == .schemaMismatch)
        let run = try writer.finish()
        #expect(try SpillTestData.readAll(run) == [batch])
    }

    @Test func estimatedBufferBytesCoverBodyAndCompressedFrame() throws {
        let batch = try SpillTestData.everyType(rows: 5000, nulls: true)
        let body = SpillBatchCodec.encodedSize(of: batch, rows: 0..<batch.count)
        #expect(SpillWriter.estimatedBufferBytes(for: batch) >= 2 * body)
    }
}
