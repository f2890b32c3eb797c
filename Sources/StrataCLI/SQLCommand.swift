import ArgumentParser
import Foundation
import Strata
import StrataSQL

/// `strata sql`: runs SQL over a store, or over files with no store, and streams the result as a table, CSV, JSON
/// lines or Parquet.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run SQL over a store or over files, and print or save the result.",
        usage: """
            strata sql [STORE] [SQL] [--file FILE] [--store STORE] [options]
            """,
        discussion: """
            Tables of the store are named directly; files can be queried without importing them: FROM \
            'data/*.parquet' or 'file.csv' (read by the extension), read_parquet('path/*.parquet') and \
            read_csv('file.csv'). Without a store (one argument that is SQL, as duckdb -c), statements run in a \
            temporary store deleted at exit, so CREATE TABLE works for the command's duration. With one argument, an \
            existing directory or a word without spaces is the store and the SQL comes from --file or standard \
            input; anything else is the SQL. The SQL may start with a -- comment. Results stream: csv, json (one \
            object per line) and parquet never hold the whole result; table shows the first and last 20 rows. \
            Queries stay within --memory-limit, spilling to disk when needed. Several statements may be given, \
            separated by ';'. On a terminal, a progress line on standard error shows the input read, rows/s, the \
            time left, the memory in use against the limit and the bytes spilled; it disappears when the result \
            prints. See docs/sql.md for the SQL dialect (DESCRIBE, SHOW TABLES and SUMMARIZE included) and \
            docs/profile.md for the performance report (--profile).

            Examples:
              strata sql "SELECT kind, count(*) FROM 'events/*.parquet' GROUP BY kind"
              strata sql "SUMMARIZE 'trips.csv'"
              strata sql taxi.store "SELECT vendor, count(*) AS trips, avg(fare) FROM trips GROUP BY vendor ORDER BY trips DESC"
              strata sql taxi.store "SELECT * FROM trips WHERE fare > 50" --format csv --output big_fares.csv
              strata sql taxi.store "SELECT id3, sum(v3) FROM x GROUP BY id3" --memory-limit 1GB --threads 4
              strata sql taxi.store -f report.sql
              strata sql s "EXPLAIN ANALYZE SELECT id1, sum(v1) FROM x GROUP BY id1"
              strata sql s "SELECT id3, sum(v3) FROM x GROUP BY id3" --memory-limit 256MB --profile report.html
              echo "SELECT 42 AS answer" | strata sql --format json
            """
    )

    @Argument(help: ArgumentHelp("The store directory (optional), then the SQL.",
                                 discussion: "The SQL: one or more statements separated by ';'; read from --file or "
                                     + "standard input when omitted or -.",
                                 valueName: "store-and-sql"))
    var positionals: [String] = []

    @Option(help: "The store directory (instead of the first argument).")
    var store: String?

    @Option(name: [.short, .customLong("file")], help: "Read the SQL from this file.")
    var file: String?

    @OptionGroup var query: QueryOptions

    @Option(help: "Output format: table, csv, json (one object per line), line (column = value lines) or parquet (needs --output).")
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
            let (storePath, argument) = try storeAndSQL()
            let (database, scratch) = try ScratchStore.open(storePath, configuration: try query.configuration())
            defer { scratch?.remove() }
            let text = try sqlText(argument)
            let statements = StatementSplitter.statements(in: text)
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

    /// The store (nil: none) and the SQL argument (nil: from --file or standard input), from the arguments.
    private func storeAndSQL() throws -> (store: String?, sql: String?) {
        var rest = positionals
        guard rest.count <= 2 else {
            throw StrataError(.invalidArgument, "expected at most a store and the SQL, got \(rest.count) arguments "
                + "(quote the SQL)")
        }
        var storePath = store
        if storePath == nil, rest.count == 2 || (rest.count == 1 && SQLCommand.namesStore(rest[0])) {
            storePath = rest.removeFirst()
        }
        guard rest.count <= 1 else {
            throw StrataError(.invalidArgument, "--store given, and two more arguments: expected only the SQL")
        }
        let argument = rest.first.flatMap { $0 == "-" ? nil : $0 }
        if argument != nil, file != nil {
            throw StrataError(.invalidArgument, "the SQL comes either as an argument or from --file, not both")
        }
        return (storePath, argument)
    }

    /// Whether a lone argument names the store rather than holding SQL: an existing directory, or a word without
    /// white space or ';' (a statement has at least two words) other than `-` (standard input).
    static func namesStore(_ argument: String) -> Bool {
        guard argument != "-" else { return false }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
            return true
        }
        return !argument.contains(where: { $0.isWhitespace || $0 == ";" })
    }

    /// The SQL: `argument`, else the --file's text, else standard input's.
    private func sqlText(_ argument: String?) throws -> String {
        if let argument {
            try SQLCommand.checkArgumentUTF8(argument)
            return argument
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw StrataError(.notFound, "cannot read the SQL file", path: file)
            }
            return try SQLCommand.validUTF8(Array(data), source: "the SQL file \(file)")
        }
        return try SQLCommand.validUTF8(Array(FileHandle.standardInput.readDataToEndOfFile()),
                                        source: "the SQL text on standard input")
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
