import Foundation
import Strata
import StrataSQL

/// The state of one `strata shell`: the database, how results are shown and where they go, and the statement being
/// typed. Lines come in through ``handle(_:)``; a line starting with `.` (outside a statement) is a dot-command.
final class ShellSession {
    /// The dot-commands, as `.help` lists them.
    static let help = """
          .help               this help
          .tables             list the tables
          .schema [TABLE]     the CREATE TABLE statement of one or every table
          .mode MODE          table, csv, json or line (column = value lines)
          .output [FILE]      results to FILE (created anew), or back to stdout
          .read FILE          run the statements and commands of FILE
          .timer on|off       print each statement's run time and statistics
          .maxrows N          rows the table mode shows (default 40)
          .quit / .exit       leave (end of input does too)
        """

    /// `.read` files nested deeper than this are refused (a file reading itself).
    static let maxReadDepth = 16

    private let database: Database
    private var runner: StatementRunner
    private var splitter = StatementSplitter()
    private var readDepth = 0
    /// Whether a statement or command failed.
    private(set) var failed = false
    /// Whether `.quit` or `.exit` was entered.
    private(set) var quit = false

    /// Whether to draw the progress line for a format and output (`toFile`), as the options say.
    private let showsProgress: (ResultFormat, Bool) -> Bool

    /// A session over `database`; `showsProgress` decides, per statement, whether the progress line is drawn.
    init(database: Database, showsProgress: @escaping (ResultFormat, Bool) -> Bool = { _, _ in false }) {
        self.database = database
        self.showsProgress = showsProgress
        runner = StatementRunner(database: database, format: .table)
        runner.cancellable = true
    }

    /// Runs one statement, with the progress line if the current mode and output allow it.
    private func run(_ statement: String) throws {
        runner.progress = showsProgress(runner.format, runner.output != .standardOutput)
        try runner.run(statement)
    }

    /// Whether a statement is waiting for more lines (the prompt shows it).
    var continuing: Bool { splitter.hasPendingInput }

    /// Takes one line of input: runs the statements it completes, or the dot-command it is.
    func handle(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if !splitter.hasPendingInput, trimmed.hasPrefix(".") {
            reportingErrors { try command(trimmed) }
            return
        }
        for statement in splitter.append(line: line) {
            reportingErrors { try run(statement) }
        }
    }

    /// Runs the statement left unfinished at the end of the input, if any.
    func finish() {
        guard splitter.hasPendingInput else { return }
        let statement = splitter.pending()
        splitter = StatementSplitter()
        reportingErrors { try run(statement) }
    }

    /// Runs `body`, printing a failure as `Error: …` on standard error.
    private func reportingErrors(_ body: () throws -> Void) {
        do {
            try body()
        } catch let error as StrataError {
            failed = true
            FileHandleOutput.standardError("Error: \(error)\n")
        } catch {
            failed = true
            FileHandleOutput.standardError("Error: \(error)\n")
        }
    }

    /// Runs the dot-command `line`.
    private func command(_ line: String) throws {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let name = words.first ?? line
        let argument = words.count > 1 ? line.dropFirst(name.count).trimmingCharacters(in: .whitespaces) : nil
        switch name {
        case ".quit", ".exit":
            quit = true
        case ".help":
            try show(Self.help + "\n")
        case ".tables":
            let names = try database.tableNames()
            try show(names.isEmpty ? "" : names.joined(separator: "\n") + "\n")
        case ".schema":
            let names = words.count > 1 ? Array(words.dropFirst()) : try database.tableNames()
            var text = ""
            for name in names { text += try Self.createStatement(name, schema: database.schema(of: name)) + "\n" }
            try show(text)
        case ".timer":
            guard words.count == 2, ["on", "off"].contains(words[1]) else {
                throw StrataError(.invalidArgument, "usage: .timer on|off")
            }
            runner.timer = words[1] == "on"
        case ".mode":
            guard words.count == 2, let format = ResultFormat(rawValue: words[1]), format != .parquet else {
                throw StrataError(.invalidArgument, "usage: .mode table|csv|json|line")
            }
            runner.format = format
        case ".maxrows":
            guard words.count == 2, let rows = Int(words[1]), rows > 0 else {
                throw StrataError(.invalidArgument, "usage: .maxrows N (a positive number of rows)")
            }
            runner.maxRows = rows
        case ".output":
            guard let path = argument else {
                runner.output = .standardOutput
                return
            }
            try ByteSink(.file(path)).close()
            runner.output = .appending(path)
        case ".read":
            guard let path = argument else { throw StrataError(.invalidArgument, "usage: .read FILE") }
            try read(path)
        default:
            throw StrataError(.invalidArgument, "unknown command \(name); try .help")
        }
    }

    /// Runs the lines of the file at `path` as if typed (a statement it leaves unfinished runs at its end).
    private func read(_ path: String) throws {
        guard readDepth < Self.maxReadDepth else {
            throw StrataError(.invalidArgument, ".read nested more than \(Self.maxReadDepth) deep", path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StrataError(.notFound, "cannot read the file", path: path)
        }
        let text = try SQLCommand.validUTF8(Array(data), source: "the file \(path)")
        let outer = splitter
        splitter = StatementSplitter()
        readDepth += 1
        defer {
            readDepth -= 1
            splitter = outer
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            handle(String(line))
            if quit { return }
        }
        finish()
    }

    /// Writes a dot-command's `text` where results go.
    private func show(_ text: String) throws {
        switch runner.output {
        case .standardOutput: try FileHandleOutput.standardOutput(text)
        case let .file(path), let .appending(path):
            let sink = try ByteSink(.appending(path))
            try sink.write(text)
            try sink.close()
        }
    }

    /// `CREATE TABLE name(column TYPE [NOT NULL], …);` with DuckDB's type names, as DuckDB's `.schema` shows it.
    static func createStatement(_ name: String, schema: Schema) -> String {
        let columns = schema.fields.map { field in
            identifier(field.name) + " " + SQLTypeName.name(of: field.type)
                + (field.nullable ? "" : " NOT NULL")
        }
        return "CREATE TABLE \(identifier(name))(\(columns.joined(separator: ", ")));"
    }

    /// `name` as SQL writes it: as is when it is a plain lowercase word and no reserved keyword, else in double
    /// quotes (with `"` doubled).
    static func identifier(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ("a"..."z").contains($0) } ?? false
            && name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        if plain, !(SQLKeyword.lookup(ArraySlice(name.utf8))?.isReserved ?? false) { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
