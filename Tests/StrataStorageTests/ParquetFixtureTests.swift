import StrataTestSupport
import Foundation
import StrataCore
import Testing
@testable import StrataStorage

/// Reads the Parquet files other engines wrote (Fixtures/parquet, see its README) and checks every value against
/// the canonical expectations, and that the malformed or unsupported ones are rejected with the right error.
@Suite struct ParquetFixtureTests {
    static let readable = ParquetFixtures.readable
    static let rejected = ParquetFixtures.rejected

    @Test func fixturesAreDiscovered() {
        #expect(Self.readable.count >= 19, "readable fixtures found: \(Self.readable)")
        #expect(Self.rejected.count >= 6, "reject fixtures found: \(Self.rejected)")
        #expect(Self.readable.contains("pa_multi_rowgroup_pages"))
        #expect(Self.rejected.contains("err_truncated"))
    }

    /// The expected columns (`name`, `type`) and rows of a readable fixture.
    static func expectations(_ name: String) throws -> (columns: [(name: String, type: String)], rows: [JSON]) {
        let schemaText = try String(contentsOfFile: RepoPaths.parquetFixture(name + ".schema.json"), encoding: .utf8)
        guard let array = try JSON.parse(schemaText).arrayValue else {
            throw FixtureError("\(name).schema.json is not an array")
        }
        let columns = try array.map { column in
            guard let n = column["name"]?.stringValue, let t = column["type"]?.stringValue else {
                throw FixtureError("\(name).schema.json: column without name/type: \(column)")
            }
            return (n, t)
        }
        let rowsText = try String(contentsOfFile: RepoPaths.parquetFixture(name + ".expected.jsonl"), encoding: .utf8)
        return (columns, try JSON.parseLines(rowsText))
    }

    /// Reading a row group in slices (the scans' way: pages decoded as needed, a slice handed out at a time) gives
    /// the same rows as reading it whole, for every slice size, every encoding, page version and null pattern.
    @Test(arguments: readable)
    func slicedReadsEqualWholeReads(_ name: String) throws {
        let reader = try ParquetFileReader(path: RepoPaths.parquetFixture(name + ".parquet"))
        let all = Array(reader.schema.fields.indices)
        for group in 0..<reader.rowGroupCount {
            let whole = try reader.readRowGroup(group, columns: all)
            for sliceRows in [1, 7, 1000] {
                var rows: [[Value]] = []
                var sizes: [Int] = []
                try reader.readRowGroup(group, columns: all, sliceRows: sliceRows) { batch in
                    sizes.append(batch.count)
                    rows += (0..<batch.count).map(batch.row)
                }
                #expect(rows == (0..<whole.count).map(whole.row), "\(name) group \(group) in slices of \(sliceRows)")
                #expect(sizes.dropLast().allSatisfy { $0 == sliceRows } && (sizes.last ?? 0) <= sliceRows)
                // The columns can be read in any subset and order.
                let reversed = Array(all.reversed())
                var first: Batch?
                try reader.readRowGroup(group, columns: reversed, sliceRows: max(1, whole.count / 3 + 1)) { batch in
                    if first == nil { first = batch }
                }
                if let first, whole.count > 0 {
                    #expect(first.columns.first == whole.columns.last?.slice(0..<first.count))
                }
            }
        }
    }

    @Test(arguments: readable)
    func readsEveryValue(_ name: String) throws {
        let (columns, expected) = try Self.expectations(name)
        let path = RepoPaths.parquetFixture(name + ".parquet")
        let reader = try ParquetFileReader(path: path)

        try #require(reader.schema.fields.map(\.name) == columns.map(\.name), "column names of \(name)")
        #expect(reader.schema.fields.map(\.type.name) == columns.map(\.type), "column types of \(name)")

        var row = 0
        var mismatches = 0
        let all = Array(reader.schema.fields.indices)
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group, columns: all)
            #expect(Int64(batch.count) == reader.rowCount(ofRowGroup: group), "\(name) row group \(group) size")
            #expect(batch.schema.fields.map(\.name) == columns.map(\.name))
            for r in 0..<batch.count {
                defer { row += 1 }
                guard row < expected.count else { continue }
                for (c, column) in columns.enumerated() {
                    let got = Canonical.json(batch.columns[c].value(at: r))
                    let want = expected[row][column.name] ?? .null
                    if got != want {
                        mismatches += 1
                        Issue.record("\(name) row \(row) (row group \(group), row \(r)) column \(column.name): got \(got), expected \(want)")
                    }
                }
                if mismatches >= 10 { return }
            }
        }
        #expect(row == expected.count, "\(name): read \(row) rows, expected \(expected.count)")
    }

    /// Reading a subset of columns in a different order gives the same values as reading them all.
    @Test(arguments: readable)
    func projectionMatchesFullRead(_ name: String) throws {
        let reader = try ParquetFileReader(path: RepoPaths.parquetFixture(name + ".parquet"))
        let all = Array(reader.schema.fields.indices)
        let projection = all.count > 1 ? [all[all.count - 1], all[0]] + all.dropFirst().dropLast().filter { $0 % 2 == 1 }
            : all
        for group in 0..<reader.rowGroupCount {
            let full = try reader.readRowGroup(group, columns: all)
            let part = try reader.readRowGroup(group, columns: projection)
            #expect(part.schema.fields.map(\.name) == projection.map { reader.schema.fields[$0].name })
            for (i, c) in projection.enumerated() {
                if let d = Compare.difference(full.columns[c], part.columns[i], name: reader.schema.fields[c].name) {
                    Issue.record("\(name) row group \(group): \(d)")
                }
            }
        }
    }

    /// Whatever statistics the reader reports must bound the values it reads (or pruning would drop rows).
    @Test(arguments: readable)
    func statisticsBoundTheValues(_ name: String) throws {
        let reader = try ParquetFileReader(path: RepoPaths.parquetFixture(name + ".parquet"))
        let all = Array(reader.schema.fields.indices)
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group, columns: all)
            for (c, field) in reader.schema.fields.enumerated() {
                guard let stats = reader.statistics(rowGroup: group, column: c) else { continue }
                let column = batch.columns[c]
                let label = "\(name) row group \(group) column \(field.name)"
                if let nulls = stats.nullCount {
                    #expect(nulls == Int64(column.nullCount), "\(label): null count")
                }
                for bound in [stats.min, stats.max].compactMap({ $0 }) {
                    #expect(Stats.sameKind(bound, field.type), "\(label): statistic \(bound) is not a \(field.type)")
                }
                for i in 0..<column.count where !column.isNull(i) {
                    let v = column.value(at: i)
                    if let min = stats.min, let order = Stats.order(min, v), order > 0 {
                        Issue.record("\(label): row \(i) value \(Compare.describe(v)) < statistics min \(min)")
                        break
                    }
                    if let max = stats.max, let order = Stats.order(v, max), order > 0 {
                        Issue.record("\(label): row \(i) value \(Compare.describe(v)) > statistics max \(max)")
                        break
                    }
                }
            }
        }
    }

    /// UINT64 statistics are in unsigned order: a row group holding only values at or above 2^63 (negative as signed
    /// INT64) has bounds of at least 2^63, not negative ones that would prune it away from `u64 > 0`.
    @Test func uint64StatisticsAreUnsigned() throws {
        let reader = try ParquetFileReader(path: RepoPaths.parquetFixture("pa_uint64.parquet"))
        let column = try #require(reader.schema.fields.firstIndex { $0.name == "u64_high" })
        #expect(reader.schema.fields[column].type == .decimal(precision: 20, scale: 0))
        for group in 0..<reader.rowGroupCount {
            let stats = try #require(reader.statistics(rowGroup: group, column: column))
            guard case let .decimal(min, 20, 0)? = stats.min, case let .decimal(max, 20, 0)? = stats.max else {
                Issue.record("row group \(group): bounds \(String(describing: stats.min)), \(String(describing: stats.max))")
                continue
            }
            #expect(min.value >= Int128(1) << 63 && max.value >= min.value && max.value < Int128(1) << 64)
        }
    }

    @Test(arguments: rejected)
    func rejectsFixture(_ name: String) throws {
        let spec = try JSON.parse(try String(contentsOfFile: RepoPaths.parquetFixture(name + ".schema.json"),
                                             encoding: .utf8))
        let substring = try #require(spec["expect_error"]?.stringValue)
        let code = try #require(spec["error_code"]?.stringValue)
        let path = RepoPaths.parquetFixture(name + ".parquet")
        do {
            let reader = try ParquetFileReader(path: path)
            _ = try reader.readAllRowGroups()
            Issue.record("\(name): read without error, expected a \(code) error mentioning \"\(substring)\"")
        } catch let error as StrataError {
            #expect(error.code.rawValue == code, "\(name): \(error) has code \(error.code), expected \(code)")
            // The README asks for the substring in the description; where it is just the code's name
            // ("corrupt", "unsupported") the code itself is accepted as saying it.
            let text = "\(error.code.rawValue): \(error.description)".lowercased()
            #expect(text.contains(substring.lowercased()), "\(name): \"\(error)\" does not mention \"\(substring)\"")
            #expect(error.description.contains(name + ".parquet"), "\(name): \"\(error)\" does not name the file")
        }
    }

    @Test func missingFileIsNotFound() throws {
        let dir = try TempDirectory()
        let error = try #require(throws: StrataError.self) { try ParquetFileReader(path: dir.path("nope.parquet")) }
        #expect(error.code == .notFound || error.code == .io, "\(error)")
        #expect(error.description.contains("nope.parquet"))
    }

    @Test func emptyAndTinyFilesAreCorrupt() throws {
        let dir = try TempDirectory()
        for (label, bytes) in [("empty", [UInt8]()), ("magic", Array("PAR1".utf8)), ("twomagic", Array("PAR1PAR1".utf8)),
                               ("zerolen", Array("PAR1".utf8) + [0, 0, 0, 0] + Array("PAR1".utf8))] {
            let path = dir.path(label + ".parquet")
            try Files.write(bytes, to: path)
            let error = try #require(throws: StrataError.self, "\(label)") {
                let reader = try ParquetFileReader(path: path)
                _ = try reader.readAllRowGroups()
            }
            #expect(error.code == .corrupt, "\(label): \(error)")
            #expect(error.description.contains(label + ".parquet"), "\(label): \(error)")
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Ordering of statistics values against column values.
enum Stats {
    /// Whether `value` is the kind of ``Value`` a column of `type` holds.
    static func sameKind(_ value: Value, _ type: DataType) -> Bool {
        switch (value, type) {
        case (.bool, .bool), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double),
             (.string, .string), (.date, .date), (.timestamp, .timestamp), (.timestampNanos, .timestampNanos), (.blob, .blob),
             (.time, .time):
            true
        case let (.decimal(_, p, s), .decimal(precision, scale)): p == precision && s == scale
        default:
            false
        }
    }

    /// -1/0/1 when `a` and `b` are ordered (same kind, no NaN; -0.0 equals 0.0; strings by UTF-8 bytes), nil
    /// otherwise.
    static func order(_ a: Value, _ b: Value) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case let (.bool(x), .bool(y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case let (.int32(x), .int32(y)), let (.date(x), .date(y)): return sign(x, y)
        case let (.int64(x), .int64(y)), let (.timestamp(x), .timestamp(y)), let (.timestampNanos(x), .timestampNanos(y)),
             let (.time(x), .time(y)):
            return sign(x, y)
        case let (.decimal(x, _, s), .decimal(y, _, t)) where s == t: return sign(x.value, y.value)
        case let (.float(x), .float(y)): return x.isNaN || y.isNaN ? nil : sign(x, y)
        case let (.double(x), .double(y)): return x.isNaN || y.isNaN ? nil : sign(x, y)
        case let (.string(x), .string(y)):
            let xs = Array(x.utf8), ys = Array(y.utf8)
            return xs == ys ? 0 : (xs.lexicographicallyPrecedes(ys) ? -1 : 1)
        case let (.blob(xs), .blob(ys)): return xs == ys ? 0 : (xs.lexicographicallyPrecedes(ys) ? -1 : 1)
        default: return nil
        }
    }
}
