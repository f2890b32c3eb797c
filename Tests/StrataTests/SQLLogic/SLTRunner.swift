import Foundation
import StrataCore

/// The SQL engine under test, as the runner sees it: one instance per configuration of a file.
protocol SLTEngine {
    /// Imports the Parquet file at `parquetPath` (absolute) as the table `table`.
    func load(table: String, parquetPath: String) throws
    /// Runs `sql` to the end: the result's schema and all its batches.
    func query(_ sql: String) throws -> (schema: Schema, batches: [Batch])
    /// Files a statement left in the engine's spill directory (there must be none once it has ended).
    func leftoverSpillFiles() -> [String]
}

extension SLTEngine {
    func leftoverSpillFiles() -> [String] { [] }
}

/// Makes the engine of one configuration: `threads` worker threads and an operator memory pool of `pool` bytes (nil:
/// the engine's default).
typealias SLTEngineFactory = (_ threads: Int, _ pool: Int?) throws -> any SLTEngine

/// Thrown by an engine factory (or an engine) that cannot run the tests yet; the file is skipped, not failed.
struct SLTSkip: Error, Sendable, CustomStringConvertible {
    let reason: String

    init(_ reason: String) { self.reason = reason }

    var description: String { reason }
}

/// One failed record (or load) of one configuration.
struct SLTFailure: Sendable, CustomStringConvertible {
    /// The file, relative to the repository root.
    let file: String
    /// The 1-based line of the record or `load`.
    let line: Int
    let configuration: SLTConfiguration
    /// What went wrong, with the SQL and, for a wrong result, the first differing row.
    let message: String

    var description: String { "\(file):\(line) [\(configuration)]: \(message)" }
}

/// Runs the records of a parsed `.slt` file against engines made by a factory, once per configuration of the file's
/// matrix, and reports every record whose outcome differs from the file.
///
/// Query results are formatted per type letter (NULL as `NULL`, the empty string as `(empty)`, bools
/// `true`/`false`, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]`), sorted for `rowsort`, and
/// compared textually, except R values, which compare as numbers within a relative tolerance of 1e-9 or an absolute
/// one of 1e-12 (NaN equals NaN). A column whose count or type does not fit the type string is a failure. File
/// paths: `load` paths and string literals starting with `Fixtures/` in the SQL are relative to `root`.
struct SLTRunner {
    /// The repository root, against which relative fixture paths are resolved.
    let root: String
    let makeEngine: SLTEngineFactory

    static let relativeTolerance = 1e-9
    static let absoluteTolerance = 1e-12

    /// Runs every configuration of `file`; returns the failures (empty: all passed). Throws only ``SLTSkip``.
    func run(_ file: SLTFile) throws -> [SLTFailure] {
        var failures: [SLTFailure] = []
        for configuration in file.configurations {
            failures += try run(file, configuration: configuration)
        }
        return failures
    }

    /// Runs `file` under one configuration: a fresh engine, the loads, then every record in order.
    func run(_ file: SLTFile, configuration: SLTConfiguration) throws -> [SLTFailure] {
        func failure(_ line: Int, _ message: String) -> SLTFailure {
            SLTFailure(file: file.relativePath, line: line, configuration: configuration, message: message)
        }
        let engine: any SLTEngine
        do {
            engine = try makeEngine(configuration.threads, configuration.pool)
        } catch let skip as SLTSkip {
            throw skip
        } catch {
            return [failure(1, "cannot create the engine: \(error)")]
        }
        for load in file.loads {
            do {
                try engine.load(table: load.table, parquetPath: resolve(path: load.path))
            } catch let skip as SLTSkip {
                throw skip
            } catch {
                return [failure(load.line, "load \(load.table) \(load.path) failed: \(error)")]
            }
        }
        var failures: [SLTFailure] = []
        for record in file.records {
            if let message = try check(record, engine: engine) {
                failures.append(failure(record.line, message))
            }
            let left = engine.leftoverSpillFiles()
            if !left.isEmpty { failures.append(failure(record.line, "spill files left behind: \(left)")) }
        }
        return failures
    }

    /// `path` made absolute against ``root``.
    func resolve(path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }

    /// `sql` with string literals that start with `Fixtures/` made absolute, so table functions find their files
    /// whatever the current directory.
    func resolve(sql: String) -> String {
        sql.replacingOccurrences(of: "'Fixtures/", with: "'" + root.replacingOccurrences(of: "'", with: "''")
            + "/Fixtures/")
    }

    /// Runs one record; returns why it failed, or nil.
    func check(_ record: SLTRecord, engine: any SLTEngine) throws -> String? {
        let sql = resolve(sql: record.sql)
        let shownSQL = "\n" + record.sql
        switch record.kind {
        case .statementOK:
            do {
                _ = try engine.query(sql)
                return nil
            } catch let skip as SLTSkip {
                throw skip
            } catch {
                return "statement failed: \(error)" + shownSQL
            }
        case let .statementError(expected):
            do {
                _ = try engine.query(sql)
                return "statement succeeded, expected an error" + (expected.map { " containing \"\($0)\"" } ?? "")
                    + shownSQL
            } catch let skip as SLTSkip {
                throw skip
            } catch {
                let message = String(describing: error)
                guard let expected, !message.lowercased().contains(expected.lowercased()) else { return nil }
                return "the error does not contain \"\(expected)\": \(message)" + shownSQL
            }
        case let .query(types, sort, expected):
            let result: (schema: Schema, batches: [Batch])
            do {
                result = try engine.query(sql)
            } catch let skip as SLTSkip {
                throw skip
            } catch {
                return "query failed: \(error)" + shownSQL
            }
            return SLTRunner.mismatch(result, types: types, sort: sort, expected: expected).map { $0 + shownSQL }
        }
    }

    // MARK: - Comparing results

    /// Why `result` is not the expected answer, or nil when it is.
    static func mismatch(_ result: (schema: Schema, batches: [Batch]), types: [SLTColumnType], sort: SLTSortMode,
                         expected: [[String]]) -> String? {
        let letters = String(types.map(\.rawValue))
        guard result.schema.count == types.count else {
            return "the result has \(result.schema.count) columns (\(result.schema)), the type string \(letters) "
                + "\(types.count)"
        }
        for (position, (type, field)) in zip(types, result.schema.fields).enumerated() where !type.fits(field.type) {
            return "column \(position + 1) (\(field)) does not fit type \(type.rawValue) of \(letters)"
        }
        var actual: [[String]] = []
        for batch in result.batches {
            guard batch.columns.count == types.count else {
                return "a batch has \(batch.columns.count) columns, the schema \(types.count)"
            }
            for row in 0..<batch.count {
                actual.append(batch.columns.map { format($0.value(at: row)) })
            }
        }
        var wanted = expected
        if sort == .rowsort {
            actual = sorted(actual, types: types)
            wanted = sorted(wanted, types: types)
        }
        guard let row = firstDifference(wanted, actual, types: types) else { return nil }
        let counts = "\(actual.count) rows" + (actual.count == wanted.count ? "" : ", expected \(wanted.count)")
        func show(_ rows: [[String]]) -> String { row < rows.count ? rows[row].joined(separator: "\t") : "(no row)" }
        return "wrong result (\(sort.rawValue), \(counts)); first difference at row \(row + 1):\n"
            + "  expected: \(show(wanted))\n  actual:   \(show(actual))"
    }

    /// The index of the first row where the two lists differ (a missing row counts), or nil.
    static func firstDifference(_ expected: [[String]], _ actual: [[String]], types: [SLTColumnType]) -> Int? {
        for (index, (a, b)) in zip(expected, actual).enumerated() {
            for (type, (x, y)) in zip(types, zip(a, b)) {
                let same = type == .real ? realsMatch(x, y) : x == y
                if !same { return index }
            }
        }
        return expected.count == actual.count ? nil : min(expected.count, actual.count)
    }

    /// Whether two R values agree: both NULL, both NaN, or numbers within the tolerance.
    static func realsMatch(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = Double(a), let y = Double(b) else { return false }
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
        if x == y { return true }
        if x.isInfinite || y.isInfinite { return false }
        return abs(x - y) <= max(absoluteTolerance, relativeTolerance * max(abs(x), abs(y)))
    }

    /// Rows in a canonical order: by their values as text, R values rounded to 9 significant digits first (so both
    /// sides sort alike when they differ within the tolerance).
    static func sorted(_ rows: [[String]], types: [SLTColumnType]) -> [[String]] {
        func key(_ row: [String]) -> [String] {
            zip(types, row).map { type, value in
                guard type == .real, let x = Double(value), x.isFinite else { return value }
                return x == 0 ? "0" : String(format: "%.9g", x)
            }
        }
        return rows.map { (key($0), $0) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            .map(\.1)
    }

    // MARK: - Formatting values

    /// The text of one result value, as the `.slt` files write it.
    static func format(_ value: Value) -> String {
        switch value {
        case .null: "NULL"
        case let .bool(b): b ? "true" : "false"
        case let .int32(v): String(v)
        case let .int64(v): String(v)
        case let .float(v): format(Double(v))
        case let .double(v): format(v)
        case let .string(s): s.isEmpty ? "(empty)" : s
        case let .date(days): CivilDate.format(days: days)
        case let .timestamp(micros): formatTimestamp(micros)
        case let .blob(bytes): BlobText.format(bytes)
        case let .time(micros): TimeOfDay.format(micros: micros)
        case let .timestampNanos(nanos):
            CivilDate.format(nanos: nanos).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        case let .decimal(units, _, scale): DecimalMath.format(units.value, scale: Int(scale))
        }
    }

    /// A double in its shortest round-trip form (`nan` for any NaN).
    static func format(_ value: Double) -> String { value.isNaN ? "nan" : "\(value)" }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` of microseconds since the epoch, the fraction without trailing zeros.
    static func formatTimestamp(_ micros: Int64) -> String {
        let perDay: Int64 = 86_400_000_000
        let (days, rest) = (micros.quotientAndRemainder(dividingBy: perDay))
        let (day, time) = rest < 0 ? (days - 1, rest + perDay) : (days, rest)
        let seconds = time / 1_000_000, fraction = time % 1_000_000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = CivilDate.format(days: Int32(truncatingIfNeeded: day)) + " " + two(seconds / 3600) + ":"
            + two(seconds / 60 % 60) + ":" + two(seconds % 60)
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}
