import ArgumentParser
import Foundation
import Strata

/// The `strata` command line.
@main
struct StrataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "An out-of-core columnar store whose tables are Delta Lake tables of Parquet files.",
        discussion: """
            A store is a directory of tables; each table is a Delta Lake table (Parquet files and a log of \
            versions) that delta-rs, Polars, DuckDB, Spark and Dask read directly, at any version.

            Examples:
              strata import events.csv --store my.store --table events
              strata import more.csv.gz --store my.store --table events --append
              strata import events.parquet --store my.store --table parquet_events
              strata info my.store
              strata sql my.store "SELECT vendor, count(*) FROM events GROUP BY vendor"
              strata sql "SELECT count(*) FROM 'data/*.parquet'"
              strata shell my.store
            """,
        subcommands: [ImportCommand.self, InfoCommand.self, SQLCommand.self, ShellCommand.self, VacuumCommand.self]
    )

    /// Parses the command line (with SQL that starts with a `--` comment moved past a `--` terminator, so that it is
    /// not read as an option) and runs the command.
    static func main() {
        main(SQLArguments.protectingComments(Array(CommandLine.arguments.dropFirst())))
    }
}

/// Runs `body`, turning a thrown error into a one-line message on stderr and exit code 1.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as StrataError {
        FileHandleOutput.standardError("strata: error: \(error)\n")
        throw ExitCode(1)
    }
}

/// Writes to the standard streams with write(2): a full or closed stream is never a crash (Foundation's
/// `FileHandle.write` traps on a write error).
enum FileHandleOutput {
    /// Writes `text` to stderr; a failure is ignored (there is nowhere left to report it).
    static func standardError(_ text: String) {
        _ = writeAll(2, text)
    }

    /// Writes `text` to stdout; throws when the stream refuses it (disk full, closed pipe).
    static func standardOutput(_ text: String) throws {
        let failure = writeAll(1, text)
        guard failure == 0 else {
            throw StrataError(.io, "cannot write to standard output: \(String(cString: strerror(failure)))")
        }
    }

    /// Writes every byte of `text` to `fd`, retrying on EINTR; 0, or the errno of the failure.
    private static func writeAll(_ fd: Int32, _ text: String) -> Int32 {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return 0 }
            var done = 0
            while done < raw.count {
                let written = write(fd, base + done, raw.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += written
            }
            return 0
        }
    }
}
