import Foundation
import StrataCore
import Testing

// The sqllogictest-style files under `Tests/sql/`; `Tests/sql/complete.py` fills in their expected rows from DuckDB
// and documents the value formats. In short:
//
//     load people Fixtures/sql/data/people.parquet      imports a Parquet file as a table, before the records
//     foreach threads 1 2 4                              optional; the file runs once per value (cross product with
//     foreach pool default 256KiB 4MiB                   the pool sizes; default matrix when neither is given)
//
//     statement ok | statement error [---- substring]    the statement must succeed / fail (with that text)
//     query <I|R|T|B|D|P…> [nosort|rowsort]              the query, `----`, then the expected rows, tab-separated
//
// Records are separated by blank lines; `#` lines outside records are comments. The parser mirrors the one in
// complete.py: a record's SQL runs to the first blank line or `----`, its result section to the next blank line.

/// The type letter of one column of a `query` record.
enum SLTColumnType: Character, Sendable, Hashable, CaseIterable {
    /// Integer (int32, int64).
    case integer = "I"
    /// Real (double, float, decimal), compared numerically.
    case real = "R"
    /// Text (string).
    case text = "T"
    /// Bool.
    case bool = "B"
    /// Date.
    case date = "D"
    /// Timestamp.
    case timestamp = "P"

    /// Whether a Strata column of `type` is what this letter expects.
    func fits(_ type: DataType) -> Bool {
        switch self {
        case .integer: type == .int32 || type == .int64
        case .real: type == .double || type == .float || type.isDecimal
        case .text: type == .string
        case .bool: type == .bool
        case .date: type == .date
        case .timestamp: type == .timestamp
        }
    }
}

/// How the rows of a `query` record are compared.
enum SLTSortMode: String, Sendable, Hashable {
    /// In the order the engine returns them (the query's ORDER BY fixes it).
    case nosort
    /// Both sides sorted first.
    case rowsort
}

/// One configuration of a file's matrix: the thread count and the operator memory pool (nil: the default).
struct SLTConfiguration: Sendable, Hashable, CustomStringConvertible {
    let threads: Int
    let pool: Int?

    /// The matrix of a file without `foreach`: one thread with the default pool, two with 256 KiB, four with 4 MiB.
    static let defaultMatrix = [
        SLTConfiguration(threads: 1, pool: nil),
        SLTConfiguration(threads: 2, pool: 256 << 10),
        SLTConfiguration(threads: 4, pool: 4 << 20),
    ]

    var description: String { "threads \(threads), pool \(pool.map { ByteCount.format($0) } ?? "default")" }
}

/// `load NAME PATH`: a Parquet file imported as a table before the records run.
struct SLTLoad: Sendable, Hashable {
    let table: String
    /// As written: relative to the repository root, or absolute.
    let path: String
    let line: Int
}

/// One record of a file.
struct SLTRecord: Sendable, Hashable {
    /// What the record expects.
    enum Kind: Sendable, Hashable {
        /// `statement ok`.
        case statementOK
        /// `statement error`, with the text the message must contain (nil: any error).
        case statementError(expected: String?)
        /// `query`: column types, sort mode and the expected rows as written (one string per value).
        case query(types: [SLTColumnType], sort: SLTSortMode, expected: [[String]])
    }

    /// The 1-based line of the record's header.
    let line: Int
    /// The statement text (its lines joined with newlines).
    let sql: String
    let kind: Kind
}

/// A problem in a test file, at a 1-based line.
struct SLTParseError: Error, Sendable, Hashable, CustomStringConvertible {
    let line: Int
    let message: String

    var description: String { "line \(line): \(message)" }
}

/// One parsed `.slt` file: its header directives, its records and any parse errors (reported as test failures).
struct SLTFile: Sendable, CustomTestStringConvertible {
    /// Absolute path.
    let path: String
    /// Path relative to the repository root, used in messages and as the test's name.
    let relativePath: String
    private(set) var loads: [SLTLoad] = []
    /// `foreach threads …`, if given.
    private(set) var threads: [Int]?
    /// `foreach pool …` (nil entries: `default`), if given.
    private(set) var pools: [Int?]?
    private(set) var records: [SLTRecord] = []
    private(set) var errors: [SLTParseError] = []

    /// Parses `text`; problems end up in `errors`.
    init(path: String, relativePath: String, text: String) {
        self.path = path
        self.relativePath = relativePath
        parse(text)
    }

    /// Reads and parses the file at `path`.
    init(path: String, relativePath: String) {
        if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
            self.init(path: path, relativePath: relativePath, text: text)
        } else {
            self.init(path: path, relativePath: relativePath, text: "")
            errors.append(SLTParseError(line: 1, message: "cannot read the file as UTF-8"))
        }
    }

    /// The configurations to run: the cross product of the `foreach` values (a dimension not given takes one
    /// thread or the default pool), or ``SLTConfiguration/defaultMatrix`` when the file has no `foreach`.
    var configurations: [SLTConfiguration] {
        if threads == nil && pools == nil { return SLTConfiguration.defaultMatrix }
        return (threads ?? [1]).flatMap { t in (pools ?? [nil]).map { SLTConfiguration(threads: t, pool: $0) } }
    }

    var testDescription: String { relativePath }

    /// Every `Tests/sql/**/*.slt` of the repository, sorted by path (parsed once).
    /// Every file, or with `STRATA_SLT_FILTER` set only those whose path contains its value.
    static func all() -> [SLTFile] {
        guard let filter = ProcessInfo.processInfo.environment["STRATA_SLT_FILTER"], !filter.isEmpty else {
            return discovered
        }
        return discovered.filter { $0.relativePath.contains(filter) }
    }

    private static let discovered: [SLTFile] = {
        let directory = RepoPaths.root + "/Tests/sql"
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var relative: [String] = []
        while let entry = enumerator.nextObject() as? String {
            if entry.hasSuffix(".slt") { relative.append(entry) }
        }
        return relative.sorted().map { SLTFile(path: directory + "/" + $0, relativePath: "Tests/sql/" + $0) }
    }()

    /// Where line `line` of this file is, for issues recorded against it.
    func sourceLocation(line: Int) -> SourceLocation {
        SourceLocation(fileID: "StrataTests/" + (relativePath.split(separator: "/").last.map(String.init) ?? "slt"),
                       filePath: path, line: max(line, 1), column: 1)
    }
}

// MARK: - Parsing

extension SLTFile {
    private mutating func fail(_ line: Int, _ message: String) {
        errors.append(SLTParseError(line: line, message: message))
    }

    /// Parses the whole text: header directives, then records separated by blank lines.
    private mutating func parse(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var index = 0
        while index < lines.count {
            let number = index + 1
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            index += 1
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            switch words[0] {
            case "load":
                parseLoad(words, line: number)
            case "foreach":
                parseForeach(words, line: number)
            case "statement", "query":
                var sql: [String] = []
                while index < lines.count, !isBlank(lines[index]), lines[index] != "----" {
                    sql.append(lines[index])
                    index += 1
                }
                var result: [String]?
                if index < lines.count, lines[index] == "----" {
                    index += 1
                    var section: [String] = []
                    while index < lines.count, !isBlank(lines[index]) {
                        section.append(lines[index])
                        index += 1
                    }
                    result = section
                }
                parseRecord(words, line: number, sql: sql, result: result)
            default:
                fail(number, "expected `load`, `foreach`, `statement` or `query`, found \"\(trimmed)\"")
                while index < lines.count, !isBlank(lines[index]) { index += 1 }
            }
        }
    }

    private func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }

    private mutating func parseLoad(_ words: [String], line: Int) {
        guard words.count == 3 else { return fail(line, "expected `load NAME PATH`") }
        guard records.isEmpty else { return fail(line, "`load` must come before the first record") }
        loads.append(SLTLoad(table: words[1], path: words[2], line: line))
    }

    private mutating func parseForeach(_ words: [String], line: Int) {
        guard records.isEmpty else { return fail(line, "`foreach` must come before the first record") }
        guard words.count >= 3 else { return fail(line, "expected `foreach threads|pool VALUE…`") }
        let values = Array(words.dropFirst(2))
        switch words[1] {
        case "threads":
            guard threads == nil else { return fail(line, "`foreach threads` given twice") }
            let parsed = values.compactMap { Int($0) }.filter { $0 > 0 }
            guard parsed.count == values.count else { return fail(line, "thread counts must be positive integers") }
            threads = parsed
        case "pool":
            guard pools == nil else { return fail(line, "`foreach pool` given twice") }
            var parsed: [Int?] = []
            for value in values {
                if value == "default" {
                    parsed.append(nil)
                } else if let bytes = try? ByteCount.parse(value), bytes > 0 {
                    parsed.append(bytes)
                } else {
                    return fail(line, "pool size \"\(value)\" is neither `default` nor a size such as 256KiB")
                }
            }
            pools = parsed
        default:
            fail(line, "unknown foreach variable \"\(words[1])\" (expected threads or pool)")
        }
    }

    private mutating func parseRecord(_ words: [String], line: Int, sql lines: [String], result: [String]?) {
        guard !lines.isEmpty else { return fail(line, "the record has no SQL") }
        let sql = lines.joined(separator: "\n")
        if words[0] == "statement" {
            switch (words.count, words.count > 1 ? words[1] : "") {
            case (2, "ok"):
                guard result == nil else { return fail(line, "`statement ok` takes no `----` section") }
                records.append(SLTRecord(line: line, sql: sql, kind: .statementOK))
            case (2, "error"):
                let expected = result.flatMap { $0.isEmpty ? nil : $0.joined(separator: "\n") }
                records.append(SLTRecord(line: line, sql: sql, kind: .statementError(expected: expected)))
            default:
                fail(line, "expected `statement ok` or `statement error`")
            }
            return
        }
        guard words.count == 2 || words.count == 3 else {
            return fail(line, "expected `query <types> [nosort|rowsort]`")
        }
        var types: [SLTColumnType] = []
        for letter in words[1] {
            guard let type = SLTColumnType(rawValue: letter) else {
                return fail(line, "unknown type letter \"\(letter)\" (expected I, R, T, B, D or P)")
            }
            types.append(type)
        }
        guard let sort = words.count == 3 ? SLTSortMode(rawValue: words[2]) : .nosort else {
            return fail(line, "unknown sort mode \"\(words[2])\" (expected nosort or rowsort)")
        }
        guard let result else {
            return fail(line, "the query has no `----` and expected rows (run Tests/sql/complete.py)")
        }
        var rows: [[String]] = []
        for (offset, text) in result.enumerated() {
            let row = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let rowLine = line + lines.count + 2 + offset
            guard row.count == types.count else {
                return fail(rowLine, "the row has \(row.count) values, the type string \(words[1]) \(types.count)")
            }
            for (type, value) in zip(types, row) where !SLTFile.isWellFormed(value, type) {
                return fail(rowLine, "\"\(value)\" is not a valid \(type.rawValue) value")
            }
            rows.append(row)
        }
        records.append(SLTRecord(line: line, sql: sql, kind: .query(types: types, sort: sort, expected: rows)))
    }

    /// Whether an expected value is written the way the runner can compare it.
    private static func isWellFormed(_ value: String, _ type: SLTColumnType) -> Bool {
        if value == "NULL" { return true }
        switch type {
        case .integer:
            let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
            return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
        case .real: return Double(value) != nil
        case .bool: return value == "true" || value == "false"
        case .text, .date, .timestamp: return !value.isEmpty
        }
    }
}
