import ArgumentParser
import Foundation
import Strata

/// The `strata` command line.
@main
struct StrataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "An out-of-core columnar store whose tables are Parquet datasets.",
        discussion: """
            A store is a directory of tables; each table is a versioned set of Parquet files that DuckDB, \
            Polars, pyarrow, Spark and Dask can read directly.

            Examples:
              strata import events.csv --store my.store --table events
              strata import more.csv.gz --store my.store --table events --append
              strata import events.parquet --store my.store --table parquet_events
              strata info my.store
              strata sql my.store "SELECT vendor, count(*) FROM events GROUP BY vendor"
              strata shell my.store
            """,
        subcommands: [ImportCommand.self, InfoCommand.self, SQLCommand.self, ShellCommand.self]
    )
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

/// Writes to the standard streams.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
