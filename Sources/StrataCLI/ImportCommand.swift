import ArgumentParser
import Strata

/// `strata import`: loads a file into a store table as one new, atomically committed version.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Parquet file into a store table (creating store and table when missing).",
        discussion: """
            The file may have been written by any engine (pyarrow, DuckDB, Polars, Spark, Strata). The import \
            streams one row group at a time and commits a new table version only when everything was written: \
            a failed import leaves the table as it was. Importing into an existing table appends; the file's \
            columns must match the table's names and types.

            Examples:
              strata import trips.parquet --store taxi.store --table trips
              strata import more.parquet --store taxi.store --table trips --codec lz4
            """
    )

    @Argument(help: "The Parquet file to import.")
    var file: String

    @Option(help: "The store directory (created when missing).")
    var store: String

    @Option(help: "The table to create or append to.")
    var table: String

    @Option(help: "Page compression of the new partition files: zstd, zstd:LEVEL, lz4 or none.")
    var codec: String = "zstd"

    func run() throws {
        try runReportingErrors {
            let codec = try Codec(parsing: codec)
            let clock = ContinuousClock()
            let start = clock.now
            let db = try Database(path: store, createIfMissing: true)
            let before = try db.tableExists(table) ? try db.info(table).rowCount : 0
            let info = try db.importParquet(from: file, into: table, codec: codec)
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("imported \(info.rowCount - before) rows into \(table) (version \(info.version)) "
                + "in \(Formatting.seconds(seconds))")
        }
    }
}
