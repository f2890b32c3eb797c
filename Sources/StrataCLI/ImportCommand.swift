import ArgumentParser
import Foundation
import Strata

/// `strata import`: loads a CSV or Parquet file into a store table as one new, atomically committed version.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV or Parquet file, or a Delta table, into a store table (created when missing).",
        discussion: """
            CSV input (a file, - for standard input, or a .gz / .zst compressed file) is parsed in parallel \
            and streamed into Parquet partitions within --memory-limit. The delimiter, the header and the column \
            types are sniffed from the first 20,480 rows unless given; when a later value does not fit a sniffed \
            type, the column is widened (int64 -> double -> string, date -> timestamp -> string) and the import \
            runs again, so no value is ever silently altered. A bad row stops the import with its file, line and \
            column, unless --on-error skip. A Parquet file (any engine's) is copied row group by row group, and so is \
            the current version of a Delta table folder (written by delta-rs, Spark, Polars or Strata).

            The import commits one new table version at the end, or nothing: a failed import leaves the store as \
            it was. An existing table is an error unless --append or --replace is given.

            Examples:
              strata import trips.csv --store taxi.store --table trips
              strata import more.csv.gz --store taxi.store --table trips --append
              strata import - --store s --table t --delimiter tab --null NA < data.tsv
              strata import data.csv --store s --table t --schema 'id:int64,when:timestamp' --on-error skip \\
                  --rejects rejects.csv --memory-limit 256MB --threads 4
              strata import events.parquet --store s --table events --codec lz4
              strata import /data/delta/orders --store s --table orders
            """
    )

    @Argument(help: ArgumentHelp(
        "The file to import: CSV (optionally .gz or .zst), Parquet, a Delta table folder, or - (CSV on stdin)."))
    var file: String

    @Option(help: "The store directory (created when missing).")
    var store: String

    @Option(help: "The table to create, append to or replace.")
    var table: String

    @Option(help: "CSV field delimiter: one ASCII character, or tab / '\\t' (default: sniffed among , tab ; |).")
    var delimiter: String?

    @Option(help: "CSV quote character.")
    var quote: String = "\""

    @Flag(inversion: .prefixedNo, help: "Whether the first CSV row is a header (default: sniffed).")
    var header: Bool?

    @Option(name: .customLong("null"), help: "An unquoted CSV value read as NULL besides the empty field (repeatable).")
    var nullTokens: [String] = []

    @Option(help: "Fixed CSV column types instead of sniffed ones, e.g. 'id:int64,name:string,at:timestamp'.")
    var schema: String?

    @Option(help: "Page compression of the new partition files: zstd, zstd:LEVEL, lz4 or none.")
    var codec: String = "zstd"

    @Option(parsing: .unconditional, help: "Memory budget of the import, e.g. 512MB or 1GiB.")
    var memoryLimit: String = "512MB"

    @Option(parsing: .unconditional, help: "CSV parser threads, 1 to 1024 (default: one per core).")
    var threads: Int?

    @Option(help: "What to do with a bad CSV row: fail (stop, commit nothing) or skip (leave it out and go on).")
    var onError: String = "fail"

    @Option(help: "With --on-error skip: a CSV file receiving each rejected row with its line and reason.")
    var rejects: String?

    @Flag(help: "Add the rows to an existing table (same column names and types).")
    var append = false

    @Flag(help: "Replace the table's rows with the file's (a new version; older versions are kept).")
    var replace = false

    @Flag(help: "Print nothing on success: no progress line, no summary.")
    var quiet = false

    func validate() throws {
        if append && replace { throw ValidationError("--append and --replace cannot be used together") }
        if onError != "fail" && onError != "skip" { throw ValidationError("--on-error must be fail or skip") }
        if rejects != nil && onError != "skip" { throw ValidationError("--rejects needs --on-error skip") }
        if let threads { try WorkerThread.validate(threads, option: "--threads") }
    }

    func run() throws {
        InterruptHandler.install()
        try runReportingErrors {
            let codec = try Codec(parsing: codec)
            let mode: ImportMode = append ? .append : replace ? .replace : .create
            let db = try Database(path: store, createIfMissing: true)
            let delta = file != "-" && Database.isDeltaTable(file)
            if try delta || isParquet(file) {
                let clock = ContinuousClock()
                let start = clock.now
                let before = try append && db.tableExists(table) ? try db.info(table).rowCount : 0
                let info = delta
                    ? try db.importDelta(from: file, into: table, codec: codec, mode: mode)
                    : try db.importParquet(from: file, into: table, codec: codec, mode: mode)
                let elapsed = clock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                if !quiet {
                    print("imported \(Formatting.rows(info.rowCount - before)) into \(table) "
                        + "(version \(info.version)) in \(Formatting.seconds(seconds))")
                }
                return
            }
            var options = CSVImportOptions()
            options.delimiter = try delimiter.map(ImportCommand.character)
            options.quote = try ImportCommand.character(quote)
            options.header = header
            options.nullTokens = nullTokens
            options.schema = try schema.map { try Schema(parsing: $0) }
            options.codec = codec
            options.memoryLimit = try ByteCount.parse(memoryLimit)
            options.threads = threads
            options.onError = onError == "skip" ? .skip : .fail
            options.rejectsPath = rejects
            options.mode = mode
            let progressLine = !quiet && ProgressLine.isTerminal
                ? ProgressLine(label: file == "-" ? "stdin" : (file as NSString).lastPathComponent) : nil
            let summary: ImportSummary
            do {
                summary = try db.importCSV(from: file, into: table, options: options,
                                           progress: progressLine.map { line in { line.update($0) } })
                progressLine?.clear()
            } catch {
                progressLine?.clear()
                throw error
            }
            if !quiet { print(ImportCommand.describe(summary, file: file, rejects: rejects)) }
        }
    }

    /// Whether `path` is a Parquet file (by its magic bytes; standard input is always CSV).
    private func isParquet(_ path: String) throws -> Bool {
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        return magic == Data("PAR1".utf8)
    }

    /// Parses a delimiter or quote argument: one ASCII character, or `tab` / `\t`.
    static func character(_ text: String) throws -> Unicode.Scalar {
        if text == "tab" || text == "\\t" || text == "\t" { return "\t" }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 1, let only = scalars.first, only.isASCII else {
            throw StrataError(.invalidArgument, "\"\(text)\" is not one ASCII character")
        }
        return only
    }

    /// The summary printed after a CSV import.
    static func describe(_ summary: ImportSummary, file: String, rejects: String?) -> String {
        let info = summary.table
        var lines: [String] = []
        lines.append("imported \(Formatting.rows(summary.rowsImported)) into \(info.name) "
            + "(version \(info.version)) from \(file == "-" ? "stdin" : file) in "
            + "\(Formatting.seconds(summary.elapsedSeconds)) "
            + "(\(Formatting.rate(summary.inputBytes, seconds: summary.elapsedSeconds)))")
        let columns = info.schema.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        lines.append("  columns (\(info.schema.count)): \(columns)")
        if !summary.widenedColumns.isEmpty {
            lines.append("  widened after sniffing (\(summary.passes) passes): "
                + summary.widenedColumns.joined(separator: ", "))
        }
        if summary.rowsRejected > 0 {
            lines.append("  rejected: \(Formatting.rows(summary.rowsRejected))"
                + (rejects.map { " (written to \($0))" } ?? ""))
        }
        let ratio = info.bytesOnDisk > 0 ? Double(summary.inputBytes) / Double(info.bytesOnDisk) : 0
        let files = info.partitionCount == 1 ? "1 partition" : "\(info.partitionCount) partitions"
        lines.append("  on disk: \(Formatting.bytes(info.bytesOnDisk)) in \(files), "
            + "\(info.codecs.joined(separator: ", ")); input \(Formatting.bytes(summary.inputBytes)), "
            + "ratio \(Formatting.ratio(ratio))")
        return lines.joined(separator: "\n")
    }
}
