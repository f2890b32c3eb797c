import ArgumentParser
import Foundation
import Strata
import StrataSQL

/// `strata shell`: an interactive SQL prompt over a store (also reads piped input).
struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive SQL prompt over a store.",
        discussion: """
            Statements may span lines and end with ';'. Commands (at the start of a line):
              .tables            list the tables
              .schema [TABLE]    show the columns of one or every table
              .timer on|off      print each statement's run time and statistics
              .mode FORMAT       table, csv or json output
              .help              this help
              .quit / .exit      leave (end of input does too)
            With piped input no prompt is printed; the exit code is 1 if any statement failed. Ctrl-C cancels the
            running statement (its spill files are removed) and the shell goes on; at the prompt it leaves.

            Examples:
              strata shell taxi.store
              strata shell taxi.store --memory-limit 2GB < queries.sql
            """
    )

    @Argument(help: "The store directory.")
    var store: String

    @OptionGroup var query: QueryOptions

    func run() throws {
        InterruptHandler.install()
        var failed = false
        try runReportingErrors {
            let database = try Database(path: store, configuration: try query.configuration())
            var runner = StatementRunner(database: database, format: .table)
            runner.cancellable = true
            runner.progress = query.showsProgress(format: .table, toFile: false)
            let interactive = isatty(0) == 1
            var splitter = StatementSplitter()
            if interactive { FileHandleOutput.standardError("strata shell: enter SQL ending with ';', or .help\n") }
            while true {
                if interactive {
                    try? FileHandleOutput.standardOutput(splitter.hasPendingInput ? "   ...> " : "strata> ")
                }
                guard let line = readLine(strippingNewline: true) else { break }
                if !splitter.hasPendingInput, line.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
                    do {
                        if try !command(line.trimmingCharacters(in: .whitespaces), database: database, runner: &runner) {
                            return
                        }
                    } catch let error as StrataError {
                        failed = true
                        FileHandleOutput.standardError("Error: \(error)\n")
                    }
                    continue
                }
                for statement in splitter.append(line: line) {
                    do {
                        try runner.run(statement)
                    } catch let error as StrataError {
                        failed = true
                        FileHandleOutput.standardError("Error: \(error)\n")
                    }
                }
            }
            if splitter.hasPendingInput {
                do {
                    try runner.run(splitter.pending())
                } catch let error as StrataError {
                    failed = true
                    FileHandleOutput.standardError("Error: \(error)\n")
                }
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// Runs a dot command; returns false to leave the shell.
    private func command(_ line: String, database: Database, runner: inout StatementRunner) throws -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        switch words.first ?? "" {
        case ".quit", ".exit":
            return false
        case ".help":
            print(ShellCommand.configuration.discussion.split(separator: "\n").prefix(8).joined(separator: "\n"))
        case ".tables":
            print(try database.tableNames().joined(separator: "\n"))
        case ".schema":
            let names = words.count > 1 ? Array(words.dropFirst()) : try database.tableNames()
            for name in names {
                let schema = try database.schema(of: name)
                print("\(name)(" + schema.fields.map { "\($0.name) \($0.type.name)" }.joined(separator: ", ") + ")")
            }
        case ".timer":
            guard words.count == 2, ["on", "off"].contains(words[1]) else {
                throw StrataError(.invalidArgument, "usage: .timer on|off")
            }
            runner.timer = words[1] == "on"
        case ".mode":
            guard words.count == 2, let format = ResultFormat(rawValue: words[1]), format != .parquet else {
                throw StrataError(.invalidArgument, "usage: .mode table|csv|json")
            }
            runner.format = format
        default:
            throw StrataError(.invalidArgument, "unknown command \(words.first ?? line); try .help")
        }
        return true
    }
}
