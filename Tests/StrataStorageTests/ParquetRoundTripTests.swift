import Foundation
import StrataCompression
import StrataCore
import Testing
@testable import StrataStorage

/// Strata writes, Strata reads: every value of every type survives every codec and encoding path, the footer
/// statistics are exact, and statistics-based pruning skips row groups without losing rows.
@Suite struct ParquetRoundTripTests {
    static let codecs: [CompressionCodec] = [.zstd(level: 1), .lz4Raw, .uncompressed]

    /// Options with small row groups and pages, so a few thousand rows span several of each.
    static func smallOptions(codec: CompressionCodec = .zstd(level: 1), dictionary: Bool = true) -> ParquetWriteOptions {
        var options = ParquetWriteOptions()
        options.codec = codec
        options.dictionary = dictionary
        options.rowGroupBytes = 96 << 10
        options.pageBytes = 8 << 10
        options.dictionaryPageLimit = 16 << 10
        return options
    }

    /// Writes `batches` to `path` and returns the writer's summary.
    @discardableResult
    static func write(_ batches: [Batch], schema: Schema, to path: String, options: ParquetWriteOptions) throws
        -> ParquetFileSummary
    {
        let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
        do {
            for batch in batches { try writer.write(batch) }
            return try writer.close()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Writes, reads back, compares everything; returns the reader for further checks.
    @discardableResult
    static func roundTrip(_ batches: [Batch], schema: Schema, path: String, options: ParquetWriteOptions,
                          _ label: String) throws -> ParquetFileReader
    {
        let summary = try write(batches, schema: schema, to: path, options: options)
        let expected = try Batches.concatenate(batches, schema: schema)
        let reader = try ParquetFileReader(path: path)
        #expect(reader.schema == schema, "\(label): schema \(reader.schema), expected \(schema)")
        let groups = try reader.readAllRowGroups()
        var total: Int64 = 0
        for (g, batch) in groups.enumerated() {
            #expect(Int64(batch.count) == reader.rowCount(ofRowGroup: g), "\(label): row group \(g) size")
            total += Int64(batch.count)
        }
        #expect(total == Int64(expected.count), "\(label): \(total) rows read, \(expected.count) written")
        let actual = try Batches.concatenate(groups, schema: reader.schema)
        if let d = Compare.difference(expected, actual) { Issue.record("\(label): \(d)") }

        // The summary describes the file.
        let bytes = try Files.read(path)
        #expect(summary.rows == Int64(expected.count), "\(label): summary rows")
        #expect(summary.fileBytes == Int64(bytes.count), "\(label): summary fileBytes")
        #expect(summary.rowGroups == reader.rowGroupCount, "\(label): summary rowGroups")
        #expect(summary.crc32 == bytes.withUnsafeBytes { CRC32.checksum($0) }, "\(label): summary crc32")
        let footer = Int(summary.footerBytes)
        if footer > 8 && footer <= bytes.count {
            #expect(summary.footerCRC32 == bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[(bytes.count - footer)...])) },
                    "\(label): summary footerCRC32")
        } else {
            Issue.record("\(label): footerBytes \(footer) of a \(bytes.count)-byte file")
        }
        #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8) && Array(bytes.suffix(4)) == Array("PAR1".utf8),
                "\(label): PAR1 magic")
        return reader
    }

    @Test(arguments: codecs, [true, false])
    func everyTypeSurvives(codec: CompressionCodec, dictionary: Bool) throws {
        let dir = try TempDirectory()
        let schema = RandomData.schema()
        for (i, rows) in [0, 1, 7, 5_000].enumerated() {
            let batch = try RandomData.batch(rows: rows, seed: UInt64(100 + i))
            let label = "\(codec.name) dictionary=\(dictionary) rows=\(rows)"
            let reader = try Self.roundTrip([batch], schema: schema, path: dir.path("t\(rows).parquet"),
                                            options: Self.smallOptions(codec: codec, dictionary: dictionary), label)
            if rows == 5_000 {
                #expect(reader.rowGroupCount > 1, "\(label): \(reader.rowGroupCount) row groups")
            }
        }
    }

    /// Many `write` calls of odd sizes (including empty batches) make one file with the rows in order.
    @Test func manyBatchesOfOddSizes() throws {
        let dir = try TempDirectory()
        let schema = RandomData.schema()
        let sizes = [0, 1, 3, 1_000, 0, 4_099, 17, 2_500, 1]
        let batches = try sizes.enumerated().map { try RandomData.batch(rows: $1, seed: UInt64(200 + $0)) }
        try Self.roundTrip(batches, schema: schema, path: dir.path("odd.parquet"), options: Self.smallOptions(),
                           "odd sizes")
    }

    /// 100,000 rows with default page and row group sizes, plus the same rows in many small row groups.
    @Test func hundredThousandRows() throws {
        let dir = try TempDirectory()
        let schema = RandomData.schema()
        let batch = try RandomData.batch(rows: 100_000, seed: 300)
        try Self.roundTrip([batch], schema: schema, path: dir.path("default.parquet"), options: ParquetWriteOptions(),
                           "100k default options")
        var options = ParquetWriteOptions()
        options.rowGroupBytes = 1 << 20
        options.pageBytes = 64 << 10
        options.codec = .lz4Raw
        let reader = try Self.roundTrip([batch], schema: schema, path: dir.path("small.parquet"), options: options,
                                        "100k 1 MiB row groups")
        #expect(reader.rowGroupCount >= 3, "\(reader.rowGroupCount) row groups")
    }

    @Test(arguments: codecs)
    func notNullFields(codec: CompressionCodec) throws {
        let dir = try TempDirectory()
        var options = RandomData.Options()
        options.nullable = false
        let batch = try RandomData.batch(rows: 3_000, seed: 400, options: options)
        #expect(batch.schema.fields.allSatisfy { !$0.nullable })
        #expect(batch.columns.allSatisfy { $0.nullCount == 0 })
        try Self.roundTrip([batch], schema: batch.schema, path: dir.path("required.parquet"),
                           options: Self.smallOptions(codec: codec), "not null \(codec.name)")
    }

    /// Columns where every value is null, and a mix of nullable and NOT NULL fields.
    @Test func allNullAndMixedNullability() throws {
        let dir = try TempDirectory()
        let fields = RandomData.schema().fields.map { Field("null_" + $0.name, $0.type) }
            + [Field("id", .int32, nullable: false)]
        let schema = try Schema(fields)
        let rows = 2_000
        let columns = try fields.map { field -> Column in
            var builder = ColumnBuilder(type: field.type, capacity: rows)
            for i in 0..<rows {
                if field.nullable { builder.appendNull() } else { try builder.append(.int32(Int32(i))) }
            }
            return builder.finish()
        }
        let batch = try Batch(schema: schema, columns: columns)
        let reader = try Self.roundTrip([batch], schema: schema, path: dir.path("nulls.parquet"),
                                        options: Self.smallOptions(), "all null")
        for g in 0..<reader.rowGroupCount {
            for c in 0..<(fields.count - 1) {
                let stats = reader.statistics(rowGroup: g, column: c)
                if let stats {
                    #expect(stats.nullCount == nil || stats.nullCount == reader.rowCount(ofRowGroup: g))
                    #expect(stats.min == nil && stats.max == nil, "all-null column \(fields[c].name) has bounds")
                }
            }
        }
    }

    /// Few distinct strings take the dictionary path (much smaller file); unique strings overflow the dictionary
    /// limit and fall back to PLAIN mid-chunk. Both read back exactly.
    @Test(arguments: codecs)
    func dictionaryAndFallback(codec: CompressionCodec) throws {
        let dir = try TempDirectory()
        var low = RandomData.Options()
        low.stringCardinality = 12
        let lowBatch = try RandomData.batch(rows: 20_000, seed: 500, options: low)
        let highBatch = try RandomData.batch(rows: 20_000, seed: 501)
        var sizes: [String: Int] = [:]
        for dictionary in [true, false] {
            for (kind, batch) in [("low", lowBatch), ("high", highBatch)] {
                let path = dir.path("\(kind)-\(dictionary).parquet")
                var options = Self.smallOptions(codec: codec, dictionary: dictionary)
                options.dictionaryPageLimit = 4 << 10
                options.rowGroupBytes = 4 << 20  // one row group, so the high-cardinality dictionary overflows
                try Self.roundTrip([batch], schema: batch.schema, path: path, options: options,
                                   "\(kind) cardinality, dictionary=\(dictionary), \(codec.name)")
                let strings = try Schema([Field("s", .string)])
                let only = try Batch(schema: strings, columns: [batch.columns[5]])
                let stringPath = dir.path("\(kind)-\(dictionary)-s.parquet")
                try Self.roundTrip([only], schema: strings, path: stringPath, options: options,
                                   "\(kind) cardinality strings only, dictionary=\(dictionary), \(codec.name)")
                sizes["\(kind)-\(dictionary)"] = try Files.size(stringPath)
            }
        }
        if codec == .uncompressed, let on = sizes["low-true"], let off = sizes["low-false"] {
            #expect(on * 3 < off, "dictionary-encoded low-cardinality strings: \(on) B, plain: \(off) B")
        }
    }

    /// Row-group statistics equal the true min, max and null count of the rows in each group.
    @Test func statisticsAreExact() throws {
        let dir = try TempDirectory()
        let batch = try RandomData.batch(rows: 6_000, seed: 600)
        let path = dir.path("stats.parquet")
        let reader = try Self.roundTrip([batch], schema: batch.schema, path: path, options: Self.smallOptions(),
                                        "statistics")
        #expect(reader.rowGroupCount > 1)
        var start = 0
        for g in 0..<reader.rowGroupCount {
            let rows = Int(reader.rowCount(ofRowGroup: g))
            defer { start += rows }
            for (c, field) in batch.schema.fields.enumerated() {
                let label = "row group \(g) column \(field.name)"
                guard let stats = reader.statistics(rowGroup: g, column: c) else {
                    Issue.record("\(label): no statistics")
                    continue
                }
                let truth = TrueStatistics(batch.columns[c], start ..< start + rows)
                #expect(stats.nullCount == Int64(truth.nullCount), "\(label): null count")
                #expect(Self.same(stats.min, truth.min), "\(label): min \(String(describing: stats.min)), true \(String(describing: truth.min))")
                #expect(Self.same(stats.max, truth.max), "\(label): max \(String(describing: stats.max)), true \(String(describing: truth.max))")
            }
        }
    }

    /// Equal bounds; zeros of either sign are equal (Parquet writes -0.0 as a zero min and +0.0 as a zero max).
    static func same(_ a: Value?, _ b: Value?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (a?, b?): Stats.sameKind(a, typeOf(b)) && Stats.order(a, b) == 0
        default: false
        }
    }

    static func typeOf(_ v: Value) -> DataType {
        switch v {
        case .bool: .bool
        case .int32: .int32
        case .int64: .int64
        case .float: .float
        case .double: .double
        case .string: .string
        case .date: .date
        case .timestamp: .timestamp
        case .null: .int32
        }
    }

    /// `x > threshold` on a sorted column skips the row groups below the threshold and keeps every matching row;
    /// the same holds for the other operators and conjunctions.
    @Test func pruningSkipsRowGroupsButNoRows() throws {
        let dir = try TempDirectory()
        let batch = try RandomData.sortedBatch(rows: 40_000, seed: 700)
        let path = dir.path("sorted.parquet")
        var options = Self.smallOptions()
        options.rowGroupBytes = 64 << 10
        let reader = try Self.roundTrip([batch], schema: batch.schema, path: path, options: options, "sorted")
        let groups = reader.rowGroupCount
        try #require(groups >= 4, "need several row groups, got \(groups)")
        let ids = (0..<batch.count).map { i -> Int64 in
            if case let .int64(v) = batch.columns[0].value(at: i) { return v }
            return -1
        }
        let cases: [(ScanPredicate, (Int64) -> Bool, Bool)] = [
            (.compare(column: "id", op: .greater, value: .int64(30_000)), { $0 > 30_000 }, true),
            (.compare(column: "id", op: .greaterOrEqual, value: .int64(39_999)), { $0 >= 39_999 }, true),
            (.compare(column: "id", op: .less, value: .int64(5_000)), { $0 < 5_000 }, true),
            (.compare(column: "id", op: .lessOrEqual, value: .int64(0)), { $0 <= 0 }, true),
            (.compare(column: "id", op: .equal, value: .int64(12_345)), { $0 == 12_345 }, true),
            (.compare(column: "id", op: .equal, value: .int32(12_345)), { $0 == 12_345 }, true),
            (.compare(column: "id", op: .notEqual, value: .int64(12_345)), { $0 != 12_345 }, false),
            (.compare(column: "id", op: .greater, value: .int64(100_000)), { _ in false }, true),
            (.compare(column: "id", op: .greater, value: .int64(-1)), { _ in true }, false),
            (.and([.compare(column: "id", op: .greater, value: .int64(10_000)),
                   .compare(column: "id", op: .less, value: .int64(20_000))]), { $0 > 10_000 && $0 < 20_000 }, true),
            (.isNull(column: "id"), { _ in false }, true),
        ]
        for (predicate, matches, shouldPrune) in cases {
            var kept: [Int64] = []
            var pruned = 0
            var start = 0
            for g in 0..<groups {
                let rows = Int(reader.rowCount(ofRowGroup: g))
                defer { start += rows }
                if predicate.mayMatch(reader, rowGroup: g) {
                    kept += ids[start ..< start + rows]
                } else {
                    pruned += 1
                }
            }
            let expected = ids.filter(matches)
            let keptMatching = kept.filter(matches)
            #expect(keptMatching == expected, "\(predicate): kept row groups hold \(keptMatching.count) matching rows, expected \(expected.count)")
            if shouldPrune {
                #expect(pruned > 0, "\(predicate): no row group pruned of \(groups)")
                // Only the groups that overlap the matches may be kept.
                #expect(kept.count < ids.count, "\(predicate): every row kept")
            } else {
                #expect(pruned == 0, "\(predicate): \(pruned) row groups pruned although every group matches")
            }
        }
        // The string column with nulls: IS NULL keeps every group holding a null.
        var start = 0
        for g in 0..<groups {
            let rows = Int(reader.rowCount(ofRowGroup: g))
            let hasNull = (start ..< start + rows).contains { batch.columns[1].isNull($0) }
            if hasNull {
                #expect(ScanPredicate.isNull(column: "v").mayMatch(reader, rowGroup: g), "row group \(g) has nulls")
            }
            start += rows
        }
    }

    @Test func writerRejectsMismatchedBatch() throws {
        let dir = try TempDirectory()
        let schema = RandomData.schema()
        let writer = try ParquetFileWriter(path: dir.path("x.parquet"), schema: schema, options: Self.smallOptions())
        defer { writer.abort() }
        let other = try Schema([Field("a", .int64)])
        let batch = try Batch(schema: other, columns: [try Column(type: .int64, values: [.int64(1)])])
        let error = try #require(throws: StrataError.self) { try writer.write(batch) }
        #expect(error.code == .schemaMismatch, "\(error)")
    }

    @Test func abortRemovesTheFile() throws {
        let dir = try TempDirectory()
        let path = dir.path("aborted.parquet")
        let writer = try ParquetFileWriter(path: path, schema: RandomData.schema(), options: Self.smallOptions())
        try writer.write(try RandomData.batch(rows: 3_000, seed: 800))
        writer.abort()
        #expect(!FileManager.default.fileExists(atPath: path), "aborted file still exists")
    }

    @Test func writerFailsInMissingDirectory() throws {
        let dir = try TempDirectory()
        let error = try #require(throws: StrataError.self) {
            try ParquetFileWriter(path: dir.path("missing/x.parquet"), schema: RandomData.schema(),
                                  options: Self.smallOptions())
        }
        #expect(error.code == .notFound || error.code == .io, "\(error)")
        #expect(error.description.contains("missing/x.parquet"), "\(error)")
    }
}

/// Min, max (NaN ignored) and null count of rows `range` of a column, computed directly.
struct TrueStatistics {
    var min: Value?
    var max: Value?
    var nullCount = 0

    init(_ column: Column, _ range: Range<Int>) {
        for i in range {
            let v = column.value(at: i)
            if v.isNull {
                nullCount += 1
                continue
            }
            if case let .float(x) = v, x.isNaN { continue }
            if case let .double(x) = v, x.isNaN { continue }
            if let current = min, Stats.order(v, current) != -1 {} else { min = v }
            if let current = max, Stats.order(v, current) != 1 {} else { max = v }
        }
    }
}
