import StrataTestSupport
import Foundation
import Strata
import Testing

/// The CSV import fixtures of `Fixtures/csv` (see its README): discovery, options and expectations.
enum CSVFixtures {
    static var directory: String { RepoPaths.root + "/Fixtures/csv" }

    /// `Fixtures/csv/<name>.<suffix>`.
    static func path(_ name: String, _ suffix: String = "csv") -> String { directory + "/" + name + "." + suffix }

    private static func names(withSuffix suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(suffix) }
            .map { String($0.dropLast(suffix.count)) }
            .sorted()
    }

    /// Fixtures that import (they have `.expected.jsonl`).
    static let good: [String] = names(withSuffix: ".expected.jsonl")
    /// Fixtures that must fail (they have `.error.json`).
    static let bad: [String] = names(withSuffix: ".error.json")
    /// Bad fixtures whose error is about one row (they name a line).
    static let rowErrors: [String] = bad.filter { (try? expectedError($0))?.line != nil }
    /// Bad fixtures whose error is about the whole file (empty, header only, binary).
    static let fileErrors: [String] = bad.filter { (try? expectedError($0))?.line == nil }

    static func text(_ name: String, _ suffix: String) throws -> String {
        try String(contentsOfFile: path(name, suffix), encoding: .utf8)
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// `NAME.options.json`, or an empty object.
    static func optionsJSON(_ name: String) throws -> JSON {
        guard FileManager.default.fileExists(atPath: path(name, "options.json")) else { return .object([]) }
        return try JSON.parse(try text(name, "options.json"))
    }

    /// The import options a fixture asks for (defaults otherwise).
    static func options(_ name: String) throws -> CSVImportOptions {
        let json = try optionsJSON(name)
        var options = CSVImportOptions()
        guard case let .object(members) = json else { throw FixtureError("\(name).options.json is not an object") }
        for (key, value) in members {
            switch (key, value) {
            case let ("delimiter", .string(s)): options.delimiter = try scalar(s, name)
            case let ("quote", .string(s)): options.quote = try scalar(s, name)
            case let ("header", .bool(b)): options.header = b
            case let ("nullTokens", .array(items)): options.nullTokens = items.compactMap(\.stringValue)
            case let ("schema", .string(s)): options.schema = try Schema(parsing: s)
            case let ("onError", .string(s)):
                guard s == "skip" || s == "fail" else { throw FixtureError("\(name): onError \(s)") }
                options.onError = s == "skip" ? .skip : .fail
            case let ("sampleRows", .number(n)):
                guard let rows = Int(n) else { throw FixtureError("\(name): sampleRows \(n)") }
                options.sampleRows = rows
            default: throw FixtureError("\(name).options.json: unknown option \(key): \(value)")
            }
        }
        return options
    }

    /// The `strata import` flags equivalent to a fixture's options (nil when an option has no flag).
    static func cliFlags(_ name: String) throws -> [String]? {
        guard case let .object(members) = try optionsJSON(name) else { return nil }
        var flags: [String] = []
        for (key, value) in members {
            switch (key, value) {
            case let ("delimiter", .string(s)): flags += ["--delimiter", s == "\t" ? "\\t" : s]
            case let ("quote", .string(s)): flags += ["--quote", s]
            case let ("header", .bool(b)): flags.append(b ? "--header" : "--no-header")
            case let ("nullTokens", .array(items)): for t in items.compactMap(\.stringValue) { flags += ["--null", t] }
            case let ("schema", .string(s)): flags += ["--schema", s]
            case let ("onError", .string(s)): flags += ["--on-error", s]
            default: return nil
            }
        }
        return flags
    }

    private static func scalar(_ s: String, _ name: String) throws -> Unicode.Scalar {
        guard s.unicodeScalars.count == 1, let c = s.unicodeScalars.first else {
            throw FixtureError("\(name): \"\(s)\" is not one character")
        }
        return c
    }

    /// What a good fixture must import as.
    struct Expected {
        var columns: [(name: String, type: String)]
        var rows: [JSON]
        var rowsImported: Int64
        var rowsRejected: Int64
        var widenedColumns: [String]
        var passes: Int
        /// The exact bytes of the rejects file, for `--on-error skip` fixtures.
        var rejects: [UInt8]?
    }

    static func expected(_ name: String) throws -> Expected {
        guard let array = try JSON.parse(try text(name, "schema.json")).arrayValue else {
            throw FixtureError("\(name).schema.json is not an array")
        }
        let columns = try array.map { column in
            guard let n = column["name"]?.stringValue, let t = column["type"]?.stringValue else {
                throw FixtureError("\(name).schema.json: column without name/type: \(column)")
            }
            return (name: n, type: t)
        }
        let rows = try JSON.parseLines(try text(name, "expected.jsonl"))
        let summary = try JSON.parse(try text(name, "summary.json"))
        func int(_ key: String) throws -> Int {
            guard case let .number(n)? = summary[key], let v = Int(n) else {
                throw FixtureError("\(name).summary.json: \(key)")
            }
            return v
        }
        let rejectsPath = path(name, "rejects.expected.csv")
        return Expected(
            columns: columns, rows: rows, rowsImported: Int64(try int("rowsImported")),
            rowsRejected: Int64(try int("rowsRejected")),
            widenedColumns: summary["widenedColumns"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            passes: try int("passes"),
            rejects: FileManager.default.fileExists(atPath: rejectsPath) ? try bytes(rejectsPath) : nil)
    }

    /// What a bad fixture must fail with.
    struct ExpectedError {
        var code: StrataError.Code
        /// The line of the bad row; nil for whole-file errors (then neither line nor column is checked).
        var line: Int?
        /// The column the error must name (nil: it must name none). Only for row errors.
        var column: String?
        var contains: String
        var notContains: [String]
        var caseInsensitive: Bool
    }

    static func expectedError(_ name: String) throws -> ExpectedError {
        let json = try JSON.parse(try text(name, "error.json"))
        guard let codeText = json["code"]?.stringValue, let code = StrataError.Code(rawValue: codeText),
              let contains = json["contains"]?.stringValue
        else { throw FixtureError("\(name).error.json: code/contains") }
        var line: Int?
        if case let .number(n)? = json["line"] { line = Int(n) }
        return ExpectedError(code: code, line: line, column: json["column"]?.stringValue, contains: contains,
                             notContains: json["notContains"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                             caseInsensitive: json["caseInsensitive"]?.boolValue ?? false)
    }

    /// Problems with `error` as the error of bad fixture `name` (empty when it is the expected one). `path` is
    /// the input path given to the import.
    static func errorProblems(_ error: any Error, fixture name: String, path: String) throws -> [String] {
        let want = try expectedError(name)
        guard let error = error as? StrataError else { return ["not a StrataError: \(error)"] }
        var problems: [String] = []
        if error.code != want.code { problems.append("code \(error.code), expected \(want.code)") }
        let message = want.caseInsensitive ? error.message.lowercased() : error.message
        if !message.contains(want.caseInsensitive ? want.contains.lowercased() : want.contains) {
            problems.append("message does not contain \"\(want.contains)\"")
        }
        for text in want.notContains where message.contains(text) {
            problems.append("message contains \"\(text)\"")
        }
        if let line = want.line {
            if error.line != line { problems.append("line \(error.line.map(String.init) ?? "nil"), expected \(line)") }
            if error.column != want.column {
                problems.append("column \(error.column ?? "nil"), expected \(want.column ?? "nil")")
            }
            if error.path != path { problems.append("path \(error.path ?? "nil"), expected \(path)") }
            if error.message.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                problems.append("message holds a raw control character")
            }
        }
        return problems.map { "\(name): \($0) — got \(error)" }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Block size and thread count of one import run.
struct ImportConfig: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    var blockBytes: Int?
    var threads: Int?

    var description: String {
        "blocks \(blockBytes.map { "\($0) B" } ?? "default"), threads \(threads.map(String.init) ?? "default")"
    }

    var testDescription: String { description }

    /// The default, tiny blocks with one and four threads.
    static let all: [ImportConfig] = [
        ImportConfig(), ImportConfig(blockBytes: 7, threads: 1), ImportConfig(blockBytes: 7, threads: 4),
        ImportConfig(blockBytes: 64, threads: 1), ImportConfig(blockBytes: 64, threads: 4),
    ]

    func apply(to options: inout CSVImportOptions) {
        if let blockBytes { options.blockBytes = blockBytes }
        if let threads { options.threads = threads }
    }
}

/// Reading tables back and comparing them with canonical expectations.
enum TableContents {
    /// Every row of the current version of `table`, as one batch.
    static func read(_ db: Database, _ table: String) throws -> Batch {
        let schema = try db.schema(of: table)
        return try concatenate(try drain(try db.scan(table)), schema: schema)
    }

    /// Differences between table `table` and the expected columns and canonical rows (at most `limit`).
    static func differences(_ db: Database, _ table: String, columns: [(name: String, type: String)],
                            rows expected: [JSON], limit: Int = 10) throws -> [String] {
        let batch = try read(db, table)
        let names = batch.schema.fields.map(\.name), types = batch.schema.fields.map(\.type.name)
        guard names == columns.map(\.name), types == columns.map(\.type) else {
            return ["schema \(batch.schema), expected \(columns.map { "\($0.name):\($0.type)" }.joined(separator: ", "))"]
        }
        var problems: [String] = []
        if batch.count != expected.count { problems.append("\(batch.count) rows, expected \(expected.count)") }
        for r in 0..<min(batch.count, expected.count) {
            for (c, column) in columns.enumerated() {
                let got = Canonical.json(batch.columns[c].value(at: r))
                let want = expected[r][column.name] ?? .null
                if got != want {
                    problems.append("row \(r) column \(column.name): got \(got), expected \(want)")
                    if problems.count >= limit { return problems }
                }
            }
        }
        return problems
    }

    /// Whether the summary's `widenedColumns` name exactly `columns` (an entry may carry the final type after
    /// the name, e.g. `price: double`).
    static func widenedNames(_ entries: [String], columns: [String]) -> [String] {
        entries.map { entry in
            let match = columns.filter { name in
                entry == name || (entry.hasPrefix(name)
                    && !(entry.dropFirst(name.count).first.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? true))
            }.max { $0.count < $1.count }
            return match ?? entry
        }.sorted()
    }
}

/// Writing test inputs.
enum TestFiles {
    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func size(_ path: String) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? -1
    }
}

extension SplitMix64 {
    /// A uniformly chosen integer in `range`.
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &self) }
}
