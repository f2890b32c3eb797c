import Foundation
import StrataCompression
import StrataCore
import Testing
@testable import StrataStorage
import StrataTestSupport

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
        case .timestampNanos: .timestampNanos
        case .blob: .blob
        case .time: .time
        case let .decimal(_, precision, scale): .decimal(precision: precision, scale: scale)
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

    /// For every column, operator and many constants (taken from the data, plus extremes and specials): a row group
    /// holding a matching row is never pruned. Matching follows Swift's comparison operators (IEEE for floats, so
    /// NaN only matches `!=`), strings compare as UTF-8 bytes, and nulls never match.
    @Test func pruningNeverDropsMatchingRows() throws {
        let dir = try TempDirectory()
        var options = Self.smallOptions()
        options.rowGroupBytes = 24 << 10
        var low = RandomData.Options()
        low.nullFraction = 0.3
        let batch = try RandomData.batch(rows: 3_000, seed: 1_000, options: low)
        let path = dir.path("fuzz.parquet")
        try Self.write([batch], schema: batch.schema, to: path, options: options)
        let reader = try ParquetFileReader(path: path)
        try #require(reader.rowGroupCount >= 4)
        var bounds: [Range<Int>] = []
        var start = 0
        for g in 0..<reader.rowGroupCount {
            let rows = Int(reader.rowCount(ofRowGroup: g))
            bounds.append(start ..< start + rows)
            start += rows
        }
        let ops: [ScanPredicate.Operator] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        var g = SplitMix64(seed: 1_001)
        var failures = 0
        for (c, field) in batch.schema.fields.enumerated() {
            let column = batch.columns[c]
            var constants = (0..<25).map { _ in column.value(at: Int(g.next() % UInt64(column.count))) }
                .filter { !$0.isNull }
            constants += PruningOracle.extremes(field.type)
            for constant in constants {
                for op in ops {
                    let predicate = ScanPredicate.compare(column: field.name, op: op, value: constant)
                    for (group, range) in bounds.enumerated() where !predicate.mayMatch(reader, rowGroup: group) {
                        if let row = range.first(where: {
                            PruningOracle.matches(column.value(at: $0), op, constant)
                        }) {
                            failures += 1
                            if failures <= 10 {
                                let stats = reader.statistics(rowGroup: group, column: c)
                                Issue.record("""
                                    \(field.name) \(op.rawValue) \(Compare.describe(constant)) pruned row group \(group) \
                                    (min \(String(describing: stats?.min)), max \(String(describing: stats?.max)), \
                                    nulls \(String(describing: stats?.nullCount))) although row \(row) = \
                                    \(Compare.describe(column.value(at: row))) matches
                                    """)
                            }
                        }
                    }
                }
            }
        }
        #expect(failures == 0, "\(failures) wrongly pruned (predicate, row group) pairs")
    }

    /// NaN and zeros of both signs in float statistics: NaN never becomes a bound, a group of only NaN has none, and
    /// pruning keeps the rows that match.
    @Test func floatSpecialStatistics() throws {
        let dir = try TempDirectory()
        let schema = try Schema([Field("f", .float), Field("d", .double)])
        let cases: [(String, [Double])] = [
            ("nan only", [.nan, .nan, .nan]),
            ("zeros", [-0.0, 0.0, -0.0]),
            ("negative zero only", [-0.0, -0.0]),
            ("positive zero only", [0.0]),
            ("nan and numbers", [.nan, 1.5, -2.5, .nan]),
            ("infinities", [.infinity, -.infinity, .nan]),
        ]
        for (label, values) in cases {
            let batch = try Batch(schema: schema, columns: [
                try Column(type: .float, values: values.map { .float(Float($0)) } + [.null]),
                try Column(type: .double, values: values.map { .double($0) } + [.null]),
            ])
            let path = dir.path(label.replacingOccurrences(of: " ", with: "_") + ".parquet")
            let reader = try Self.roundTrip([batch], schema: schema, path: path, options: Self.smallOptions(), label)
            for c in 0..<2 {
                let stats = reader.statistics(rowGroup: 0, column: c)
                let truth = TrueStatistics(batch.columns[c], 0 ..< batch.count)
                #expect(stats?.nullCount == 1, "\(label) column \(c): null count")
                #expect(Self.same(stats?.min, truth.min), "\(label) column \(c): min \(String(describing: stats?.min))")
                #expect(Self.same(stats?.max, truth.max), "\(label) column \(c): max \(String(describing: stats?.max))")
                for v in [-1.0, 0.0, 1.5, -2.5] {
                    let value: Value = c == 0 ? .float(Float(v)) : .double(v)
                    for op in [ScanPredicate.Operator.equal, .less, .lessOrEqual, .greater, .greaterOrEqual] {
                        let matching = (0..<batch.count).contains {
                            PruningOracle.matches(batch.columns[c].value(at: $0), op, value)
                        }
                        let name = schema.fields[c].name
                        if matching {
                            #expect(ScanPredicate.compare(column: name, op: op, value: value).mayMatch(reader, rowGroup: 0),
                                    "\(label): \(name) \(op.rawValue) \(v) pruned a matching group")
                        }
                    }
                }
            }
        }
    }

    /// Strings longer than a page, empty strings only, and a few huge values among small ones.
    @Test func largeAndEmptyStrings() throws {
        let dir = try TempDirectory()
        let schema = try Schema([Field("s", .string)])
        let big = String(repeating: "0123456789abcdéf", count: 40_000)  // 680 KB, far above pageBytes
        let cases: [(String, [Value])] = [
            ("empty strings", Array(repeating: .string(""), count: 5_000)),
            ("one huge value", [.string(big)]),
            ("mixed", (0..<3_000).map { i in i % 1_000 == 0 ? .string(big) : i % 7 == 0 ? .null : .string("v\(i % 13)") }),
        ]
        for dictionary in [true, false] {
            for (label, values) in cases {
                let batch = try Batch(schema: schema, columns: [try Column(type: .string, values: values)])
                let path = dir.path("\(label.replacingOccurrences(of: " ", with: "_"))-\(dictionary).parquet")
                try Self.roundTrip([batch], schema: schema, path: path,
                                   options: Self.smallOptions(dictionary: dictionary), "\(label) dictionary=\(dictionary)")
            }
        }
    }

    /// A batch of several rows that are each larger than `rowGroupBytes` becomes one row group per row (or so),
    /// and the write finishes. Run under a deadline: a writer that cannot make progress would otherwise hang the
    /// whole test run.
    @Test func rowsLargerThanARowGroup() throws {
        let dir = try TempDirectory()
        let schema = try Schema([Field("s", .string), Field("n", .int32)])
        let big = String(repeating: "0123456789abcdéf", count: 40_000)  // 680 KB per value, rowGroupBytes 96 KiB
        let batch = try Batch(schema: schema, columns: [
            try Column(type: .string, values: [.string(big), .string("x"), .null, .string(big + "!"), .string("")]),
            try Column(type: .int32, values: (0..<5).map { .int32(Int32($0)) }),
        ])
        let path = dir.path("huge-rows.parquet")
        let options = Self.smallOptions()
        let outcome = withDeadline(seconds: 10) {
            try Self.write([batch], schema: schema, to: path, options: options)
        }
        guard let outcome else {
            Issue.record("""
                ParquetFileWriter.write did not return within 10 s for a 5-row batch whose rows average more than \
                rowGroupBytes (\(options.rowGroupBytes) B): it makes no progress when a batch of 2+ rows has no row \
                that fits the empty row group
                """)
            return
        }
        _ = try outcome.get()
        let reader = try ParquetFileReader(path: path)
        let actual = try reader.readAll()
        if let d = Compare.difference(batch, actual) { Issue.record("\(d)") }
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

/// The reference semantics of `column op constant` for the pruning checks.
enum PruningOracle {
    static func matches(_ x: Value, _ op: ScanPredicate.Operator, _ v: Value) -> Bool {
        func apply<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch op {
            case .equal: a == b
            case .notEqual: a != b
            case .less: a < b
            case .lessOrEqual: a <= b
            case .greater: a > b
            case .greaterOrEqual: a >= b
            }
        }
        switch (x, v) {
        case (.null, _), (_, .null): return false
        case let (.bool(a), .bool(b)): return apply(a ? 1 : 0, b ? 1 : 0)
        case let (.int32(a), .int32(b)), let (.date(a), .date(b)): return apply(a, b)
        case let (.int32(a), .int64(b)): return apply(Int64(a), b)
        case let (.int64(a), .int32(b)): return apply(a, Int64(b))
        case let (.int64(a), .int64(b)), let (.timestamp(a), .timestamp(b)), let (.timestampNanos(a), .timestampNanos(b)),
             let (.time(a), .time(b)):
            return apply(a, b)
        case let (.float(a), .float(b)): return apply(a, b)
        case let (.float(a), .double(b)): return apply(Double(a), b)
        case let (.double(a), .double(b)): return apply(a, b)
        case let (.string(a), .string(b)): return apply(ByteString(Array(a.utf8)), ByteString(Array(b.utf8)))
        default: return true  // not comparable: the predicate cannot prune, so any row "may" match
        }
    }

    /// Constants at and beyond the edges of a type's range.
    static func extremes(_ type: DataType) -> [Value] {
        switch type {
        case .bool: [.bool(false), .bool(true)]
        case .int32: [.int32(.min), .int32(.max), .int32(0), .int64(Int64(Int32.max) + 1), .int64(Int64(Int32.min) - 1)]
        case .int64: [.int64(.min), .int64(.max), .int64(0), .int32(-1)]
        case .float: [.float(-.infinity), .float(.infinity), .float(-0.0), .float(0.0), .float(.greatestFiniteMagnitude), .double(0.5)]
        case .double: [.double(-.infinity), .double(.infinity), .double(-0.0), .double(0.0), .double(.leastNonzeroMagnitude)]
        case .string: [.string(""), .string("\u{0}"), .string("\u{10FFFF}"), .string("zzzz")]
        case .date: [.date(RandomData.dayRange.lowerBound), .date(RandomData.dayRange.upperBound), .date(0)]
        case .timestamp: [.timestamp(RandomData.microsRange.lowerBound), .timestamp(RandomData.microsRange.upperBound), .timestamp(0)]
        case .timestampNanos: [.timestampNanos(.min), .timestampNanos(.max), .timestampNanos(0)]
        case .blob: [.blob([]), .blob([0]), .blob([0xFF, 0xFF])]
        case .time: [.time(0), .time(86_400_000_000)]
        case let .decimal(precision, scale):
            [.decimal(DecimalMath.power(Int(precision)) - 1, precision: precision, scale: scale), .decimal(0, precision: precision, scale: scale)]
        }
    }
}

/// Bytes ordered lexicographically (unsigned), as Parquet orders BYTE_ARRAY statistics.
struct ByteString: Comparable {
    var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    static func < (a: ByteString, b: ByteString) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
