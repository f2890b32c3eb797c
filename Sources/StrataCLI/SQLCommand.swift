import ArgumentParser
import Foundation
import Strata
import StrataSQL

/// `strata sql`: runs SQL over a store and streams the result as a table, CSV, JSON lines or Parquet.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run SQL over a store and print or save the result.",
        discussion: """
            Tables of the store are named directly; files can be queried without importing them, with \
            read_parquet('path/*.parquet') and read_csv('file.csv'). Results stream: csv, json (one object per \
            line) and parquet never hold the whole result; table shows the first and last 20 rows. Queries stay \
            within --memory-limit, spilling to disk when needed. Several statements may be given, separated by ';'. \
            On a terminal, a progress line on standard error shows the input read, rows/s, the time left, the \
            memory in use against the limit and the bytes spilled; it disappears when the result prints. \
            See docs/sql.md for the SQL dialect and docs/profile.md for the performance report.

            Examples:
              strata sql taxi.store "SELECT vendor, count(*) AS trips, avg(fare) FROM trips GROUP BY vendor ORDER BY trips DESC"
              strata sql taxi.store "SELECT * FROM trips WHERE fare > 50" --format csv --output big_fares.csv
              strata sql taxi.store "SELECT id3, sum(v3) FROM x GROUP BY id3" --memory-limit 1GB --threads 4
              strata sql s "SELECT kind, count(*) FROM read_parquet('events/*.parquet') GROUP BY kind"
              strata sql s "EXPLAIN ANALYZE SELECT id1, sum(v1) FROM x GROUP BY id1"
              strata sql s "SELECT id3, sum(v3) FROM x GROUP BY id3" --memory-limit 256MB --profile report.html
              echo "SELECT 42 AS answer" | strata sql s --format json
            """
    )

    @Argument(help: "The store directory.")
    var store: String

    @Argument(help: "The SQL (one or more statements separated by ';'); read from standard input when omitted or -.")
    var sql: String?

    @OptionGroup var query: QueryOptions

    @Option(help: "Output format: table, csv, json (one object per line) or parquet (needs --output).")
    var format: ResultFormat = .table

    @Option(help: "Write the result to this file instead of standard output.")
    var output: String?

    @Flag(help: "Print each statement's run time and statistics to standard error.")
    var timer = false

    @Option(help: ArgumentHelp("Write a performance report of the query: HTML (one self-contained page: task stream, memory and spill over time, the plan), or JSON for a name ending in .json.", valueName: "file"))
    var profile: String?

    func run() throws {
        InterruptHandler.install()
        try runReportingErrors {
            let database = try Database(path: store, configuration: try query.configuration())
            var text = sql ?? "-"
            if text == "-" {
                text = try SQLCommand.validUTF8(Array(FileHandle.standardInput.readDataToEndOfFile()),
                                                source: "the SQL text on standard input")
            } else {
                try SQLCommand.checkArgumentUTF8(text)
            }
            var splitter = StatementSplitter()
            var statements: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                statements += splitter.append(line: String(line))
            }
            if splitter.hasPendingInput { statements.append(splitter.pending()) }
            if statements.isEmpty { statements = [text] }  // lets the parser report the empty statement
            if output != nil, statements.count > 1 {
                throw StrataError(.invalidArgument, "--output takes a single statement, not \(statements.count)")
            }
            if profile != nil, statements.count > 1 {
                throw StrataError(.invalidArgument, "--profile takes a single statement, not \(statements.count)")
            }
            var runner = StatementRunner(database: database, format: format,
                                         output: output.map { .file($0) } ?? .standardOutput, timer: timer)
            runner.progress = query.showsProgress(format: format, toFile: output != nil)
            runner.profilePath = profile
            for statement in statements { try runner.run(statement) }
        }
    }

    /// `bytes` as a string, or an error naming the first byte that is not UTF-8 (DuckDB rejects such text too;
    /// decoding would silently turn it into U+FFFD and change string literals).
    static func validUTF8(_ bytes: [UInt8], source: String) throws -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: break loop
            }
        }
        throw StrataError(.invalidArgument, "\(source) is not valid UTF-8 (at byte \(offset))")
    }

    /// Fails when the command-line argument that became `text` was not valid UTF-8 (the argument list decodes
    /// invalid bytes as U+FFFD).
    static func checkArgumentUTF8(_ text: String) throws {
        guard text.unicodeScalars.contains("\u{FFFD}") else { return }
        for index in 0..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self),
                                                  count: strlen(raw)))
            if String(decoding: bytes, as: UTF8.self) == text {
                _ = try validUTF8(bytes, source: "the SQL text")
            }
        }
    }
}
